"""Workforce training: records per user, and a lapse suspending the PHI permissions of a
tenant that requires training (docs/compliance.md, "Workforce training")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.db.base import utcnow
from callvault.identity.training.models import TrainingRecord
from callvault.identity.training.rules import add_months
from callvault.settings import Settings
from tests._vault import TENANT_B, TokenFactory
from tests.calls.factories import call_payload
from tests.identity.conftest import Person, SessionFactory, UserFactory

TRAINING = "/api/v1/training"
POLICY = "/api/v1/training/policy"
COURSE = "HIPAA privacy and security basics"


def today() -> date:
    return utcnow().date()


def require_training(client: TestClient, officer: dict[str, str], months: int = 12) -> None:
    body = {"required": True, "period_months": months}
    assert client.put(POLICY, json=body, headers=officer).status_code == 200


def record(client: TestClient, officer: dict[str, str], user: Person, completed_on: date) -> Any:
    body = {"user_id": user.id, "course": COURSE, "completed_on": completed_on.isoformat()}
    return client.post(TRAINING, json=body, headers=officer)


def new_call(client: TestClient, auth: TokenFactory) -> str:
    answer = client.post("/api/v1/calls", json=call_payload(), headers=auth("integration"))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def actions(vault: Settings, action: str) -> list[str]:
    with open_keyring(vault) as (session, _):
        stmt = select(AuditEvent.outcome).where(AuditEvent.action == action)
        return list(session.scalars(stmt.order_by(AuditEvent.id)))


def record_count(vault: Settings) -> int:
    with open_keyring(vault) as (session, _):
        return session.scalar(select(func.count()).select_from(TrainingRecord)) or 0


@pytest.fixture
def officer(auth: TokenFactory) -> dict[str, str]:
    return auth("compliance_officer")


def test_a_lapsed_user_is_refused_phi_and_reads_it_again_after_a_new_record(
    client: TestClient,
    auth: TokenFactory,
    officer: dict[str, str],
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
) -> None:
    call_id = new_call(client, auth)
    require_training(client, officer)
    agent = make_user("agent")
    signed_in(agent)
    refused = client.get(f"/api/v1/calls/{call_id}/transcript")
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:callvault:problem:training-lapsed"
    assert actions(vault, "training:lapsed_deny") == ["denied"]
    masked = client.get(f"/api/v1/calls/{call_id}")
    assert masked.status_code == 200 and masked.json()["caller_name"] is None

    created = record(client, officer, agent, today() - timedelta(days=10))
    assert created.status_code == 201, created.text
    assert created.json()["expires_on"] == add_months(today() - timedelta(days=10), 12).isoformat()
    shown = client.get(f"/api/v1/calls/{call_id}")
    assert shown.json()["caller_name"] == call_payload()["caller_name"]
    assert client.get(f"/api/v1/calls/{call_id}/transcript").status_code == 404  # none yet
    assert actions(vault, "training:create") == ["allowed"]


def test_an_expired_record_does_not_count_and_removing_the_current_one_lapses_again(
    client: TestClient,
    officer: dict[str, str],
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
) -> None:
    require_training(client, officer)
    agent = make_user("agent")
    signed_in(agent)
    assert record(client, officer, agent, add_months(today(), -13)).status_code == 201
    assert client.get("/api/v1/calls/unknown/transcript").status_code == 403
    current = record(client, officer, agent, today()).json()["id"]
    assert client.get("/api/v1/calls/unknown/transcript").status_code == 404
    assert client.delete(f"{TRAINING}/records/{current}", headers=officer).status_code == 204
    assert client.get("/api/v1/calls/unknown/transcript").status_code == 403
    listed = client.get(f"{TRAINING}/users/{agent.id}", headers=officer).json()["records"]
    assert len(listed) == 1 and actions(vault, "training:delete") == ["allowed"]


def test_the_session_warns_within_thirty_days_of_a_lapse(
    client: TestClient, officer: dict[str, str], make_user: UserFactory, signed_in: SessionFactory
) -> None:
    require_training(client, officer)
    agent = make_user("agent")
    signed_in(agent)
    before = client.get("/api/v1/auth/session").json()
    assert before["training_required"] is True and before["training_expires_in_days"] is None
    completed = add_months(today(), -12) + timedelta(days=12)
    assert record(client, officer, agent, completed).status_code == 201
    left = client.get("/api/v1/auth/session").json()["training_expires_in_days"]
    assert left == (add_months(completed, 12) - today()).days
    assert 0 < left <= 30


def test_another_tenants_user_or_record_is_not_found(
    client: TestClient,
    auth: TokenFactory,
    officer: dict[str, str],
    make_user: UserFactory,
    vault: Settings,
) -> None:
    ours = make_user("agent")
    theirs = auth("compliance_officer", tenant=TENANT_B)
    assert record(client, theirs, ours, today()).status_code == 404
    assert client.get(f"{TRAINING}/users/{ours.id}", headers=theirs).status_code == 404
    record_id = record(client, officer, ours, today()).json()["id"]
    assert client.delete(f"{TRAINING}/records/{record_id}", headers=theirs).status_code == 404
    assert client.get(TRAINING, headers=theirs).json()["records"] == []
    assert record_count(vault) == 1


def test_service_tokens_are_not_subject_to_training(
    client: TestClient, auth: TokenFactory, officer: dict[str, str]
) -> None:
    call_id = new_call(client, auth)
    require_training(client, officer)
    token = auth("supervisor")
    assert client.get(f"/api/v1/calls/{call_id}", headers=token).json()["caller_name"]
    assert client.get(f"/api/v1/calls/{call_id}/transcript", headers=token).status_code == 404


def test_without_the_requirement_an_untrained_user_keeps_phi(
    client: TestClient, auth: TokenFactory, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    call_id = new_call(client, auth)
    signed_in(make_user("agent"))
    assert client.get(f"/api/v1/calls/{call_id}").json()["caller_name"]
    assert client.get("/api/v1/auth/session").json()["training_required"] is False


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("future completion", {"course": COURSE, "completed_on": "2999-01-01"}),
        ("empty course", {"course": "", "completed_on": "2026-01-01"}),
        ("not a date", {"course": COURSE, "completed_on": "yesterday"}),
        ("unknown field", {"course": COURSE, "completed_on": "2026-01-01", "extra": 1}),
    ],
)
def test_bad_records_are_refused_and_record_nothing(
    client: TestClient,
    officer: dict[str, str],
    make_user: UserFactory,
    vault: Settings,
    name: str,
    body: dict[str, Any],
) -> None:
    user = make_user("agent")
    answer = client.post(TRAINING, json={"user_id": user.id, **body}, headers=officer)
    assert answer.status_code == 422, name
    assert record_count(vault) == 0


@pytest.mark.parametrize("months", [0, 37])
def test_a_period_out_of_range_is_refused(
    client: TestClient, officer: dict[str, str], months: int
) -> None:
    body = {"required": True, "period_months": months}
    assert client.put(POLICY, json=body, headers=officer).status_code == 422
    assert client.get(POLICY, headers=officer).json() == {"required": False, "period_months": 12}


def test_only_training_admin_manages_records(
    client: TestClient, auth: TokenFactory, make_user: UserFactory
) -> None:
    user = make_user("agent")
    for role in ("agent", "supervisor", "marketing"):
        assert record(client, auth(role), user, today()).status_code == 403
    assert record(client, auth("admin"), user, today()).status_code == 201

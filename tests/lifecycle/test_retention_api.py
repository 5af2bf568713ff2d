"""``/api/v1/retention`` and ``POST /api/v1/calls/{id}/shred``: a change that deletes
sooner waits for a second, stepped-up person; bad periods are refused and change
nothing; a manual shred needs step-up and never touches held data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from callvault.cli.vault import open_keyring
from callvault.lifecycle.models import LegalHold
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.identity.conftest import SessionFactory, UserFactory

from ._lifecycle import OLD, certificates, events, make_call

KEEP_ALL = {
    "recording_original": None,
    "recording_scrubbed": None,
    "transcript_original": None,
    "transcript_redacted": None,
    "call_phi": None,
    "call_metadata": None,
    "export": None,
}


def test_get_shows_every_data_type_kept_by_default(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    signed_in(make_user("compliance_officer"))

    answer = client.get("/api/v1/retention")

    assert answer.status_code == 200
    assert answer.json()["periods"] == KEEP_ALL


def test_shortening_waits_for_a_second_stepped_up_person(
    vault: Settings, client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    first, second = make_user("compliance_officer"), make_user("compliance_officer")
    csrf = signed_in(first, stepped_up=True)

    asked = client.put(
        "/api/v1/retention", json={"periods": {"recording_original": 30}}, headers=csrf
    )

    assert asked.status_code == 202, asked.text
    change_id = asked.json()["change_id"]
    assert asked.json()["status"] == "pending"
    assert client.get("/api/v1/retention").json()["periods"]["recording_original"] is None
    own = client.post(f"/api/v1/retention/changes/{change_id}/approve", headers=csrf)
    assert own.status_code == 403  # the same person cannot approve

    csrf = signed_in(second)
    stale = client.post(f"/api/v1/retention/changes/{change_id}/approve", headers=csrf)
    assert stale.status_code == 403 and "step-up" in stale.text.lower()
    csrf = signed_in(second, stepped_up=True)
    approved = client.post(f"/api/v1/retention/changes/{change_id}/approve", headers=csrf)
    assert approved.status_code == 200, approved.text
    assert approved.json()["periods"]["recording_original"] == 30
    assert client.get("/api/v1/retention").json()["periods"]["recording_original"] == 30
    again = client.post(f"/api/v1/retention/changes/{change_id}/approve", headers=csrf)
    assert again.status_code == 409
    assert len(events(vault, "retention:change_request")) == 1
    assert len(events(vault, "retention:change_approve")) == 1


def test_keeping_longer_applies_at_once_without_step_up(
    vault: Settings, client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    csrf = signed_in(make_user("compliance_officer"))

    answer = client.put(
        "/api/v1/retention", json={"periods": {"call_metadata": None}}, headers=csrf
    )

    assert answer.status_code == 200 and answer.json()["status"] == "applied"
    assert len(events(vault, "retention:set")) == 1


def test_shortening_without_step_up_is_refused(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    csrf = signed_in(make_user("compliance_officer"))

    answer = client.put("/api/v1/retention", json={"periods": {"call_phi": 90}}, headers=csrf)

    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("periods", "says"),
    [
        ({"audit": 30}, "legal minimum"),
        ({"recording_original": -1}, ""),
        ({"recording_original": 0}, ""),
        ({"voicemail": 30}, "unknown data type"),
        ({"recording_original": "30"}, ""),
        ({"recording_original": True}, ""),
        ({"recording_original": 1.5}, ""),
    ],
)
def test_bad_periods_are_refused_and_change_nothing(
    vault: Settings,
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
    periods: dict[str, object],
    says: str,
) -> None:
    csrf = signed_in(make_user("compliance_officer"), stepped_up=True)

    answer = client.put("/api/v1/retention", json={"periods": periods}, headers=csrf)

    assert answer.status_code == 422, answer.text
    assert says in answer.text
    assert client.get("/api/v1/retention").json()["periods"] == KEEP_ALL
    assert events(vault, "retention:change_request") == []


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin"])
def test_other_roles_cannot_touch_retention(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory, role: str
) -> None:
    csrf = signed_in(make_user(role), stepped_up=True)

    assert client.get("/api/v1/retention").status_code == 403
    put = client.put("/api/v1/retention", json={"periods": {"call_phi": None}}, headers=csrf)
    assert put.status_code == 403


def test_manual_shred_needs_step_up_and_certifies(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    call_id = make_call(client, auth, OLD)
    officer = make_user("compliance_officer")
    body = {"data_types": ["recording_original", "call_phi"]}

    csrf = signed_in(officer)
    assert client.post(f"/api/v1/calls/{call_id}/shred", json=body, headers=csrf).status_code == 403
    csrf = signed_in(officer, stepped_up=True)
    answer = client.post(f"/api/v1/calls/{call_id}/shred", json=body, headers=csrf)

    assert answer.status_code == 200, answer.text
    types = sorted(c["type"] for c in answer.json()["certificates"])
    assert types == ["call_phi", "recording_original"]
    assert sorted(c["type"] for c in certificates(vault, "call:shred")) == types
    original = client.get(f"/api/v1/calls/{call_id}/recording/original", headers=auth("admin"))
    assert original.status_code in (403, 404, 410)


def test_manual_shred_of_held_or_foreign_call_is_refused(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    held = make_call(client, auth, OLD)
    theirs = make_call(client, lambda role: auth(role, tenant=TENANT_B), OLD)
    with open_keyring(vault) as (session, _):
        tenant_id = get_tenant(session, TENANT_A).id
        session.add(LegalHold(tenant_id=tenant_id, reason="r", matter="m", owner="t", call_id=held))
        session.commit()
    csrf = signed_in(make_user("compliance_officer"), stepped_up=True)
    body = {"data_types": ["recording_original"]}

    on_hold = client.post(f"/api/v1/calls/{held}/shred", json=body, headers=csrf)
    foreign = client.post(f"/api/v1/calls/{theirs}/shred", json=body, headers=csrf)

    assert on_hold.status_code == 409 and "legal hold" in on_hold.text
    assert foreign.status_code == 404
    refusals = events(vault, "call:shred")
    assert sorted(e.outcome for e in refusals) == ["denied", "not_found"]

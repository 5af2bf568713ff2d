"""Break-glass elevation over HTTP: ask, decide, use, expire; and every step audited."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from callvault.audit.models import AuditEvent
from callvault.authz.credentials import COOKIE_NAME
from callvault.cli.vault import open_keyring
from callvault.db.base import utcnow
from callvault.identity.models import CustomRole, Elevation
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.identity.conftest import Person, SessionFactory, UserFactory

URL = "/api/v1/elevations"
REASON = "synthetic emergency: on-call review of a flagged call"

Headers = dict[str, str]
As = Callable[[Person], Headers]


@pytest.fixture
def as_user(client: TestClient, signed_in: SessionFactory) -> As:
    """Headers carrying a fresh session (cookie and CSRF) of ``user``; the client's
    own cookie jar is emptied so that several people can share one client."""

    def headers(user: Person) -> Headers:
        csrf = signed_in(user)
        cookie = client.cookies.get(COOKIE_NAME)
        client.cookies.clear()
        return {**csrf, "Cookie": f"{COOKIE_NAME}={cookie}"}

    return headers


def ask(client: TestClient, headers: Headers, permission: str, minutes: int = 30) -> str:
    body = {"permission": permission, "minutes": minutes, "reason": REASON}
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"
    return str(response.json()["id"])


def audit_rows(vault: Settings, **where: Any) -> list[tuple[str, str, str | None, str]]:
    """(action, actor_id, resource_id, outcome) of the matching audit events, in order."""
    with open_keyring(vault) as (db, _):
        query = select(AuditEvent).order_by(AuditEvent.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        return [
            (e.action, e.actor_id, e.resource_id, e.outcome) for e in db.execute(query).scalars()
        ]


def set_elevation(vault: Settings, elevation_id: str, **values: Any) -> None:
    with open_keyring(vault) as (db, _):
        db.execute(update(Elevation).where(Elevation.id == elevation_id).values(**values))
        db.commit()


def test_a_grant_lets_an_admin_read_calls_until_it_expires_and_every_step_is_audited(
    client: TestClient, make_user: UserFactory, as_user: As, vault: Settings
) -> None:
    admin, approver = make_user("admin"), make_user("supervisor")
    admin_h, approver_h = as_user(admin), as_user(approver)
    assert client.get("/api/v1/calls", headers=admin_h).status_code == 403

    elevation_id = ask(client, admin_h, "call:read", minutes=30)
    assert client.get("/api/v1/calls", headers=admin_h).status_code == 403  # still pending

    approved = client.post(f"{URL}/{elevation_id}/approve", headers=approver_h)
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "approved" and body["approver_id"] == approver.id
    assert body["decided_at"] is not None and body["expires_at"] is not None

    assert client.get("/api/v1/calls", headers=admin_h).status_code == 200
    assert audit_rows(vault, resource_type="elevation") == [
        ("elevation:request", admin.id, elevation_id, "allowed"),
        ("elevation:approve", approver.id, elevation_id, "allowed"),
        ("elevation:use", admin.id, elevation_id, "allowed"),
    ]

    set_elevation(vault, elevation_id, expires_at=utcnow() - timedelta(seconds=1))
    assert client.get("/api/v1/calls", headers=admin_h).status_code == 403
    assert len(audit_rows(vault, action="elevation:use")) == 1
    assert client.get(f"{URL}/{elevation_id}", headers=admin_h).json()["status"] == "expired"


def test_the_grant_lasts_the_minutes_asked_for_from_the_approval(
    client: TestClient, make_user: UserFactory, as_user: As
) -> None:
    admin_h, approver_h = as_user(make_user("admin")), as_user(make_user("supervisor"))
    elevation_id = ask(client, admin_h, "call:read", minutes=45)

    body = client.post(f"{URL}/{elevation_id}/approve", headers=approver_h).json()

    decided = datetime.fromisoformat(body["decided_at"])
    assert datetime.fromisoformat(body["expires_at"]) - decided == timedelta(minutes=45)


def add_custom_role(vault: Settings, name: str, allow: list[str], deny: list[str]) -> None:
    with open_keyring(vault) as (db, _):
        row = CustomRole(
            tenant_id=get_tenant(db, TENANT_A).id,
            name=name,
            allow=json.dumps(allow),
            deny=json.dumps(deny),
        )
        db.add(row)
        db.commit()


def test_a_deny_in_a_role_wins_over_an_approved_grant(
    client: TestClient, make_user: UserFactory, as_user: As, vault: Settings
) -> None:
    # Like marketing (which denies PHI), but allowed to ask for elevation.
    add_custom_role(vault, "no-phi", ["call:read", "elevation:request"], ["recording:play"])
    requester_h, approver_h = as_user(make_user("no-phi")), as_user(make_user("supervisor"))
    elevation_id = ask(client, requester_h, "recording:play")
    approved = client.post(f"{URL}/{elevation_id}/approve", headers=approver_h)
    assert approved.status_code == 200

    response = client.get(f"/api/v1/calls/{'0' * 32}/recording", headers=requester_h)

    assert response.status_code == 403  # not 404: refused before the call is looked up
    assert audit_rows(vault, action="elevation:use") == []


def test_no_one_approves_their_own_request_and_the_attempt_is_audited(
    client: TestClient, make_user: UserFactory, as_user: As, vault: Settings
) -> None:
    supervisor = make_user("supervisor")
    headers = as_user(supervisor)
    elevation_id = ask(client, headers, "audit:read")

    response = client.post(f"{URL}/{elevation_id}/approve", headers=headers)

    assert response.status_code == 403
    assert client.get(f"{URL}/{elevation_id}", headers=headers).json()["status"] == "pending"
    assert ("elevation:approve", supervisor.id, elevation_id, "denied") in audit_rows(vault)


@pytest.mark.parametrize("decision", ["approve", "deny"])
def test_deciding_needs_elevation_approve(
    client: TestClient, make_user: UserFactory, as_user: As, decision: str
) -> None:
    elevation_id = ask(client, as_user(make_user("admin")), "call:read")

    response = client.post(f"{URL}/{elevation_id}/{decision}", headers=as_user(make_user("agent")))

    assert response.status_code == 403
    assert "elevation:approve" in response.json()["detail"]


def test_a_denied_request_grants_nothing_and_cannot_be_approved_later(
    client: TestClient, make_user: UserFactory, as_user: As, vault: Settings
) -> None:
    admin, approver = make_user("admin"), make_user("compliance_officer")
    admin_h, approver_h = as_user(admin), as_user(approver)
    elevation_id = ask(client, admin_h, "call:read")

    denied = client.post(f"{URL}/{elevation_id}/deny", headers=approver_h)
    again = client.post(f"{URL}/{elevation_id}/approve", headers=approver_h)

    assert denied.status_code == 200 and denied.json()["status"] == "denied"
    assert denied.json()["expires_at"] is None
    assert again.status_code == 409
    assert client.get("/api/v1/calls", headers=admin_h).status_code == 403
    assert ("elevation:deny", approver.id, elevation_id, "allowed") in audit_rows(vault)


def test_a_request_left_undecided_for_an_hour_cannot_be_approved(
    client: TestClient, make_user: UserFactory, as_user: As, vault: Settings
) -> None:
    admin_h, approver_h = as_user(make_user("admin")), as_user(make_user("supervisor"))
    elevation_id = ask(client, admin_h, "call:read")
    set_elevation(vault, elevation_id, created_at=utcnow() - timedelta(minutes=61))

    response = client.post(f"{URL}/{elevation_id}/approve", headers=approver_h)

    assert response.status_code == 409
    assert client.get("/api/v1/calls", headers=admin_h).status_code == 403
    assert client.get(f"{URL}/{elevation_id}", headers=admin_h).json()["status"] == "expired"


BAD_REQUESTS = [
    ("unknown permission", {"permission": "call:teleport", "minutes": 5, "reason": REASON}, 422),
    ("no minutes", {"permission": "call:read", "minutes": 0, "reason": REASON}, 422),
    ("too many minutes", {"permission": "call:read", "minutes": 241, "reason": REASON}, 422),
    ("minutes as text", {"permission": "call:read", "minutes": "5", "reason": REASON}, 422),
    ("short reason", {"permission": "call:read", "minutes": 5, "reason": "x" * 19}, 422),
    ("blank reason", {"permission": "call:read", "minutes": 5, "reason": " " * 40}, 422),
    ("no reason", {"permission": "call:read", "minutes": 5}, 422),
    ("extra field", {"permission": "call:read", "minutes": 5, "reason": REASON, "x": 1}, 422),
    ("access admin", {"permission": "elevation:approve", "minutes": 5, "reason": REASON}, 422),
    ("role admin", {"permission": "role:admin", "minutes": 5, "reason": REASON}, 422),
    ("already held", {"permission": "key:admin", "minutes": 5, "reason": REASON}, 409),
]


@pytest.mark.parametrize(
    ("body", "status"), [c[1:] for c in BAD_REQUESTS], ids=[c[0] for c in BAD_REQUESTS]
)
def test_bad_requests_are_refused_without_echoing_the_reason(
    client: TestClient,
    make_user: UserFactory,
    as_user: As,
    vault: Settings,
    body: dict[str, Any],
    status: int,
) -> None:
    response = client.post(URL, json=body, headers=as_user(make_user("admin")))

    assert response.status_code == status
    assert REASON not in response.text
    assert audit_rows(vault, action="elevation:request") == []


def test_malformed_json_is_refused(client: TestClient, make_user: UserFactory, as_user: As) -> None:
    headers = {**as_user(make_user("admin")), "Content-Type": "application/json"}

    response = client.post(URL, content=b'{"permission": "call:read", ', headers=headers)

    assert response.status_code == 422


def test_a_token_cannot_ask_for_elevation(client: TestClient, auth: TokenFactory) -> None:
    body = {"permission": "recording:play_unredacted", "minutes": 5, "reason": REASON}

    response = client.post(URL, json=body, headers=auth("agent"))

    assert response.status_code == 403


def test_requesters_see_their_own_requests_and_approvers_see_the_queue(
    client: TestClient, make_user: UserFactory, as_user: As
) -> None:
    requester_h, other_h = as_user(make_user("admin")), as_user(make_user("agent"))
    approver_h = as_user(make_user("supervisor"))
    pending_id = ask(client, requester_h, "call:read")
    denied_id = ask(client, requester_h, "audit:read")
    client.post(f"{URL}/{denied_id}/deny", headers=approver_h)

    assert client.get(f"{URL}/{pending_id}", headers=requester_h).status_code == 200
    assert client.get(f"{URL}/{pending_id}", headers=other_h).status_code == 404
    assert client.get(f"{URL}/{pending_id}", headers=approver_h).json()["reason"] == REASON
    assert client.get(URL, headers=requester_h).status_code == 403
    pending = client.get(URL, params={"status": "pending"}, headers=approver_h).json()
    assert [e["id"] for e in pending] == [pending_id]
    everything = client.get(URL, headers=approver_h).json()
    assert {e["id"] for e in everything} == {pending_id, denied_id}
    assert client.get(URL, params={"status": "bogus"}, headers=approver_h).status_code == 422


def test_another_tenant_cannot_see_or_decide_a_request(
    client: TestClient, make_user: UserFactory, as_user: As
) -> None:
    elevation_id = ask(client, as_user(make_user("admin")), "call:read")
    outsider_h = as_user(make_user("supervisor", tenant=TENANT_B))

    assert client.get(f"{URL}/{elevation_id}", headers=outsider_h).status_code == 404
    assert client.post(f"{URL}/{elevation_id}/approve", headers=outsider_h).status_code == 404
    assert client.get(URL, headers=outsider_h).json() == []


def test_the_reason_is_never_logged(
    client: TestClient, make_user: UserFactory, as_user: As, caplog: pytest.LogCaptureFixture
) -> None:
    admin_h, approver_h = as_user(make_user("admin")), as_user(make_user("supervisor"))
    with caplog.at_level(logging.DEBUG):
        elevation_id = ask(client, admin_h, "call:read")
        client.post(f"{URL}/{elevation_id}/approve", headers=approver_h)
        client.get("/api/v1/calls", headers=admin_h)

    logged = " ".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert REASON not in logged

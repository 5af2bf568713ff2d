"""Users administration over HTTP: create, read, list, deactivate, unlock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.db.base import utcnow
from callvault.identity.models import User, UserRole, UserSession
from callvault.settings import Settings
from tests._vault import TokenFactory
from tests.identity.conftest import SessionFactory, UserFactory

NEW_PASSWORD = "synthetic-Winter-Ledger-5531"
OTHER = "other.person@clinic-a.example"


def audit_trail(vault: Settings, resource_id: str) -> list[tuple[str, str]]:
    with open_keyring(vault) as (db, _):
        rows = db.execute(
            select(AuditEvent.action, AuditEvent.outcome)
            .where(AuditEvent.resource_id == resource_id)
            .order_by(AuditEvent.id)
        )
        return [(action, outcome) for action, outcome in rows]


def user_count(vault: Settings) -> int:
    with open_keyring(vault) as (db, _):
        return db.execute(select(func.count()).select_from(User)).scalar_one()


def new_user(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": "New.Person@clinic-a.example",
        "password": NEW_PASSWORD,
        "roles": ["agent"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def admin(make_user: UserFactory, signed_in: SessionFactory) -> dict[str, str]:
    """A signed-in admin who re-entered a TOTP code: giving a new user roles needs it."""
    return signed_in(make_user("admin"), stepped_up=True)


def test_an_admin_creates_then_reads_and_lists_a_user(
    client: TestClient, admin: dict[str, str], vault: Settings
) -> None:
    created = client.post("/api/v1/users", json=new_user(), headers=admin)
    user_id = created.json()["id"]
    shown = client.get(f"/api/v1/users/{user_id}", headers=admin).json()
    listed = client.get("/api/v1/users", headers=admin).json()

    assert created.status_code == 201
    assert set(created.json()) == {"id"}  # no secret, no enrolment URI for the admin
    assert shown["email"] == "new.person@clinic-a.example"
    assert shown["roles"] == ["agent"]
    assert (shown["active"], shown["enrolled"], shown["failed_logins"]) == (True, False, 0)
    assert shown["locked_until"] is None and shown["deactivated_at"] is None
    assert user_id in [u["id"] for u in listed["items"]]
    assert audit_trail(vault, user_id) == [("user:create", "allowed"), ("role:assign", "allowed")]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (new_user(email="new.person@CLINIC-A.example"), 409),
        (new_user(email=OTHER, password="short-Pw1"), 422),
        (new_user(email=OTHER, password="password1234"), 422),
        (new_user(email=OTHER, roles=["superuser"]), 422),
        (new_user(email="not-an-address"), 422),
        (new_user(email=OTHER, tenant_id="elsewhere"), 422),
        (new_user(email=OTHER, active=False), 422),
        (new_user(email=OTHER, roles="agent"), 422),
        ({"email": OTHER}, 422),
    ],
    ids=[
        "duplicate-email",
        "short-password",
        "common-password",
        "unknown-role",
        "bad-email",
        "tenant-id-field",
        "active-field",
        "roles-not-a-list",
        "no-password",
    ],
)
def test_creating_a_user_refuses_bad_input_and_stores_nothing(
    client: TestClient, admin: dict[str, str], vault: Settings, body: dict[str, Any], status: int
) -> None:
    assert client.post("/api/v1/users", json=new_user(), headers=admin).status_code == 201
    before = user_count(vault)

    response = client.post("/api/v1/users", json=body, headers=admin)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert str(body.get("password")) not in response.text
    assert user_count(vault) == before


def test_giving_a_new_user_roles_needs_role_admin_and_a_step_up(
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
) -> None:
    before = user_count(vault)
    by_token = client.post("/api/v1/users", json=new_user(), headers=auth("admin"))
    client.cookies.clear()
    not_stepped_up = client.post(
        "/api/v1/users", json=new_user(), headers=signed_in(make_user("admin"))
    )
    without_roles = client.post(
        "/api/v1/users", json=new_user(roles=[]), headers=signed_in(make_user("admin"))
    )

    assert by_token.status_code == 403
    assert not_stepped_up.status_code == 403
    assert not_stepped_up.json()["title"] == "Step-up authentication required"
    assert without_roles.status_code == 201
    assert user_count(vault) == before + 3  # the two admins made here, and the role-less user


def test_a_body_that_is_not_json_is_refused(client: TestClient, auth: TokenFactory) -> None:
    response = client.post(
        "/api/v1/users", content=b"email=x", headers={**auth("admin"), "content-type": "text/plain"}
    )
    assert response.status_code == 415


def test_the_user_list_pages_with_a_cursor(
    client: TestClient, auth: TokenFactory, make_user: UserFactory
) -> None:
    ids = {make_user("agent").id for _ in range(5)}
    admin = auth("admin")

    first = client.get("/api/v1/users", params={"limit": 2}, headers=admin).json()
    seen = [u["id"] for u in first["items"]]
    cursor = first["next_cursor"]
    while cursor is not None:
        page = client.get(
            "/api/v1/users", params={"limit": 2, "cursor": cursor}, headers=admin
        ).json()
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
    everything = client.get("/api/v1/users", params={"limit": 10_000}, headers=admin)

    assert len(first["items"]) == 2
    assert sorted(seen) == sorted(ids)
    assert everything.status_code == 200 and len(everything.json()["items"]) == 5
    bad_cursor = client.get("/api/v1/users", params={"cursor": "' OR 1=1 --"}, headers=admin)
    assert bad_cursor.status_code == 422


def test_deactivation_ends_the_users_live_session_at_once(
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
) -> None:
    person = make_user("supervisor")
    signed_in(person)
    assert client.get("/api/v1/calls").status_code == 200

    response = client.patch(
        f"/api/v1/users/{person.id}", json={"active": False}, headers=auth("admin")
    )

    assert response.status_code == 200
    assert response.json()["active"] is False and response.json()["deactivated_at"] is not None
    assert client.get("/api/v1/calls").status_code == 401  # the same cookie, one request later
    with open_keyring(vault) as (db, _):
        live = db.execute(
            select(UserSession).where(
                UserSession.user_id == person.id, UserSession.revoked_at.is_(None)
            )
        ).all()
    assert live == []
    assert ("user:deactivate", "allowed") in audit_trail(vault, person.id)


def test_a_deactivated_user_can_be_reactivated(
    client: TestClient, auth: TokenFactory, make_user: UserFactory
) -> None:
    person, admin = make_user("agent"), auth("admin")
    client.patch(f"/api/v1/users/{person.id}", json={"active": False}, headers=admin)

    response = client.patch(f"/api/v1/users/{person.id}", json={"active": True}, headers=admin)

    assert response.status_code == 200
    assert response.json()["active"] is True and response.json()["deactivated_at"] is None


def test_an_admin_sees_and_clears_a_lockout(
    client: TestClient, auth: TokenFactory, make_user: UserFactory, vault: Settings
) -> None:
    person, admin = make_user("agent"), auth("admin")
    with open_keyring(vault) as (db, _):
        row = db.get_one(User, person.id)
        row.failed_logins, row.locked_until = 7, utcnow() + timedelta(minutes=15)
        db.commit()

    locked = client.get(f"/api/v1/users/{person.id}", headers=admin).json()
    unlocked = client.patch(f"/api/v1/users/{person.id}", json={"unlock": True}, headers=admin)

    assert locked["failed_logins"] == 7 and locked["locked_until"] is not None
    assert unlocked.status_code == 200
    assert (unlocked.json()["failed_logins"], unlocked.json()["locked_until"]) == (0, None)
    assert ("user:unlock", "allowed") in audit_trail(vault, person.id)


@pytest.mark.parametrize(
    "body",
    [
        {"roles": ["admin"]},
        {"tenant_id": "0" * 32},
        {"email": "someone.else@clinic-a.example"},
        {"id": "0" * 32},
        {"active": False, "roles": ["admin"]},
        {"failed_logins": 0},
        {"unlock": False},
        {"active": "false"},
        {},
    ],
    ids=[
        "roles",
        "tenant-id",
        "email",
        "id",
        "active-and-roles",
        "failed-logins",
        "unlock-false",
        "active-as-string",
        "empty",
    ],
)
def test_patch_refuses_every_other_field_and_changes_nothing(
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    vault: Settings,
    body: dict[str, Any],
) -> None:
    person = make_user("agent")

    response = client.patch(f"/api/v1/users/{person.id}", json=body, headers=auth("admin"))

    assert response.status_code == 422
    with open_keyring(vault) as (db, _):
        row = db.get_one(User, person.id)
        roles = db.execute(select(UserRole.role).where(UserRole.user_id == person.id)).all()
        assert (row.email, row.active, row.id) == (person.email, True, person.id)
        assert [r for (r,) in roles] == ["agent"]
    assert audit_trail(vault, person.id) == []


def test_an_admin_cannot_deactivate_their_own_account(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    admin = make_user("admin")
    csrf = signed_in(admin)

    response = client.patch(f"/api/v1/users/{admin.id}", json={"active": False}, headers=csrf)

    assert response.status_code == 409
    assert client.get("/api/v1/users").status_code == 200

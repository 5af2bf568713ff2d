"""Roles over HTTP: the catalog, custom roles, role assignment with step-up and
separation of duties, and deny-wins end to end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.authz.credentials import COOKIE_NAME
from callvault.cli.vault import open_keyring
from callvault.identity.models import CustomRole, UserRole
from callvault.settings import Settings
from tests._vault import TokenFactory
from tests.identity import conftest as people
from tests.identity.conftest import SessionFactory, UserFactory


@dataclass(frozen=True)
class Seat:
    """One signed-in person's cookie and CSRF header, to switch ``client`` between people."""

    cookie: str
    csrf: dict[str, str]


def seat(
    client: TestClient, signed_in: SessionFactory, user: people.Person, stepped_up: bool = False
) -> Seat:
    csrf = signed_in(user, stepped_up=stepped_up)
    return Seat(client.cookies[COOKIE_NAME], csrf)


def sit(client: TestClient, who: Seat) -> dict[str, str]:
    client.cookies.set(COOKIE_NAME, who.cookie)
    return who.csrf


def roles_of(vault: Settings, user_id: str) -> list[str]:
    with open_keyring(vault) as (db, _):
        rows = db.execute(select(UserRole.role).where(UserRole.user_id == user_id)).scalars()
        return sorted(rows)


def actions(vault: Settings, resource_id: str) -> list[tuple[str, str]]:
    with open_keyring(vault) as (db, _):
        rows = db.execute(
            select(AuditEvent.action, AuditEvent.outcome)
            .where(AuditEvent.resource_id == resource_id)
            .order_by(AuditEvent.id)
        )
        return [(a, o) for a, o in rows]


@pytest.fixture
def admin(client: TestClient, make_user: UserFactory, signed_in: SessionFactory) -> dict[str, str]:
    """A stepped-up admin session on ``client``; returns its CSRF header."""
    return signed_in(make_user("admin"), stepped_up=True)


def test_the_catalog_lists_built_in_and_custom_roles_without_step_up(
    client: TestClient, admin: dict[str, str], make_user: UserFactory, signed_in: SessionFactory
) -> None:
    client.post("/api/v1/roles", json={"name": "night-desk", "allow": ["call:read"]}, headers=admin)
    signed_in(make_user("admin"))  # no step-up: reading the catalog changes nothing

    response = client.get("/api/v1/roles")

    roles = {r["name"]: r for r in response.json()["items"]}
    assert response.status_code == 200
    assert roles["admin"]["builtin"] is True and "user:admin" in roles["admin"]["allow"]
    assert "audit:read" not in roles["admin"]["allow"]
    assert "call:read_phi" in roles["marketing"]["deny"]
    assert roles["night-desk"] == {
        "name": "night-desk",
        "builtin": False,
        "allow": ["call:read"],
        "deny": [],
    }


def test_a_custom_role_is_created_changed_and_deleted(
    client: TestClient, admin: dict[str, str], vault: Settings
) -> None:
    created = client.post(
        "/api/v1/roles",
        json={"name": "qa_review", "allow": ["call:read", "report:read"], "deny": []},
        headers=admin,
    )
    changed = client.put(
        "/api/v1/roles/qa_review",
        json={"allow": ["report:read"], "deny": ["call:read_phi"]},
        headers=admin,
    )
    deleted = client.delete("/api/v1/roles/qa_review", headers=admin)
    names = {r["name"] for r in client.get("/api/v1/roles").json()["items"]}

    assert created.status_code == 201 and created.json()["allow"] == ["call:read", "report:read"]
    assert changed.status_code == 200
    assert (changed.json()["allow"], changed.json()["deny"]) == (["report:read"], ["call:read_phi"])
    assert deleted.status_code == 204
    assert "qa_review" not in names
    assert actions(vault, "qa_review") == [
        ("role:create", "allowed"),
        ("role:update", "allowed"),
        ("role:delete", "allowed"),
    ]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "Shouting", "allow": []}, 422),
        ({"name": "x", "allow": []}, 422),
        ({"name": "9lives", "allow": []}, 422),
        ({"name": "a" * 65, "allow": []}, 422),
        ({"name": "ok-name", "allow": ["call:everything"]}, 422),
        ({"name": "ok-name", "deny": ["CALL:READ"]}, 422),
        ({"name": "ok-name", "allow": [], "tenant_id": "0" * 32}, 422),
        ({"name": "agent", "allow": ["audit:read"]}, 409),
        ({"name": "existing", "allow": []}, 409),
    ],
    ids=[
        "uppercase",
        "too-short",
        "leading-digit",
        "too-long",
        "unknown-permission",
        "permission-wrong-case",
        "extra-field",
        "built-in-name",
        "duplicate",
    ],
)
def test_bad_custom_roles_are_refused(
    client: TestClient, admin: dict[str, str], vault: Settings, body: dict[str, Any], status: int
) -> None:
    client.post("/api/v1/roles", json={"name": "existing", "allow": ["call:read"]}, headers=admin)

    response = client.post("/api/v1/roles", json=body, headers=admin)

    assert response.status_code == status
    with open_keyring(vault) as (db, _):
        assert list(db.execute(select(CustomRole.name)).scalars()) == ["existing"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/api/v1/roles/admin"), ("DELETE", "/api/v1/roles/agent")],
    ids=["change-admin", "delete-agent"],
)
def test_built_in_roles_cannot_be_changed(
    client: TestClient, admin: dict[str, str], method: str, path: str
) -> None:
    response = client.request(method, path, json={"allow": ["audit:read"]}, headers=admin)

    admin_role = next(
        r for r in client.get("/api/v1/roles").json()["items"] if r["name"] == "admin"
    )
    assert response.status_code == 409
    assert "audit:read" not in admin_role["allow"]


def test_a_role_in_use_cannot_be_deleted(
    client: TestClient, admin: dict[str, str], make_user: UserFactory
) -> None:
    client.post("/api/v1/roles", json={"name": "night-desk", "allow": ["call:read"]}, headers=admin)
    make_user("night-desk")

    response = client.delete("/api/v1/roles/night-desk", headers=admin)

    assert response.status_code == 409
    assert "night-desk" in {r["name"] for r in client.get("/api/v1/roles").json()["items"]}


def test_assigning_roles_needs_a_fresh_step_up(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory, vault: Settings
) -> None:
    person, admin = make_user("agent"), make_user("admin")
    path, body = f"/api/v1/users/{person.id}/roles", {"roles": ["supervisor"]}

    without = client.put(path, json=body, headers=signed_in(admin))
    assert roles_of(vault, person.id) == ["agent"]
    stepped = client.put(path, json=body, headers=signed_in(admin, stepped_up=True))

    assert without.status_code == 403
    assert without.json()["title"] == "Step-up authentication required"
    assert stepped.status_code == 200 and stepped.json()["roles"] == ["supervisor"]
    assert roles_of(vault, person.id) == ["supervisor"]
    assert actions(vault, person.id)[-1] == ("role:assign", "allowed")


def test_a_service_token_can_never_assign_roles(
    client: TestClient, auth: TokenFactory, make_user: UserFactory, vault: Settings
) -> None:
    person = make_user("agent")

    response = client.put(
        f"/api/v1/users/{person.id}/roles", json={"roles": ["admin"]}, headers=auth("admin")
    )

    assert response.status_code == 403
    assert response.json()["title"] == "Step-up authentication required"
    assert roles_of(vault, person.id) == ["agent"]


@pytest.mark.parametrize("new_roles", [["admin", "supervisor"], ["compliance_officer"], []])
def test_nobody_changes_their_own_roles_not_even_an_admin(
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
    new_roles: list[str],
) -> None:
    admin = make_user("admin")
    csrf = signed_in(admin, stepped_up=True)

    response = client.put(
        f"/api/v1/users/{admin.id}/roles", json={"roles": new_roles}, headers=csrf
    )

    assert response.status_code == 403
    assert "your own roles" in response.json()["detail"]
    assert roles_of(vault, admin.id) == ["admin"]


@pytest.mark.parametrize(
    "body",
    [{"roles": ["superuser"]}, {"roles": "admin"}, {"roles": ["agent"], "user_id": "0" * 32}, {}],
    ids=["unknown-role", "not-a-list", "extra-field", "missing"],
)
def test_bad_role_assignments_change_nothing(
    client: TestClient,
    admin: dict[str, str],
    make_user: UserFactory,
    vault: Settings,
    body: dict[str, Any],
) -> None:
    person = make_user("agent")

    response = client.put(f"/api/v1/users/{person.id}/roles", json=body, headers=admin)

    assert response.status_code == 422
    assert roles_of(vault, person.id) == ["agent"]


def test_a_role_change_applies_on_the_very_next_request(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    agent = make_user("agent")
    person = seat(client, signed_in, agent)
    admin = seat(client, signed_in, make_user("admin"), stepped_up=True)
    sit(client, person)
    assert client.get("/api/v1/calls").status_code == 200

    csrf = sit(client, admin)
    response = client.put(f"/api/v1/users/{agent.id}/roles", json={"roles": []}, headers=csrf)
    sit(client, person)

    assert response.status_code == 200
    assert client.get("/api/v1/calls").status_code == 403


@pytest.mark.parametrize(
    ("allow", "deny", "status"),
    [(["call:read"], ["call:read"], 403), (["call:read"], [], 200)],
    ids=["allow-and-deny-same-permission", "control-allow-only"],
)
def test_a_deny_in_a_custom_role_wins_over_its_allow(
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
    allow: list[str],
    deny: list[str],
    status: int,
) -> None:
    person = make_user()
    member = seat(client, signed_in, person)
    admin = seat(client, signed_in, make_user("admin"), stepped_up=True)
    csrf = sit(client, admin)
    body = {"name": "mixed", "allow": allow, "deny": deny}
    assert client.post("/api/v1/roles", json=body, headers=csrf).status_code == 201
    assigned = client.put(
        f"/api/v1/users/{person.id}/roles", json={"roles": ["mixed"]}, headers=csrf
    )
    assert assigned.status_code == 200

    sit(client, member)
    response = client.get("/api/v1/calls")

    assert response.status_code == status

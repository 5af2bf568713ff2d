"""Who may reach the admin routes at all, tenant isolation on every route with an id,
and minimum necessary on calls for session users."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.identity.models import ApiToken, CustomRole, User, UserRole
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_B, TokenFactory
from tests.calls.factories import call_payload
from tests.identity.conftest import SessionFactory, UserFactory

SOME_ID = "0123456789abcdef0123456789abcdef"

# Every admin route, with a body that would be accepted if the caller were allowed.
ADMIN_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/users", None),
    ("POST", "/api/v1/users", {"email": "x1@clinic-a.example", "password": "x" * 6 + "Qz7!pw"}),
    ("GET", f"/api/v1/users/{SOME_ID}", None),
    ("PATCH", f"/api/v1/users/{SOME_ID}", {"active": False}),
    ("PUT", f"/api/v1/users/{SOME_ID}/roles", {"roles": ["admin"]}),
    ("GET", "/api/v1/roles", None),
    ("POST", "/api/v1/roles", {"name": "sneaky", "allow": ["audit:read"]}),
    ("PUT", "/api/v1/roles/sneaky", {"allow": ["audit:read"]}),
    ("DELETE", "/api/v1/roles/sneaky", None),
    ("GET", "/api/v1/tokens", None),
    ("POST", "/api/v1/tokens", {"name": "t", "role": "integration"}),
    ("DELETE", f"/api/v1/tokens/{SOME_ID}", None),
]


def denied_events(vault: Settings, actor_id: str) -> int:
    with open_keyring(vault) as (db, _):
        rows = db.execute(
            select(AuditEvent.id).where(
                AuditEvent.actor_id == actor_id, AuditEvent.outcome == "denied"
            )
        ).all()
        return len(rows)


@pytest.mark.parametrize("role", ["agent", "marketing", "compliance_officer", "supervisor"])
def test_non_admin_roles_are_refused_on_every_admin_route_and_audited(
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
    role: str,
) -> None:
    person = make_user(role)
    # Stepped up, so that each 403 comes from the role and not from a missing step-up.
    csrf = signed_in(person, stepped_up=True)

    statuses = [
        client.request(method, path, json=body, headers=csrf).status_code
        for method, path, body in ADMIN_ROUTES
    ]

    assert statuses == [403] * len(ADMIN_ROUTES)
    assert denied_events(vault, person.id) == len(ADMIN_ROUTES)
    with open_keyring(vault) as (db, _):
        assert db.execute(select(CustomRole)).first() is None


@pytest.mark.parametrize("role", ["integration", "scim"])
def test_service_tokens_are_refused_on_every_admin_route(
    client: TestClient, auth: TokenFactory, role: str
) -> None:
    token = auth(role)

    statuses = [
        client.request(method, path, json=body, headers=token).status_code
        for method, path, body in ADMIN_ROUTES
    ]

    assert statuses == [403] * len(ADMIN_ROUTES)


def test_every_admin_route_needs_credentials(client: TestClient) -> None:
    statuses = [
        client.request(method, path, json=body).status_code for method, path, body in ADMIN_ROUTES
    ]
    assert statuses == [401] * len(ADMIN_ROUTES)


@pytest.fixture
def other_tenant(vault: Settings, make_user: UserFactory, auth: TokenFactory) -> dict[str, str]:
    """A user (with a role), a custom role and a token in tenant B."""
    user = make_user("agent", tenant=TENANT_B)
    with open_keyring(vault) as (db, _):
        tenant_id = get_tenant(db, TENANT_B).id
        db.add(CustomRole(tenant_id=tenant_id, name="b-desk", allow='["call:read"]'))
        db.commit()
    auth("integration", tenant=TENANT_B)
    with open_keyring(vault) as (db, _):
        token_id = db.execute(
            select(ApiToken.id).where(ApiToken.tenant_id == tenant_id)
        ).scalar_one()
    return {"user": user.id, "role": "b-desk", "token": token_id}


def cross_tenant_routes(b: dict[str, str]) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("GET", f"/api/v1/users/{b['user']}", None),
        ("PATCH", f"/api/v1/users/{b['user']}", {"active": False}),
        ("PATCH", f"/api/v1/users/{b['user']}", {"unlock": True}),
        ("PUT", f"/api/v1/users/{b['user']}/roles", {"roles": ["admin"]}),
        ("PUT", f"/api/v1/roles/{b['role']}", {"allow": ["audit:read"]}),
        ("DELETE", f"/api/v1/roles/{b['role']}", None),
        ("DELETE", f"/api/v1/tokens/{b['token']}", None),
    ]


def test_another_tenants_ids_are_not_found_on_every_route_with_an_id(
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
    other_tenant: dict[str, str],
) -> None:
    csrf = signed_in(make_user("admin"), stepped_up=True)

    responses = [
        client.request(method, path, json=body, headers=csrf)
        for method, path, body in cross_tenant_routes(other_tenant)
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert all(r.json()["title"] == "Not found" for r in responses)
    with open_keyring(vault) as (db, _):
        user = db.get_one(User, other_tenant["user"])
        roles = db.execute(select(UserRole.role).where(UserRole.user_id == user.id)).scalars()
        role = db.execute(select(CustomRole)).scalar_one()
        token = db.get_one(ApiToken, other_tenant["token"])
        misses = db.execute(
            select(AuditEvent.resource_id).where(AuditEvent.outcome == "not_found")
        ).scalars()
        assert (user.active, list(roles)) == (True, ["agent"])
        assert (role.allow, token.revoked_at) == ('["call:read"]', None)
        assert len(list(misses)) == len(responses)


def test_other_tenants_users_and_tokens_are_not_listed(
    client: TestClient, auth: TokenFactory, other_tenant: dict[str, str]
) -> None:
    admin = auth("admin")

    users = client.get("/api/v1/users", headers=admin).json()["items"]
    tokens = client.get("/api/v1/tokens", headers=admin).json()["items"]
    roles = client.get("/api/v1/roles", headers=admin).json()["items"]

    assert other_tenant["user"] not in {u["id"] for u in users}
    assert other_tenant["token"] not in {t["id"] for t in tokens}
    assert "b-desk" not in {r["name"] for r in roles}


def test_a_custom_role_of_another_tenant_cannot_be_assigned(
    client: TestClient,
    make_user: UserFactory,
    signed_in: SessionFactory,
    other_tenant: dict[str, str],
) -> None:
    person = make_user("agent")
    csrf = signed_in(make_user("admin"), stepped_up=True)

    response = client.put(
        f"/api/v1/users/{person.id}/roles", json={"roles": [other_tenant["role"]]}, headers=csrf
    )

    assert response.status_code == 422


@pytest.mark.parametrize(
    ("role", "sees_phi"),
    [("marketing", False), ("agent", True), ("supervisor", True)],
)
def test_a_session_user_sees_only_what_the_role_needs(
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    role: str,
    sees_phi: bool,
) -> None:
    created = client.post("/api/v1/calls", json=call_payload(), headers=auth("integration"))
    signed_in(make_user(role))  # cookie authentication from here on

    response = client.get(f"/api/v1/calls/{created.json()['id']}")

    call = response.json()
    assert response.status_code == 200
    if sees_phi:
        assert call["caller_number"] == "+12025550147"
        assert (call["caller_name"], call["notes"]) == (
            "Quinn Fictional",
            "Synthetic note about a checkup request.",
        )
    else:
        assert call["caller_number"] == "+1******0147"
        assert call.get("caller_name") is None and call.get("notes") is None
        assert "Quinn" not in response.text and "Synthetic note" not in response.text

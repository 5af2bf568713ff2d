"""API tokens over HTTP: shown once, never listed with their secret, restricted to
non-admin roles, scoped, expiring, revocable at once, last use recorded."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.db.base import utcnow
from callvault.identity.models import ApiToken, CustomRole
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TokenFactory
from tests.calls.factories import call_payload, wav_bytes
from tests.identity.conftest import SessionFactory, UserFactory


def add_custom_role(vault: Settings, name: str, allow: list[str]) -> None:
    with open_keyring(vault) as (db, _):
        tenant_id = get_tenant(db, TENANT_A).id
        db.add(CustomRole(tenant_id=tenant_id, name=name, allow=json.dumps(allow)))
        db.commit()


def token_count(vault: Settings) -> int:
    with open_keyring(vault) as (db, _):
        return db.execute(select(func.count()).select_from(ApiToken)).scalar_one()


def issue(client: TestClient, admin: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/tokens", json={"name": "crm-sync", **body}, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def bearer(created: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {created['token']}"}


def test_a_token_is_shown_once_and_listed_without_its_secret(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    admin = auth("admin")

    response = client.post(
        "/api/v1/tokens", json={"name": "crm-sync", "role": "integration"}, headers=admin
    )
    created = response.json()
    listed = client.get("/api/v1/tokens", headers=admin)
    mine = next(t for t in listed.json()["items"] if t["id"] == created["id"])

    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    assert created["token"].startswith(f"cvt_{created['id']}_")
    assert created["token"] not in listed.text
    secret = created["token"].removeprefix(f"cvt_{created['id']}_")  # may itself hold "_"
    assert len(secret) == 43 and secret not in listed.text
    assert set(mine) == {
        "id",
        "name",
        "role",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    }
    assert (mine["name"], mine["role"], mine["scopes"], mine["revoked_at"]) == (
        "crm-sync",
        "integration",
        None,
        None,
    )
    with open_keyring(vault) as (db, _):
        row = db.get_one(ApiToken, created["id"])
        assert row.expires_at is not None
        assert abs(row.expires_at - (utcnow() + timedelta(days=90))) < timedelta(minutes=1)
        event = db.execute(
            select(AuditEvent.action).where(AuditEvent.resource_id == created["id"])
        ).scalar_one()
    assert event == "token:create"
    assert (
        client.post("/api/v1/calls", json=call_payload(), headers=bearer(created)).status_code
        == 201
    )


def test_a_revoked_token_fails_on_the_next_request(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    admin = auth("admin")
    created = issue(client, admin, role="integration")
    assert client.get("/api/v1/calls", headers=bearer(created)).status_code == 200

    revoked = client.delete(f"/api/v1/tokens/{created['id']}", headers=admin)
    after = client.get("/api/v1/calls", headers=bearer(created))
    listed = client.get("/api/v1/tokens", headers=admin).json()["items"]

    assert revoked.status_code == 204
    assert after.status_code == 401
    assert next(t for t in listed if t["id"] == created["id"])["revoked_at"] is not None
    with open_keyring(vault) as (db, _):
        trail = db.execute(
            select(AuditEvent.action).where(AuditEvent.resource_id == created["id"])
        ).scalars()
        assert list(trail) == ["token:create", "token:revoke"]


def test_an_expired_token_is_refused(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    created = issue(client, auth("admin"), role="integration", expires_in_days=1)
    with open_keyring(vault) as (db, _):
        db.get_one(ApiToken, created["id"]).expires_at = utcnow() - timedelta(seconds=1)
        db.commit()

    assert client.get("/api/v1/calls", headers=bearer(created)).status_code == 401


def test_last_use_is_recorded(client: TestClient, auth: TokenFactory) -> None:
    admin = auth("admin")
    created = issue(client, admin, role="integration")

    def last_used() -> str | None:
        items = client.get("/api/v1/tokens", headers=admin).json()["items"]
        value: str | None = next(t for t in items if t["id"] == created["id"])["last_used_at"]
        return value

    assert last_used() is None
    assert client.get("/api/v1/calls", headers=bearer(created)).status_code == 200
    assert last_used() is not None


def test_scopes_narrow_a_token_below_its_role(client: TestClient, auth: TokenFactory) -> None:
    created = issue(client, auth("admin"), role="integration", scopes=["call:create"])

    call = client.post("/api/v1/calls", json=call_payload(), headers=bearer(created))
    upload = client.put(
        f"/api/v1/calls/{call.json()['id']}/recording",
        content=wav_bytes(0.2),
        headers={**bearer(created), "content-type": "audio/wav"},
    )
    lookup = client.get(f"/api/v1/calls/{call.json()['id']}", headers=bearer(created))

    assert call.status_code == 201
    assert upload.status_code == 403 and "recording:upload" in upload.json()["detail"]
    assert lookup.status_code == 403  # call:read is in the role, not in the scopes


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"role": "admin"}, "integration or scim"),
        ({"role": "compliance_officer"}, "integration or scim"),
        ({"role": "supervisor"}, "integration or scim"),
        ({"role": "agent"}, "integration or scim"),
        ({"role": "people-admin"}, "admin permissions"),
        ({"role": "key-rotator"}, "admin permissions"),
        ({"role": "no-such-role"}, "unknown role"),
        ({"role": "integration", "scopes": ["call:read_phi"]}, "narrow"),
        ({"role": "integration", "scopes": ["call:everything"]}, None),
        ({"role": "integration", "expires_in_days": 0}, None),
        ({"role": "integration", "expires_in_days": 366}, None),
        ({"role": "integration", "expires_in_days": None}, None),
        ({"role": "integration", "tenant_id": "0" * 32}, None),
        ({"role": "integration", "secret_hash": "0" * 64}, None),
        ({"role": "integration", "name": ""}, None),
    ],
    ids=[
        "admin",
        "compliance-officer",
        "supervisor",
        "agent",
        "custom-with-user-admin",
        "custom-with-key-admin",
        "unknown-role",
        "scope-outside-role",
        "unknown-scope",
        "zero-days",
        "over-a-year",
        "null-days",
        "tenant-id-field",
        "secret-hash-field",
        "empty-name",
    ],
)
def test_tokens_for_admin_roles_or_bad_input_are_refused(
    client: TestClient,
    auth: TokenFactory,
    vault: Settings,
    body: dict[str, Any],
    detail: str | None,
) -> None:
    add_custom_role(vault, "people-admin", ["user:admin", "call:read"])
    add_custom_role(vault, "key-rotator", ["key:admin"])
    admin = auth("admin")
    before = token_count(vault)

    response = client.post("/api/v1/tokens", json={"name": "crm-sync", **body}, headers=admin)

    assert response.status_code == 422
    if detail is not None:
        assert detail in response.json()["detail"]
    assert token_count(vault) == before


def test_a_custom_role_without_admin_permissions_can_be_given_to_a_token(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    add_custom_role(vault, "crm-reader", ["call:read", "report:read"])

    created = issue(client, auth("admin"), role="crm-reader", scopes=["call:read"])

    assert client.get("/api/v1/calls", headers=bearer(created)).status_code == 200
    assert (
        client.post("/api/v1/calls", json=call_payload(), headers=bearer(created)).status_code
        == 403
    )


def test_revoking_twice_is_harmless(client: TestClient, auth: TokenFactory) -> None:
    admin = auth("admin")
    created = issue(client, admin, role="scim")

    first = client.delete(f"/api/v1/tokens/{created['id']}", headers=admin)
    second = client.delete(f"/api/v1/tokens/{created['id']}", headers=admin)

    assert (first.status_code, second.status_code) == (204, 204)


def test_a_role_held_by_a_token_cannot_gain_admin_permissions(
    client: TestClient,
    auth: TokenFactory,
    vault: Settings,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    add_custom_role(vault, "crm-reader", ["call:read"])
    issue(client, auth("admin"), role="crm-reader")
    csrf = signed_in(make_user("admin"), stepped_up=True)

    widened = client.put(
        "/api/v1/roles/crm-reader", json={"allow": ["call:read", "user:admin"]}, headers=csrf
    )
    narrowed = client.put("/api/v1/roles/crm-reader", json={"allow": ["report:read"]}, headers=csrf)

    assert widened.status_code == 409
    assert narrowed.status_code == 200

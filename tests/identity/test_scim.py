"""SCIM 2.0 provisioning over HTTP: create, read, filter, deactivate, delete; and
deprovisioning ends the user's sessions and tokens within the one request."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.authz.credentials import COOKIE_NAME
from callvault.cli.vault import open_keyring
from callvault.identity.models import User
from callvault.identity.passwords import verify_password
from callvault.identity.tokens import create_token
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.identity.conftest import SessionFactory, UserFactory

USERS = "/scim/v2/Users"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_JSON = "application/scim+json"

DEACTIVATE_RFC = {
    "schemas": [PATCH_SCHEMA],
    "Operations": [{"op": "replace", "path": "active", "value": False}],
}
DEACTIVATE_AZURE = {
    "schemas": [PATCH_SCHEMA],
    "Operations": [{"op": "Replace", "value": {"active": False}}],
}


@pytest.fixture
def scim(auth: TokenFactory) -> dict[str, str]:
    return auth("scim")


def new_user(email: str, **extra: Any) -> dict[str, Any]:
    return {"schemas": [USER_SCHEMA], "userName": email, "active": True, **extra}


def create(client: TestClient, scim: dict[str, str], email: str, **extra: Any) -> dict[str, Any]:
    response = client.post(USERS, json=new_user(email, **extra), headers=scim)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_scim_error(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith(SCIM_JSON)
    body = response.json()
    assert body["schemas"] == [ERROR_SCHEMA] and body["status"] == str(status)
    assert body["detail"]


def token_created_by(vault: Settings, user_id: str) -> dict[str, str]:
    with open_keyring(vault) as (db, _):
        tenant_id = get_tenant(db, TENANT_A).id
        token = create_token(db, tenant_id, "integration", created_by=user_id)
        db.commit()
    return {"Authorization": f"Bearer {token}"}


def test_an_identity_provider_creates_reads_and_finds_a_user(
    client: TestClient, scim: dict[str, str], vault: Settings
) -> None:
    created = client.post(
        USERS,
        json=new_user(
            "New.Hire@Clinic-A.example",
            externalId="idp-0001",
            roles=[{"value": "agent", "primary": True}],
            name={"givenName": "ignored"},
        ),
        headers=scim,
    )

    assert created.status_code == 201
    assert created.headers["content-type"].startswith(SCIM_JSON)
    user = created.json()
    assert user["schemas"] == [USER_SCHEMA]
    assert user["userName"] == "new.hire@clinic-a.example"
    assert user["active"] is True and user["externalId"] == "idp-0001"
    assert user["roles"] == [{"value": "agent"}]
    assert user["meta"]["resourceType"] == "User"
    assert user["meta"]["location"].endswith(f"{USERS}/{user['id']}")
    assert created.headers["location"] == user["meta"]["location"]

    assert client.get(f"{USERS}/{user['id']}", headers=scim).json() == user
    found = client.get(
        USERS, params={"filter": 'userName eq "new.hire@clinic-a.example"'}, headers=scim
    )
    assert found.status_code == 200
    assert found.json()["totalResults"] == 1 and found.json()["Resources"] == [user]
    none = client.get(
        USERS, params={"filter": 'USERNAME EQ "nobody@clinic-a.example"'}, headers=scim
    )
    assert none.json()["totalResults"] == 0 and none.json()["Resources"] == []
    with open_keyring(vault) as (db, _):
        row = db.get_one(User, user["id"])
        assert row.totp_confirmed_at is None  # must enrol TOTP at first sign-in
        events = db.execute(select(AuditEvent.action).where(AuditEvent.resource_id == row.id))
        assert list(events.scalars()) == ["user:provision"]


def test_a_provisioned_user_has_no_password_until_an_admin_sets_one(
    client: TestClient, scim: dict[str, str], vault: Settings
) -> None:
    email = "no.password@clinic-a.example"
    user = create(client, scim, email)
    with open_keyring(vault) as (db, _):
        stored = db.get_one(User, user["id"]).password_hash

    assert not stored.startswith("$argon2")  # no hash of some secret to guess at
    assert not any(verify_password(stored, guess) for guess in (stored, stored[1:]))
    login = client.post("/api/v1/auth/login", json={"email": email, "password": stored[1:]})
    assert login.status_code == 401


@pytest.mark.parametrize("patch", [DEACTIVATE_RFC, DEACTIVATE_AZURE], ids=["rfc", "azure"])
def test_deactivation_ends_live_sessions_and_the_users_tokens_in_one_request(
    client: TestClient,
    scim: dict[str, str],
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
    patch: dict[str, Any],
) -> None:
    person = make_user("supervisor")
    signed_in(person)
    cookie = client.cookies.get(COOKIE_NAME)
    client.cookies.clear()
    session = {"Cookie": f"{COOKIE_NAME}={cookie}"}
    their_token = token_created_by(vault, person.id)
    assert client.get("/api/v1/calls", headers=session).status_code == 200
    assert client.get("/api/v1/calls", headers=their_token).status_code == 200

    response = client.patch(f"{USERS}/{person.id}", json=patch, headers=scim)

    assert response.status_code == 200 and response.json()["active"] is False
    assert client.get("/api/v1/calls", headers=session).status_code == 401
    assert client.get("/api/v1/calls", headers=their_token).status_code == 401
    assert client.get(f"{USERS}/{person.id}", headers=scim).json()["active"] is False


def test_reactivation_does_not_bring_back_revoked_sessions(
    client: TestClient, scim: dict[str, str], make_user: UserFactory, signed_in: SessionFactory
) -> None:
    person = make_user("agent")
    signed_in(person)
    client.patch(f"{USERS}/{person.id}", json=DEACTIVATE_RFC, headers=scim)
    reactivate = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "replace", "path": "active", "value": "True"}],
    }

    response = client.patch(f"{USERS}/{person.id}", json=reactivate, headers=scim)

    assert response.status_code == 200 and response.json()["active"] is True
    assert client.get("/api/v1/calls", headers={}).status_code == 401


def test_delete_ends_access_hides_the_user_and_frees_the_address(
    client: TestClient,
    scim: dict[str, str],
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
) -> None:
    person = make_user("agent")
    signed_in(person)
    their_token = token_created_by(vault, person.id)

    response = client.delete(f"{USERS}/{person.id}", headers=scim)

    assert response.status_code == 204
    assert client.get("/api/v1/calls").status_code == 401
    assert client.get("/api/v1/calls", headers=their_token).status_code == 401
    assert_scim_error(client.get(f"{USERS}/{person.id}", headers=scim), 404)
    assert_scim_error(client.delete(f"{USERS}/{person.id}", headers=scim), 404)
    found = client.get(USERS, params={"filter": f'userName eq "{person.email}"'}, headers=scim)
    assert found.json()["totalResults"] == 0
    again = create(client, scim, person.email)
    assert again["id"] != person.id
    with open_keyring(vault) as (db, _):
        kept = db.get_one(User, person.id)  # the row stays: the audit trail refers to it
        assert kept.active is False and kept.email != person.email


def test_an_address_in_use_is_a_scim_uniqueness_conflict(
    client: TestClient, scim: dict[str, str]
) -> None:
    create(client, scim, "taken@clinic-a.example")

    response = client.post(USERS, json=new_user("taken@clinic-a.example"), headers=scim)

    assert_scim_error(response, 409)
    assert response.json()["scimType"] == "uniqueness"


@pytest.mark.parametrize("role", ["admin", "agent", "integration"])
def test_only_scim_tokens_provision(client: TestClient, auth: TokenFactory, role: str) -> None:
    headers = auth(role)

    assert_scim_error(
        client.post(USERS, json=new_user("x1@clinic-a.example"), headers=headers), 403
    )
    assert_scim_error(client.get(USERS, headers=headers), 403)


def test_a_person_on_a_session_cannot_provision(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    csrf = signed_in(make_user("admin"))

    response = client.post(USERS, json=new_user("x2@clinic-a.example"), headers=csrf)

    assert_scim_error(response, 403)


def test_no_credentials_get_a_scim_401(client: TestClient) -> None:
    response = client.get(USERS)

    assert_scim_error(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_another_tenants_user_is_not_found(
    client: TestClient, scim: dict[str, str], auth: TokenFactory, make_user: UserFactory
) -> None:
    outsider = make_user("agent", tenant=TENANT_B)

    assert_scim_error(client.get(f"{USERS}/{outsider.id}", headers=scim), 404)
    assert_scim_error(
        client.patch(f"{USERS}/{outsider.id}", json=DEACTIVATE_RFC, headers=scim), 404
    )
    assert_scim_error(client.delete(f"{USERS}/{outsider.id}", headers=scim), 404)
    found = client.get(USERS, params={"filter": f'userName eq "{outsider.email}"'}, headers=scim)
    assert found.json()["totalResults"] == 0
    listed = client.get(USERS, headers=auth("scim", tenant=TENANT_B)).json()
    assert [u["id"] for u in listed["Resources"]] == [outsider.id]


BAD_FILTERS = [
    'userName co "a"',
    'emails eq "a@clinic-a.example"',
    'userName eq "a@clinic-a.example" or userName eq "b@clinic-a.example"',
    "userName eq a@clinic-a.example",
    "",
]


@pytest.mark.parametrize("expression", BAD_FILTERS)
def test_other_filters_are_a_scim_400(
    client: TestClient, scim: dict[str, str], expression: str
) -> None:
    response = client.get(USERS, params={"filter": expression}, headers=scim)

    assert_scim_error(response, 400)
    assert response.json()["scimType"] == "invalidFilter"


BAD_BODIES: list[tuple[str, bytes]] = [
    ("not json", b'{"schemas": ['),
    ("no schemas", b'{"userName": "a@clinic-a.example"}'),
    ("wrong schema", b'{"schemas": ["urn:x"], "userName": "a@clinic-a.example"}'),
    ("not an e-mail", b'{"schemas": ["' + USER_SCHEMA.encode() + b'"], "userName": "alice"}'),
    (
        "unknown role",
        b'{"schemas": ["'
        + USER_SCHEMA.encode()
        + b'"], "userName": "a@b.example", "roles": [{"value": "god"}]}',
    ),
    (
        "active not bool",
        b'{"schemas": ["' + USER_SCHEMA.encode() + b'"], "userName": "a@b.example", "active": [1]}',
    ),
]


@pytest.mark.parametrize("body", [b for _, b in BAD_BODIES], ids=[n for n, _ in BAD_BODIES])
def test_bad_create_bodies_are_a_scim_400_and_create_nothing(
    client: TestClient, scim: dict[str, str], vault: Settings, body: bytes
) -> None:
    headers = {**scim, "Content-Type": SCIM_JSON}

    response = client.post(USERS, content=body, headers=headers)

    assert_scim_error(response, 400)
    assert client.get(USERS, headers=scim).json()["totalResults"] == 0


BAD_PATCHES: list[tuple[str, dict[str, Any]]] = [
    ("no operations", {"schemas": [PATCH_SCHEMA], "Operations": []}),
    ("no schema", {"Operations": DEACTIVATE_RFC["Operations"]}),
    ("remove", {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "remove", "path": "active"}]}),
    (
        "other path",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "replace", "path": "userName", "value": "b@x.example"}],
        },
    ),
    (
        "not a bool",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "replace", "path": "active", "value": "nope"}],
        },
    ),
    ("no target", {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "value": False}]}),
]


@pytest.mark.parametrize("patch", [p for _, p in BAD_PATCHES], ids=[n for n, _ in BAD_PATCHES])
def test_bad_patches_are_a_scim_400_and_change_nothing(
    client: TestClient, scim: dict[str, str], patch: dict[str, Any]
) -> None:
    user = create(client, scim, "steady@clinic-a.example")

    response = client.patch(f"{USERS}/{user['id']}", json=patch, headers=scim)

    assert_scim_error(response, 400)
    assert client.get(f"{USERS}/{user['id']}", headers=scim).json() == user


def test_external_id_can_be_replaced(client: TestClient, scim: dict[str, str]) -> None:
    user = create(client, scim, "relinked@clinic-a.example", externalId="idp-old")
    patch = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "replace", "path": "externalId", "value": "idp-new"}],
    }

    response = client.patch(f"{USERS}/{user['id']}", json=patch, headers=scim)

    assert response.status_code == 200
    assert response.json()["externalId"] == "idp-new" and response.json()["active"] is True


def test_listing_pages_with_start_index_and_count(client: TestClient, scim: dict[str, str]) -> None:
    ids = [create(client, scim, f"page{i}@clinic-a.example")["id"] for i in range(3)]

    first = client.get(USERS, params={"startIndex": 1, "count": 2}, headers=scim).json()
    rest = client.get(USERS, params={"startIndex": 3, "count": 2}, headers=scim).json()

    assert first["totalResults"] == 3 and first["itemsPerPage"] == 2
    assert [u["id"] for u in first["Resources"] + rest["Resources"]] == ids
    assert_scim_error(client.get(USERS, params={"startIndex": 0}, headers=scim), 400)


def test_a_start_index_past_any_directory_is_a_scim_400_not_a_500(
    client: TestClient, scim: dict[str, str]
) -> None:
    # Found by the OpenAPI conformance run: the offset overflowed the database's integer.
    response = client.get(USERS, params={"startIndex": 10**19}, headers=scim)

    assert_scim_error(response, 400)
    assert client.get(USERS, params={"startIndex": 2**31 - 1}, headers=scim).status_code == 200

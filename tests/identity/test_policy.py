"""Tenant access policy over HTTP: the IP allowlist for tokens and sessions, the
lock-out guard, and session limits that can only be tightened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.authz.credentials import COOKIE_NAME
from callvault.cli.vault import open_keyring
from callvault.identity.models import UserSession
from callvault.settings import Settings
from tests._vault import TENANT_B, TokenFactory
from tests.identity.conftest import SessionFactory, UserFactory

URL = "/api/v1/policy"
INSIDE, OUTSIDE = "10.1.2.3", "192.0.2.7"
DEFAULTS = {"ip_allowlist": [], "session_idle_minutes": 15, "session_absolute_minutes": 480}

ClientAt = Callable[[str], TestClient]


@pytest.fixture
def client_at(app: FastAPI) -> Iterator[ClientAt]:
    """``client_at("10.1.2.3")`` -> a client whose requests come from that address."""
    opened: list[TestClient] = []

    def make(address: str) -> TestClient:
        test_client = TestClient(app, client=(address, 50000), raise_server_exceptions=False)
        opened.append(test_client.__enter__())
        return test_client

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)


def policy(allowlist: list[str], idle: int = 15, absolute: int = 480) -> dict[str, Any]:
    return {
        "ip_allowlist": allowlist,
        "session_idle_minutes": idle,
        "session_absolute_minutes": absolute,
    }


def set_policy(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> None:
    response = client.put(URL, json=body, headers=headers)
    assert response.status_code == 200, response.text


def test_the_default_policy_allows_every_network_and_the_longest_sessions(
    client: TestClient, auth: TokenFactory
) -> None:
    response = client.get(URL, headers=auth("admin"))

    assert response.status_code == 200 and response.json() == DEFAULTS


@pytest.mark.parametrize("role", ["supervisor", "compliance_officer", "scim"])
def test_only_policy_admins_read_or_change_the_policy(
    client: TestClient, auth: TokenFactory, role: str
) -> None:
    headers = auth(role)

    assert client.get(URL, headers=headers).status_code == 403
    assert client.put(URL, json=policy([]), headers=headers).status_code == 403


def test_a_token_works_only_from_inside_the_allowlist(
    client_at: ClientAt, auth: TokenFactory, vault: Settings
) -> None:
    inside, outside = client_at(INSIDE), client_at(OUTSIDE)
    admin, supervisor = auth("admin"), auth("supervisor")

    set_policy(inside, admin, policy(["10.0.0.0/8"]))

    assert inside.get("/api/v1/calls", headers=supervisor).status_code == 200
    assert outside.get("/api/v1/calls", headers=supervisor).status_code == 403
    assert outside.get(URL, headers=admin).status_code == 403
    assert inside.get(URL, headers=admin).json()["ip_allowlist"] == ["10.0.0.0/8"]
    with open_keyring(vault) as (db, _):
        actions = db.execute(select(AuditEvent.action).where(AuditEvent.action == "policy:update"))
        assert list(actions.scalars()) == ["policy:update"]


def test_a_session_works_only_from_inside_the_allowlist(
    client: TestClient,
    client_at: ClientAt,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    set_policy(client_at(INSIDE), auth("admin"), policy(["10.1.2.0/24", "2001:db8::/32"]))
    signed_in(make_user("supervisor"))
    cookie = {"Cookie": f"{COOKIE_NAME}={client.cookies.get(COOKIE_NAME)}"}

    assert client.get("/api/v1/calls").status_code == 403  # "testclient" is no address
    assert client_at(OUTSIDE).get("/api/v1/calls", headers=cookie).status_code == 403
    assert client_at(INSIDE).get("/api/v1/calls", headers=cookie).status_code == 200
    assert client_at("2001:db8::5").get("/api/v1/calls", headers=cookie).status_code == 200


def test_the_allowlist_binds_only_its_own_tenant(client_at: ClientAt, auth: TokenFactory) -> None:
    set_policy(client_at(INSIDE), auth("admin"), policy(["10.0.0.0/8"]))

    response = client_at(OUTSIDE).get("/api/v1/calls", headers=auth("supervisor", tenant=TENANT_B))

    assert response.status_code == 200


def test_an_allowlist_that_would_lock_out_its_author_is_refused(
    client_at: ClientAt, auth: TokenFactory
) -> None:
    inside, admin = client_at(INSIDE), auth("admin")

    refused = inside.put(URL, json=policy(["192.168.0.0/16"]), headers=admin)

    assert refused.status_code == 422 and "ip_allowlist" in refused.json()["detail"]
    assert inside.get(URL, headers=admin).json() == DEFAULTS
    assert client_at(OUTSIDE).get(URL, headers=admin).status_code == 200


def test_the_allowlist_can_be_emptied_again(client_at: ClientAt, auth: TokenFactory) -> None:
    inside, admin = client_at(INSIDE), auth("admin")
    set_policy(inside, admin, policy(["10.0.0.0/8"]))

    set_policy(inside, admin, policy([]))

    assert client_at(OUTSIDE).get(URL, headers=admin).json() == DEFAULTS


BAD_POLICIES: list[tuple[str, Any]] = [
    ("idle above 15", policy([], idle=16)),
    ("idle zero", policy([], idle=0)),
    ("absolute above 8 hours", policy([], absolute=481)),
    ("absolute zero", policy([], absolute=0)),
    ("not a network", policy(["10.0.0.0/8", "not-a-cidr"])),
    ("bad prefix", policy(["10.0.0.0/33"])),
    ("minutes as text", {**policy([]), "session_idle_minutes": "5"}),
    ("missing field", {"ip_allowlist": [], "session_idle_minutes": 5}),
    ("extra field", {**policy([]), "mfa": False}),
    ("allowlist not a list", {**policy([]), "ip_allowlist": "10.0.0.0/8"}),
]


@pytest.mark.parametrize("body", [b for _, b in BAD_POLICIES], ids=[n for n, _ in BAD_POLICIES])
def test_bad_policies_are_refused_and_change_nothing(
    client_at: ClientAt, auth: TokenFactory, body: Any
) -> None:
    inside, admin = client_at(INSIDE), auth("admin")

    response = inside.put(URL, json=body, headers=admin)

    assert response.status_code == 422
    assert inside.get(URL, headers=admin).json() == DEFAULTS


def test_malformed_json_is_refused(client_at: ClientAt, auth: TokenFactory) -> None:
    headers = {**auth("admin"), "Content-Type": "application/json"}

    response = client_at(INSIDE).put(URL, content=b'{"ip_allowlist": [', headers=headers)

    assert response.status_code == 422


def idle_seconds(vault: Settings, user_id: str) -> list[int]:
    with open_keyring(vault) as (db, _):
        query = select(UserSession).where(UserSession.user_id == user_id)
        rows = db.execute(query.order_by(UserSession.created_at)).scalars()
        return [row.idle_seconds for row in rows]


def test_new_sessions_take_the_tighter_limits_and_live_ones_are_cut_down(
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    vault: Settings,
) -> None:
    person = make_user("agent")
    signed_in(person)

    set_policy(client, auth("admin"), policy([], idle=5, absolute=60))
    signed_in(person)

    assert idle_seconds(vault, person.id) == [300, 300]
    with open_keyring(vault) as (db, _):
        query = select(UserSession).where(UserSession.user_id == person.id)
        for row in db.execute(query).scalars():
            assert (row.expires_at - row.created_at).total_seconds() <= 60 * 60

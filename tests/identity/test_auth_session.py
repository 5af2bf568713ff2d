"""Living with a session: expiry, logout, CSRF, deactivation, step-up, who am I."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Response
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.authz.credentials import CSRF_HEADER
from callvault.authz.permissions import Permission
from callvault.db.base import utcnow
from callvault.identity.models import User, UserSession
from callvault.identity.sessions import is_stepped_up, secret_hash
from callvault.settings import Settings
from callvault.web.context import RequestContext, require
from tests._vault import TokenFactory
from tests.identity.conftest import UserFactory
from tests.identity.test_auth_support import (
    LOGOUT,
    SESSION,
    STEP_UP,
    SignedIn,
    away_from_step_boundary,
    cookie_value,
    sign_in,
    store,
    use_cookie,
    wrong_code,
)

Ager = Callable[[UserSession], None]


def idle_for_16_minutes(row: UserSession) -> None:
    row.last_seen_at = utcnow() - timedelta(minutes=16)


def past_absolute_lifetime(row: UserSession) -> None:
    row.expires_at = utcnow() - timedelta(seconds=1)


def revoked_by_an_admin(row: UserSession) -> None:
    row.revoked_at = utcnow()


@pytest.mark.parametrize("age", [idle_for_16_minutes, past_absolute_lifetime, revoked_by_an_admin])
def test_an_ended_session_gets_401(
    client: TestClient, make_user: UserFactory, vault: Settings, age: Ager
) -> None:
    signed = sign_in(client, make_user("agent"))
    assert client.get("/api/v1/calls").status_code == 200
    with store(vault) as db:
        age(db.get_one(UserSession, secret_hash(signed.secret)))

    assert client.get("/api/v1/calls").status_code == 401
    assert client.get(SESSION).status_code == 401


def test_14_idle_minutes_are_fine_and_refresh_the_clock(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    signed = sign_in(client, make_user("agent"))
    with store(vault) as db:
        db.get_one(UserSession, secret_hash(signed.secret)).last_seen_at = utcnow() - timedelta(
            minutes=14
        )

    assert client.get("/api/v1/calls").status_code == 200
    with store(vault) as db:
        seen = db.get_one(UserSession, secret_hash(signed.secret)).last_seen_at
    assert utcnow() - seen < timedelta(minutes=1)


def test_logout_ends_the_session_at_once(client: TestClient, make_user: UserFactory) -> None:
    signed = sign_in(client, make_user("agent"))

    answer = client.post(LOGOUT, headers=signed.csrf)

    assert answer.status_code == 204
    assert "Max-Age=0" in answer.headers["set-cookie"]
    use_cookie(client, signed.secret)  # a client that ignores the cleared cookie
    assert client.get("/api/v1/calls").status_code == 401
    assert client.post(LOGOUT, headers=signed.csrf).status_code == 401


@pytest.mark.parametrize("header", [None, "", "wrong-token", "session-secret"])
def test_a_state_change_without_the_right_csrf_token_is_refused(
    client: TestClient, make_user: UserFactory, header: str | None
) -> None:
    signed = sign_in(client, make_user("agent"))
    value = signed.secret if header == "session-secret" else header
    headers = {} if value is None else {CSRF_HEADER: value}

    refused = client.post(LOGOUT, headers=headers)

    assert refused.status_code == 403
    assert client.get(SESSION).status_code == 200  # nothing changed: still signed in
    assert client.post(LOGOUT, headers=signed.csrf).status_code == 204


def test_a_deactivated_users_live_session_stops_working(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    sign_in(client, user)
    with store(vault) as db:
        db.get_one(User, user.id).active = False

    assert client.get("/api/v1/calls").status_code == 401
    assert client.get(SESSION).status_code == 401


def test_who_am_i(client: TestClient, make_user: UserFactory) -> None:
    user = make_user("agent", "marketing")
    sign_in(client, user)

    answer = client.get(SESSION)

    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["user_id"] == user.id and body["email"] == user.email
    assert body["roles"] == ["agent", "marketing"] and body["tenant"] == "clinic-a"
    assert body["idle_timeout_seconds"] == 900 and body["stepped_up_until"] is None


def test_the_session_routes_need_a_session_not_a_token(
    client: TestClient, auth: TokenFactory
) -> None:
    headers = auth("supervisor")
    assert client.get(SESSION, headers=headers).status_code == 403
    assert client.post(LOGOUT, headers=headers).status_code == 403
    assert client.post(STEP_UP, headers=headers, json={"code": "123456"}).status_code == 403
    assert client.get(SESSION).status_code == 401


@pytest.fixture
def export_route(app: FastAPI) -> str:
    """A stand-in route guarded by a step-up permission (the real one comes later)."""

    @app.post("/test-only/export", status_code=204)
    def export(
        ctx: Annotated[RequestContext, Depends(require(Permission.EXPORT_CREATE))],
    ) -> Response:
        return Response(status_code=204)

    return "/test-only/export"


def step_up(client: TestClient, signed: SignedIn, code: str) -> SignedIn:
    answer = client.post(STEP_UP, headers=signed.csrf, json={"code": code})
    assert answer.status_code == 200, answer.text
    secret = cookie_value(answer)
    use_cookie(client, secret)
    return SignedIn(secret, {CSRF_HEADER: answer.json()["csrf_token"]}, answer.json())


def test_step_up_rotates_the_session_and_unlocks_sensitive_actions_for_five_minutes(
    client: TestClient, make_user: UserFactory, vault: Settings, export_route: str
) -> None:
    user = make_user("supervisor")
    away_from_step_boundary()
    signed = sign_in(client, user, user.code(-1))
    before = client.post(export_route, headers=signed.csrf)

    stepped = step_up(client, signed, user.code())

    assert before.status_code == 403 and "step-up" in before.json()["title"].lower()
    assert stepped.secret != signed.secret and stepped.csrf != signed.csrf
    assert client.post(export_route, headers=stepped.csrf).status_code == 204
    assert client.post(export_route, headers=signed.csrf).status_code == 403  # old CSRF
    use_cookie(client, signed.secret)
    assert client.get(SESSION).status_code == 401  # the old session id is dead
    use_cookie(client, stepped.secret)
    assert client.get(SESSION).json()["stepped_up_until"] is not None
    with store(vault) as db:
        row = db.get_one(UserSession, secret_hash(stepped.secret))
        assert is_stepped_up(row)
        row.stepped_up_at = utcnow() - timedelta(minutes=5, seconds=1)
        assert not is_stepped_up(row)
    assert client.post(export_route, headers=stepped.csrf).status_code == 403


def test_step_up_refuses_wrong_and_replayed_codes_and_keeps_the_session(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("supervisor")
    away_from_step_boundary()
    code = user.code()
    signed = sign_in(client, user, code)

    replayed = client.post(STEP_UP, headers=signed.csrf, json={"code": code})
    wrong = client.post(STEP_UP, headers=signed.csrf, json={"code": wrong_code(user)})
    no_csrf = client.post(STEP_UP, json={"code": user.code(1)})

    assert (replayed.status_code, wrong.status_code, no_csrf.status_code) == (403, 403, 403)
    assert "set-cookie" not in replayed.headers
    assert client.get(SESSION).json()["stepped_up_until"] is None
    with store(vault) as db:
        outcomes = db.scalars(
            select(AuditEvent.outcome).where(AuditEvent.action == "auth:step_up")
        ).all()
    assert outcomes == ["denied", "denied"]
    assert step_up(client, signed, user.code(1)).body["stepped_up_until"]


def test_logout_and_step_up_are_audited_as_the_user(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("supervisor")
    away_from_step_boundary()
    signed = sign_in(client, user, user.code(-1))
    stepped = step_up(client, signed, user.code())

    client.post(LOGOUT, headers=stepped.csrf)

    with store(vault) as db:
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["auth:step_up", "auth:logout"]))
        ).all()
    assert [(e.action, e.outcome, e.actor_id) for e in events] == [
        ("auth:step_up", "allowed", user.id),
        ("auth:logout", "allowed", user.id),
    ]

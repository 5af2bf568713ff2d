"""POST /api/v1/auth/password: the current password and a fresh code, from a session;
the new password passes the creation rules; other sessions end; all of it audited."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.identity.models import User, UserSession
from callvault.identity.passwords import verify_password
from callvault.settings import Settings
from tests._vault import TokenFactory
from tests.identity.conftest import Person, UserFactory
from tests.identity.test_auth_support import (
    SESSION,
    SignedIn,
    away_from_step_boundary,
    login,
    sign_in,
    store,
    use_cookie,
    wrong_code,
)

PASSWORD = "/api/v1/auth/password"
NEW_PASSWORD = "synthetic-Harbour-Lantern-7730"
WRONG = "not-the-Passphrase-9921"


def change(
    client: TestClient,
    signed: SignedIn,
    user: Person,
    *,
    current: str | None = None,
    new: str = NEW_PASSWORD,
    code: str | None = None,
) -> httpx.Response:
    body = {
        "current_password": current or user.password,
        "new_password": new,
        "code": code or user.code(1),  # the sign-in used the current step
    }
    return client.post(PASSWORD, json=body, headers=signed.csrf)


def trail(vault: Settings, user: Person) -> list[tuple[str, str]]:
    with store(vault) as db:
        rows = db.execute(
            select(AuditEvent.action, AuditEvent.outcome)
            .where(AuditEvent.action == "auth:password_change", AuditEvent.resource_id == user.id)
            .order_by(AuditEvent.id)
        )
        return [(action, outcome) for action, outcome in rows]


@pytest.fixture
def person(make_user: UserFactory) -> Person:
    away_from_step_boundary(6)
    return make_user("agent")


def test_a_change_ends_other_sessions_keeps_this_one_and_the_new_password_works(
    client: TestClient, person: Person, vault: Settings
) -> None:
    other = sign_in(client, person, person.code(-1))
    current = sign_in(client, person)

    answer = change(client, current, person)

    assert answer.status_code == 204 and answer.headers["cache-control"] == "no-store"
    assert client.get(SESSION).status_code == 200  # this session stays
    use_cookie(client, other.secret)
    assert client.get(SESSION).status_code == 401  # the other one ended
    assert login(client, person).status_code == 401  # the old password is gone
    assert login(client, person, NEW_PASSWORD).status_code == 200
    assert trail(vault, person) == [("auth:password_change", "allowed")]
    with store(vault) as db:
        stored = db.get_one(User, person.id).password_hash
        live = db.scalars(select(UserSession).where(UserSession.revoked_at.is_(None))).all()
    assert verify_password(stored, NEW_PASSWORD) and NEW_PASSWORD not in stored
    assert [row.id for row in live] == [current_session_id(current)]


@pytest.mark.parametrize("wrong", ["current", "code"])
def test_a_wrong_current_password_or_code_is_a_403_counted_as_a_failure(
    client: TestClient, person: Person, vault: Settings, wrong: str
) -> None:
    signed = sign_in(client, person)

    answer = (
        change(client, signed, person, current=WRONG)
        if wrong == "current"
        else change(client, signed, person, code=wrong_code(person))
    )

    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == "the current password or the code is not correct"
    with store(vault) as db:
        row = db.get_one(User, person.id)
    assert row.failed_logins == 1
    assert verify_password(row.password_hash, person.password)  # unchanged
    assert trail(vault, person) == [("auth:password_change", "denied")]
    assert client.get(SESSION).status_code == 200  # the session itself is fine


def test_five_wrong_current_passwords_lock_the_account(
    client: TestClient, person: Person, vault: Settings
) -> None:
    signed = sign_in(client, person)

    answers = [change(client, signed, person, current=WRONG).status_code for _ in range(5)]
    locked = change(client, signed, person)  # the right one, now locked

    assert answers == [403] * 5 and locked.status_code == 403
    with store(vault) as db:
        assert db.get_one(User, person.id).locked_until is not None


def test_a_replayed_code_is_refused(client: TestClient, person: Person, vault: Settings) -> None:
    signed = sign_in(client, person)
    code = person.code(1)
    assert change(client, signed, person, code=code).status_code == 204

    again = change(client, signed, person, current=NEW_PASSWORD, new=NEW_PASSWORD + "x", code=code)
    still = login(client, person, NEW_PASSWORD)  # the refused change changed nothing

    assert again.status_code == 403
    assert again.json()["detail"] == "the current password or the code is not correct"
    assert still.status_code == 200
    with store(vault) as db:
        stored = db.get_one(User, person.id).password_hash
    assert verify_password(stored, NEW_PASSWORD)


@pytest.mark.parametrize(
    "new, says",
    [
        ("password1234", "too common"),
        ("Password1234", "too common"),
        ("aaaaaaaaaaaabbbb", "too common"),
        ("short-1A", "at least 12"),
        ("x" * 257, "at most 256"),
        ("synthetic-Passphrase-4417", "must differ"),  # the current one
    ],
    ids=["common", "common-case", "few-characters", "short", "long", "unchanged"],
)
def test_a_new_password_that_breaks_the_rules_is_a_422_naming_the_field(
    client: TestClient, person: Person, vault: Settings, new: str, says: str
) -> None:
    signed = sign_in(client, person)

    answer = change(client, signed, person, new=new)

    assert answer.status_code == 422
    problem = answer.json()
    assert [e["field"] for e in problem["errors"]] == ["new_password"]
    assert says in problem["detail"] or says in problem["errors"][0]["message"]
    assert new not in answer.text
    with store(vault) as db:
        assert db.get_one(User, person.id).failed_logins == 0  # not a failed proof


def test_a_token_cannot_change_a_password(client: TestClient, auth: TokenFactory) -> None:
    body = {"current_password": WRONG, "new_password": NEW_PASSWORD, "code": "123456"}

    answer = client.post(PASSWORD, json=body, headers=auth("agent"))

    assert answer.status_code == 403
    assert "session" in answer.json()["detail"]


def test_a_change_needs_the_csrf_token_and_a_session(client: TestClient, person: Person) -> None:
    body = {"current_password": person.password, "new_password": NEW_PASSWORD, "code": "1"}
    assert client.post(PASSWORD, json=body).status_code == 401
    sign_in(client, person)

    answer = client.post(PASSWORD, json=body)  # no X-CSRF-Token

    assert answer.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"current_password": "a", "new_password": NEW_PASSWORD},
        {"current_password": "a", "new_password": NEW_PASSWORD, "code": "1", "user_id": "x"},
    ],
    ids=["missing-code", "extra-field"],
)
def test_bodies_that_do_not_fit_are_422(
    client: TestClient, person: Person, body: dict[str, str]
) -> None:
    signed = sign_in(client, person)

    answer = client.post(PASSWORD, json=body, headers=signed.csrf)

    assert answer.status_code == 422 and NEW_PASSWORD not in answer.text


def current_session_id(signed: SignedIn) -> str:
    from callvault.identity.sessions import secret_hash

    return secret_hash(signed.secret)

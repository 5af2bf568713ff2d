"""Helpers for the sign-in tests (no tests here): drive the real HTTP flow the way a
browser would, and reach into the store where a test moves a clock.

The session cookie is ``Secure``, and the TestClient talks plain HTTP, so httpx would
never send it back: the helpers read ``Set-Cookie`` and set the cookie explicitly."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from callvault.authz.credentials import COOKIE_NAME, CSRF_HEADER
from callvault.cli.vault import open_keyring
from callvault.db.base import utcnow
from callvault.identity.models import User
from callvault.settings import Settings
from tests.identity import conftest as people

LOGIN = "/api/v1/auth/login"
MFA = "/api/v1/auth/mfa"
LOGOUT = "/api/v1/auth/logout"
STEP_UP = "/api/v1/auth/step-up"
SESSION = "/api/v1/auth/session"


@dataclass(frozen=True)
class SignedIn:
    secret: str
    csrf: dict[str, str]
    body: dict[str, Any]


@contextmanager
def store(vault: Settings) -> Iterator[Session]:
    """A database session that commits on leaving."""
    with open_keyring(vault) as (db, _):
        yield db
        db.commit()


def login(client: TestClient, user: people.Person, password: str | None = None) -> httpx.Response:
    return client.post(LOGIN, json={"email": user.email, "password": password or user.password})


def mfa(client: TestClient, challenge: str, code: str) -> httpx.Response:
    return client.post(MFA, json={"challenge": challenge, "code": code})


def cookie_value(response: httpx.Response) -> str:
    header = response.headers["set-cookie"]
    name, _, rest = header.partition("=")
    assert name == COOKIE_NAME
    return rest.split(";", 1)[0]


def use_cookie(client: TestClient, secret: str | None) -> None:
    client.cookies.clear()
    if secret is not None:
        client.cookies.set(COOKIE_NAME, secret)


def sign_in(client: TestClient, user: people.Person, code: str | None = None) -> SignedIn:
    """Password, then a TOTP code (enrolling if needed); the client then holds the cookie."""
    answer = login(client, user)
    assert answer.status_code == 200, answer.text
    done = mfa(client, answer.json()["challenge"], code or user.code())
    assert done.status_code == 200, done.text
    secret = cookie_value(done)
    use_cookie(client, secret)
    return SignedIn(secret, {CSRF_HEADER: answer.json()["csrf_token"]}, done.json())


def enrol(vault: Settings, user: people.Person) -> None:
    """Mark the user's authenticator as confirmed, as if enrolment had happened."""
    with store(vault) as db:
        db.get_one(User, user.id).totp_confirmed_at = utcnow()


def away_from_step_boundary(margin: float = 3.0) -> None:
    """Wait until the current 30 s TOTP step has ``margin`` seconds left, so a code
    computed now is judged in the same step by the server."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.1)


def wrong_code(user: people.Person) -> str:
    """Six digits that are not a valid code for ``user`` now (nor a step or two away)."""
    valid = {user.code(offset) for offset in range(-2, 3)}
    return next(
        c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in valid
    )

"""Helpers of the administration and account page tests: a person signed in through the
pages in an HTTP client (beside the browser), and TOTP codes that need no waiting."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pyotp

from callvault.dashboard.rendering import CSRF_COOKIE
from callvault.db.base import utcnow
from tests.dashboard.conftest import Live, Person, fresh_code


def next_code(person: Person) -> str:
    """The next time step's code: accepted now (one step of clock drift is allowed) and
    later than the code a sign-in used in this step, so a test need not wait for it.
    Each person has one such code to spend right after signing in."""
    return pyotp.TOTP(person.totp_secret).at(utcnow().timestamp() + 30)


def hidden(page: httpx.Response, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page.text)
    assert found is not None, f"no hidden field {name}"
    return found.group(1)


@contextmanager
def signed_in_client(
    live: Live, person: Person, next_path: str = "/calls"
) -> Iterator[httpx.Client]:
    """An HTTP client signed in through the pages (password, then a TOTP code)."""
    with live.client() as client:
        _sign_in(client, person, next_path)
        yield client


def _sign_in(client: httpx.Client, person: Person, next_path: str) -> None:
    token = hidden(client.get("/signin"), "signin_token")
    answer = client.post(
        "/signin",
        data={
            "email": person.email,
            "password": person.password,
            "signin_token": token,
            "next": next_path,
        },
    )
    assert answer.status_code == 200, answer.text
    done = client.post(
        "/signin/mfa",
        data={
            "challenge": hidden(answer, "challenge"),
            "code": fresh_code(person),
            "signin_token": token,
            "next": hidden(answer, "next"),
        },
    )
    assert done.status_code in (200, 303), done.text


def csrf(client: httpx.Client) -> str:
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return token


def step_up(client: httpx.Client, person: Person) -> None:
    """Through the step-up page: the session and CSRF cookies rotate."""
    answer = client.post(
        "/account/step-up",
        data={"code": next_code(person), "next": "/admin/users", "csrf_token": csrf(client)},
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/admin/users"


def field_error(page: httpx.Response, name: str) -> str:
    found = re.search(rf'id="{name}-error">([^<]*)<', page.text)
    assert found is not None, f"no message for {name}"
    return found.group(1)

"""The sign-in pages over HTTP: login CSRF, no open redirect, headers on every page."""

from __future__ import annotations

import re

import httpx
import pytest

from callvault.dashboard.rendering import CONTENT_SECURITY_POLICY
from tests.dashboard._calls import api_session
from tests.dashboard.conftest import Live, PersonFactory


def signin_token(page: httpx.Response) -> str:
    found = re.search(r'name="signin_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_the_pages_carry_the_strict_policy_and_no_store(live: Live) -> None:
    with live.client() as client:
        page = client.get("/signin")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for forbidden in ("unsafe-inline", "unsafe-eval", "http:", "*"):
        assert forbidden not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text and " style=" not in page.text


def test_a_sign_in_posted_without_the_forms_cookie_is_refused(
    live: Live, people: PersonFactory
) -> None:
    person = people("supervisor")
    with live.client() as client:
        token = signin_token(client.get("/signin"))
        client.cookies.clear()  # another site's form: the SameSite=Strict cookie stays home
        answer = client.post(
            "/signin",
            data={"email": person.email, "password": person.password, "signin_token": token},
        )
    assert answer.status_code == 403
    assert 'name="code"' not in answer.text


def test_next_never_leaves_the_site(live: Live) -> None:
    with live.client() as client:
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
            page = client.get("/signin", params={"next": target})
            assert 'name="next" value="/"' in page.text


def test_an_anonymous_page_request_redirects_and_the_api_still_answers_json(live: Live) -> None:
    with live.client() as client:
        home = client.get("/")
        page = client.get("/calls")
        api = client.get("/api/v1/calls")
    assert home.status_code == 303
    assert home.headers["location"] == "/signin?next=/"
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=/calls"
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("role", "first_page"),
    [("supervisor", "/calls"), ("compliance_officer", "/audit"), ("admin", "/admin/users")],
)
def test_home_is_the_first_page_a_role_may_open(
    live: Live, people: PersonFactory, role: str, first_page: str
) -> None:
    with api_session(live, people(role)) as signed_in:
        home = signed_in.client.get("/")
        assert home.status_code == 303
        assert home.headers["location"] == first_page
        assert signed_in.client.get(first_page).status_code == 200

"""Sign-in throttling over HTTP: 429 problem+json with Retry-After, per address and per
account, before any password work, on every step that checks a secret, and shared by
two app instances on one database (two worker processes, as the database sees it)."""

from __future__ import annotations

import time

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.audit.models import AuditEvent
from callvault.authz.credentials import CSRF_HEADER
from callvault.identity.models import User
from callvault.settings import Settings
from tests.identity.conftest import (
    AppFactory,
    ClientFactory,
    Person,
    UserFactory,
    argon2_pool_held,
)
from tests.identity.test_auth_support import (
    LOGIN,
    MFA,
    STEP_UP,
    away_from_step_boundary,
    enrol,
    store,
    use_cookie,
    wrong_code,
)

WRONG = "not-the-Passphrase-9921"
PASSWORD = "/api/v1/auth/password"
NEW_PASSWORD = "synthetic-Harbour-Lantern-7730"


def small_budget(make_app: AppFactory, **extra: str) -> FastAPI:
    return make_app(CALLVAULT_SIGNIN_ADDRESS_BURST="3", **extra)


def post_login(client: TestClient, email: str, password: str) -> httpx.Response:
    return client.post(LOGIN, json={"email": email, "password": password})


def assert_throttled(answer: httpx.Response) -> None:
    assert answer.status_code == 429
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["title"] == "Too many requests"
    assert answer.headers["retry-after"].isdigit() and int(answer.headers["retry-after"]) >= 1
    assert "set-cookie" not in answer.headers


def failures_and_events(vault: Settings, user: Person) -> tuple[int, int]:
    with store(vault) as db:
        events = db.scalar(select(func.count()).select_from(AuditEvent))
        return db.get_one(User, user.id).failed_logins, events or 0


def test_past_the_address_budget_login_is_a_429_with_retry_after(
    make_app: AppFactory, make_client: ClientFactory, make_user: UserFactory, vault: Settings
) -> None:
    client = make_client(small_budget(make_app), "198.51.100.7")
    user = make_user("agent")
    answers = [post_login(client, user.email, WRONG).status_code for _ in range(3)]

    throttled = post_login(client, user.email, user.password)  # even the right one

    assert answers == [401, 401, 401]
    assert_throttled(throttled)
    assert int(throttled.headers["retry-after"]) <= 15
    assert "challenge" not in throttled.text
    other_address = make_client(client.app, "198.51.100.8")
    assert post_login(other_address, user.email, user.password).status_code == 200


def test_a_throttled_request_does_no_password_work(
    make_app: AppFactory, make_client: ClientFactory, make_user: UserFactory, vault: Settings
) -> None:
    client = make_client(small_budget(make_app), "198.51.100.7")
    user = make_user("agent")
    for _ in range(3):
        post_login(client, user.email, WRONG)
    before = failures_and_events(vault, user)

    with argon2_pool_held():  # anything that needed argon2 would wait here
        started = time.monotonic()
        throttled = post_login(client, user.email, WRONG)
        elapsed = time.monotonic() - started

    assert_throttled(throttled)
    assert "busy" not in throttled.json()["detail"]
    assert elapsed < 2.0  # answered while every argon2 slot was taken
    assert failures_and_events(vault, user) == before  # not counted, not checked


def test_an_account_is_throttled_alike_whether_or_not_it_exists(
    make_app: AppFactory, make_client: ClientFactory, make_user: UserFactory
) -> None:
    app = make_app(CALLVAULT_SIGNIN_ACCOUNT_BURST="2")
    real = make_user("agent").email
    unknown = "nobody.here@clinic-a.example"
    outcomes = {}
    for email in (real, unknown):
        # From a new address each time: the account's budget is what runs out.
        outcomes[email] = [
            post_login(make_client(app, f"192.0.2.{n}"), email, WRONG) for n in range(3)
        ]

    for answers in outcomes.values():
        assert [a.status_code for a in answers] == [401, 401, 429]
    assert outcomes[real][2].json() == outcomes[unknown][2].json()
    assert outcomes[real][1].json() == outcomes[unknown][1].json()


def test_a_success_gives_its_attempt_back(
    make_app: AppFactory, make_client: ClientFactory, make_user: UserFactory, vault: Settings
) -> None:
    client = make_client(small_budget(make_app), "198.51.100.7")
    user = make_user("agent")
    enrol(vault, user)

    answers = [post_login(client, user.email, user.password).status_code for _ in range(8)]

    assert answers == [200] * 8


def test_wrong_codes_at_mfa_are_throttled(
    make_app: AppFactory, make_client: ClientFactory, make_user: UserFactory, vault: Settings
) -> None:
    client = make_client(small_budget(make_app), "198.51.100.7")
    user = make_user("agent")
    enrol(vault, user)
    challenge = post_login(client, user.email, user.password).json()["challenge"]

    def code(value: str) -> httpx.Response:
        return client.post(MFA, json={"challenge": challenge, "code": value})

    wrong = [code(wrong_code(user)) for _ in "abc"]
    last = code(user.code())

    assert [a.status_code for a in wrong] == [401, 401, 401]
    assert_throttled(last)


def test_wrong_codes_at_step_up_are_throttled(
    make_app: AppFactory, make_client: ClientFactory, make_user: UserFactory, vault: Settings
) -> None:
    client = make_client(small_budget(make_app), "198.51.100.7")
    user = make_user("agent")
    csrf = sign_in_on(client, user)

    wrong = [client.post(STEP_UP, json={"code": wrong_code(user)}, headers=csrf) for _ in "abc"]
    last = client.post(STEP_UP, json={"code": user.code(1)}, headers=csrf)

    assert [a.status_code for a in wrong] == [403, 403, 403]
    assert_throttled(last)


def test_wrong_current_passwords_at_password_change_are_throttled(
    make_app: AppFactory, make_client: ClientFactory, make_user: UserFactory, vault: Settings
) -> None:
    client = make_client(small_budget(make_app), "198.51.100.7")
    user = make_user("agent")
    csrf = sign_in_on(client, user)

    def change(current: str) -> httpx.Response:
        body = {"current_password": current, "new_password": NEW_PASSWORD, "code": user.code(1)}
        return client.post(PASSWORD, json=body, headers=csrf)

    wrong = [change(WRONG) for _ in "abc"]
    last = change(user.password)

    assert [a.status_code for a in wrong] == [403, 403, 403]
    assert_throttled(last)
    with store(vault) as db:
        trail = db.execute(
            select(AuditEvent.outcome, AuditEvent.reason)
            .where(AuditEvent.action == "auth:password_change")
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(row) for row in trail] == [("denied", None)] * 3 + [("denied", "throttled")]


def test_two_app_instances_on_one_database_share_the_throttle(
    make_app: AppFactory, make_client: ClientFactory, make_user: UserFactory
) -> None:
    first = make_client(small_budget(make_app), "198.51.100.7")
    second = make_client(small_budget(make_app), "198.51.100.7")
    user = make_user("agent")

    spent = [post_login(c, user.email, WRONG).status_code for c in (first, second, first)]

    assert spent == [401, 401, 401]
    assert_throttled(post_login(second, user.email, WRONG))
    assert_throttled(post_login(first, user.email, WRONG))


def sign_in_on(client: TestClient, user: Person) -> dict[str, str]:
    """Password and code on ``client`` (the code's step is then used up)."""
    away_from_step_boundary()
    answer = post_login(client, user.email, user.password)
    done = client.post(MFA, json={"challenge": answer.json()["challenge"], "code": user.code()})
    assert done.status_code == 200, done.text
    use_cookie(client, done.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1])
    return {CSRF_HEADER: answer.json()["csrf_token"]}

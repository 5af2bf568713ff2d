"""Step one of sign-in: e-mail and password, failures, lockout, the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.db.base import utcnow
from callvault.identity.models import LoginChallenge, User, UserSession
from callvault.identity.policy.access import save_access_policy
from callvault.identity.signin.service import lockout_for
from callvault.settings import Settings
from tests.identity.conftest import UserFactory
from tests.identity.test_auth_support import (
    LOGIN,
    SESSION,
    cookie_value,
    enrol,
    login,
    mfa,
    sign_in,
    store,
    use_cookie,
)

WRONG = "not-the-Passphrase-9921"


def test_a_new_user_signs_in_enrols_and_reads_calls_with_the_cookie(
    client: TestClient, make_user: UserFactory
) -> None:
    user = make_user("supervisor")

    answer = login(client, user)

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["mfa_required"] is True and body["enrolment_required"] is True
    assert body["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={user.totp_secret}" in body["otpauth_uri"]
    assert body["qr_svg"].lstrip().startswith("<svg")
    assert client.get("/api/v1/calls").status_code == 401  # a challenge is no session

    done = mfa(client, body["challenge"], user.code())

    assert done.status_code == 200
    assert done.json()["idle_timeout_seconds"] == 15 * 60
    assert len(set(done.json()["recovery_codes"])) == 10
    use_cookie(client, cookie_value(done))
    assert client.get("/api/v1/calls").status_code == 200
    me = client.get(SESSION).json()
    assert me["user_id"] == user.id and me["roles"] == ["supervisor"]
    assert me["tenant"] == "clinic-a"


def test_an_enrolled_user_gets_no_enrolment_secrets(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    enrol(vault, user)

    body = login(client, user).json()

    assert body["enrolment_required"] is False
    assert "otpauth_uri" not in body and "qr_svg" not in body
    assert user.totp_secret not in str(body)


@pytest.mark.parametrize(
    "email, password",
    [
        ("known", WRONG),
        ("nobody@clinic-a.example", WRONG),
        ("nobody@clinic-a.example", "synthetic-Passphrase-4417"),
        ("not an address", WRONG),
        ("KNOWN-UPPER", WRONG),
    ],
    ids=["wrong-password", "unknown-email", "unknown-email-real-password", "malformed", "case"],
)
def test_a_failed_login_says_nothing_about_which_part_was_wrong(
    client: TestClient, make_user: UserFactory, email: str, password: str
) -> None:
    user = make_user("agent")
    reference = login(client, user, WRONG)
    address = {"known": user.email, "KNOWN-UPPER": user.email.upper()}.get(email, email)

    answer = client.post(LOGIN, json={"email": address, "password": password})

    assert answer.status_code == 401
    assert answer.json() == reference.json()
    assert "challenge" not in answer.text


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        ('{"email": "a@b.example"}', "application/json", 422),
        ('{"email": "a@b.example", "password": "p", "role": "admin"}', "application/json", 422),
        ('{"email": "a@b.example", "password": "p"', "application/json", 422),
        ('{"email": "a@b.example", "password": "secret-in-form"}', "text/plain", 415),
        ('{"email": "a@b.example", "password": "' + "x" * 5000 + '"}', "application/json", 413),
    ],
    ids=["missing-password", "extra-field", "broken-json", "form-post", "huge"],
)
def test_login_bodies_that_do_not_fit_are_refused_without_echo(
    client: TestClient, body: str, content_type: str, status: int
) -> None:
    answer = client.post(LOGIN, content=body, headers={"content-type": content_type})

    assert answer.status_code == status
    assert "secret-in-form" not in answer.text and "a@b.example" not in answer.text


def test_five_failures_lock_the_account_until_the_period_ends(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    for _ in range(4):
        assert login(client, user, WRONG).status_code == 401
    assert login(client, user).status_code == 200  # 4 failures: not locked yet
    for _ in range(5):
        login(client, user, WRONG)
    with store(vault) as db:
        locked_until = db.get_one(User, user.id).locked_until
    assert locked_until is not None
    assert timedelta(minutes=14) < locked_until - utcnow() <= timedelta(minutes=15)

    locked = login(client, user)  # the right password, while locked

    assert locked.status_code == 401
    assert locked.json() == login(client, user, WRONG).json()
    with store(vault) as db:
        db.get_one(User, user.id).locked_until = utcnow() - timedelta(seconds=1)
    answer = login(client, user)
    assert answer.status_code == 200
    assert mfa(client, answer.json()["challenge"], user.code()).status_code == 200
    with store(vault) as db:
        assert db.get_one(User, user.id).failed_logins == 0


def test_a_locked_account_does_not_count_or_extend_while_locked(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    for _ in range(5):
        login(client, user, WRONG)
    with store(vault) as db:
        first = db.get_one(User, user.id).locked_until
    for _ in range(7):
        login(client, user, WRONG)
    with store(vault) as db:
        row = db.get_one(User, user.id)
        assert (row.locked_until, row.failed_logins) == (first, 5)


@pytest.mark.parametrize(
    "failures, minutes",
    [(1, None), (4, None), (5, 15), (6, None), (9, None), (10, 30), (15, 60), (500, 24 * 60)],
)
def test_repeated_lockouts_double_up_to_a_day(failures: int, minutes: int | None) -> None:
    expected = None if minutes is None else timedelta(minutes=minutes)
    assert lockout_for(failures) == expected


def test_a_deactivated_user_cannot_log_in(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    with store(vault) as db:
        db.get_one(User, user.id).active = False

    answer = login(client, user)

    assert answer.status_code == 401
    with store(vault) as db:
        assert db.scalars(select(LoginChallenge)).all() == []


def test_login_from_outside_the_tenant_allowlist_is_refused(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    with store(vault) as db:
        save_access_policy(
            db,
            db.get_one(User, user.id).tenant_id,
            ip_allowlist=["10.0.0.0/8"],
            idle_minutes=15,
            absolute_minutes=480,
        )

    answer = login(client, user)

    assert answer.status_code == 401
    with store(vault) as db:
        assert db.get_one(User, user.id).failed_logins == 0  # outsiders cannot lock users out


def test_sign_in_steps_are_audited_with_ids_never_the_address(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    login(client, user, WRONG)
    for _ in range(4):
        login(client, user, WRONG)
    with store(vault) as db:
        db.get_one(User, user.id).locked_until = None
    sign_in(client, user)

    with store(vault) as db:
        events = db.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        sessions = db.scalars(select(UserSession)).all()
    trail = [(e.action, e.outcome, e.actor_type) for e in events]
    assert trail == [
        *[("auth:login", "denied", "anonymous")] * 4,
        ("auth:lockout", "denied", "anonymous"),
        ("auth:login", "denied", "anonymous"),
        ("auth:login", "allowed", "user"),
        ("auth:enrol", "allowed", "user"),
        ("auth:mfa", "allowed", "user"),
    ]
    assert {e.resource_id for e in events} == {user.id}
    assert len(sessions) == 1
    for event in events:
        assert user.email not in " ".join(str(v) for v in vars(event).values())

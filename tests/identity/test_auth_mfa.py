"""Step two of sign-in: TOTP codes (RFC 6238), replay, the challenge, enrolment,
recovery codes, and the session cookie that comes out of it."""

from __future__ import annotations

import base64
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.db.base import utcnow
from callvault.identity import totp
from callvault.identity.models import LoginChallenge, RecoveryCode, User, UserSession
from callvault.identity.sessions import secret_hash
from callvault.settings import Settings
from tests.identity.conftest import UserFactory
from tests.identity.test_auth_support import (
    LOGOUT,
    SESSION,
    away_from_step_boundary,
    cookie_value,
    enrol,
    login,
    mfa,
    sign_in,
    store,
    use_cookie,
    wrong_code,
)

# RFC 6238 Appendix B: the 20-byte ASCII seed "1234567890" * 2 and its SHA-1 values
# (8 digits). The table was recomputed for RELIABILITY.md A7.
RFC_SEED = base64.b32encode(b"12345678901234567890").decode()
RFC6238_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
# RFC 4226 Appendix D: HOTP of the same seed for counters 0-9.
RFC4226 = [
    "755224", "287082", "359152", "969429", "338314",
    "254676", "287922", "162583", "399871", "520489",
]  # fmt: skip


@pytest.mark.parametrize("moment, expected", RFC6238_SHA1)
def test_rfc6238_sha1_vectors(moment: int, expected: str) -> None:
    assert pyotp.TOTP(RFC_SEED, digits=8).at(moment) == expected
    step = moment // 30
    # A 6-digit code is the same truncation mod 10^6: the last six digits.
    assert totp.accepted_step(RFC_SEED, expected[-6:], None, now=moment) == step
    assert totp.accepted_step(RFC_SEED, expected[-6:], step, now=moment) is None  # used


@pytest.mark.parametrize("counter, expected", list(enumerate(RFC4226)))
def test_rfc4226_hotp_vectors(counter: int, expected: str) -> None:
    assert pyotp.HOTP(RFC_SEED).at(counter) == expected


@pytest.mark.parametrize(
    "offset, accepted", [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_codes_one_step_off_pass_and_two_steps_off_do_not(offset: int, accepted: bool) -> None:
    moment = 1234567890
    code = pyotp.TOTP(RFC_SEED).at(moment + 30 * offset)
    step = totp.accepted_step(RFC_SEED, code, None, now=moment)
    assert (step == moment // 30 + offset) if accepted else step is None


@pytest.mark.parametrize("offset, status", [(-2, 401), (-1, 200), (1, 200), (2, 401)])
def test_the_server_accepts_one_step_of_clock_skew_and_no_more(
    client: TestClient, make_user: UserFactory, vault: Settings, offset: int, status: int
) -> None:
    user = make_user("agent")
    enrol(vault, user)
    away_from_step_boundary()

    answer = mfa(client, login(client, user).json()["challenge"], user.code(offset))

    assert answer.status_code == status


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12345\n", " 28708"])
def test_malformed_codes_are_refused(code: str) -> None:
    assert totp.accepted_step(RFC_SEED, code, None, now=59) is None


@pytest.mark.parametrize(
    "code",
    [
        "\uff11\uff12\uff13\uff14\uff15\uff16",
        "é" * 16,
        "12345\u0000",
        "' OR 1=1 --",
        "0" * 64,
        "x" * 65,
    ],
)
def test_odd_codes_get_a_4xx_not_a_crash(
    client: TestClient, make_user: UserFactory, vault: Settings, code: str
) -> None:
    user = make_user("agent")
    enrol(vault, user)

    answer = mfa(client, login(client, user).json()["challenge"], code)

    assert answer.status_code in (401, 422)
    assert code not in answer.text


def test_a_totp_code_works_once_even_across_two_logins(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    enrol(vault, user)
    away_from_step_boundary()
    code = user.code()
    sign_in(client, user, code)

    again = mfa(client, login(client, user).json()["challenge"], code)
    earlier = mfa(client, login(client, user).json()["challenge"], user.code(-1))
    later = mfa(client, login(client, user).json()["challenge"], user.code(1))

    assert again.status_code == 401 and "set-cookie" not in again.headers
    assert earlier.status_code == 401  # older than the used step: refused too
    assert later.status_code == 200


def test_a_challenge_is_single_use(client: TestClient, make_user: UserFactory) -> None:
    user = make_user("agent")
    away_from_step_boundary()
    challenge = login(client, user).json()["challenge"]
    assert mfa(client, challenge, user.code()).status_code == 200

    again = mfa(client, challenge, user.code(1))

    assert again.status_code == 401
    assert "expired or was already used" in again.json()["detail"]


def test_a_challenge_expires_after_five_minutes(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    challenge = login(client, user).json()["challenge"]
    with store(vault) as db:
        row = db.get_one(LoginChallenge, secret_hash(challenge))
        assert timedelta(minutes=4) < row.expires_at - utcnow() <= timedelta(minutes=5)
        row.expires_at = utcnow() - timedelta(seconds=1)

    assert mfa(client, challenge, user.code()).status_code == 401


@pytest.mark.parametrize("challenge", ["", "x" * 129, "not-a-challenge"])
def test_unknown_or_malformed_challenges_are_refused(
    client: TestClient, make_user: UserFactory, challenge: str
) -> None:
    user = make_user("agent")
    answer = client.post("/api/v1/auth/mfa", json={"challenge": challenge, "code": user.code()})
    assert answer.status_code in (401, 422)
    assert "set-cookie" not in answer.headers


def test_five_wrong_codes_kill_the_challenge_and_lock_the_account(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    enrol(vault, user)
    challenge = login(client, user).json()["challenge"]

    answers = [mfa(client, challenge, wrong_code(user)).status_code for _ in range(5)]
    with store(vault) as db:
        assert db.get_one(User, user.id).locked_until is not None  # brute force stops
        db.get_one(User, user.id).locked_until = None

    assert answers == [401] * 5
    assert mfa(client, challenge, user.code()).status_code == 401  # the challenge is dead
    assert mfa(client, login(client, user).json()["challenge"], user.code()).status_code == 200


def test_nothing_but_enrolment_until_the_first_valid_code(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("supervisor")
    first = login(client, user).json()

    refused = mfa(client, first["challenge"], wrong_code(user))
    with store(vault) as db:
        assert db.scalar(select(func.count()).select_from(UserSession)) == 0
        assert db.get_one(User, user.id).totp_confirmed_at is None
    enrolled = mfa(client, first["challenge"], user.code())
    later = sign_in(client, user, user.code(1))

    assert refused.status_code == 401
    assert enrolled.status_code == 200 and len(enrolled.json()["recovery_codes"]) == 10
    assert "recovery_codes" not in later.body  # shown once
    with store(vault) as db:
        assert db.get_one(User, user.id).totp_confirmed_at is not None


def test_a_recovery_code_works_once_and_is_stored_hashed(
    client: TestClient, make_user: UserFactory, vault: Settings
) -> None:
    user = make_user("agent")
    away_from_step_boundary()
    codes = sign_in(client, user).body["recovery_codes"]

    first = mfa(client, login(client, user).json()["challenge"], codes[0])
    second = mfa(client, login(client, user).json()["challenge"], codes[0])
    other = mfa(client, login(client, user).json()["challenge"], codes[1].upper())

    assert (first.status_code, second.status_code, other.status_code) == (200, 401, 200)
    with store(vault) as db:
        stored = db.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and codes[0] not in stored
    assert totp.recovery_code_hash(codes[0]) in stored


def test_a_preset_cookie_is_never_adopted(client: TestClient, make_user: UserFactory) -> None:
    user = make_user("agent")
    planted = "attacker-chosen-session-id-0123456789abcdef"
    use_cookie(client, planted)
    answer = login(client, user)

    done = mfa(client, answer.json()["challenge"], user.code())

    assert done.status_code == 200
    issued = cookie_value(done)
    assert issued != planted and len(issued) >= 43
    assert client.get(SESSION).status_code == 401  # the planted value is still nothing
    use_cookie(client, issued)
    assert client.get(SESSION).status_code == 200


def test_the_session_cookie_is_secure_httponly_strict_and_lives_eight_hours(
    client: TestClient, make_user: UserFactory
) -> None:
    user = make_user("agent")

    done = mfa(client, login(client, user).json()["challenge"], user.code())

    attributes = {a.strip() for a in done.headers["set-cookie"].split(";")[1:]}
    assert {"Secure", "HttpOnly", "SameSite=Strict", "Path=/"} <= attributes
    assert "Max-Age=28800" in attributes or "Max-Age=28799" in attributes
    assert done.headers["cache-control"] == "no-store"


def test_the_csrf_token_of_the_login_answer_is_the_session_one(
    client: TestClient, make_user: UserFactory
) -> None:
    signed = sign_in(client, make_user("agent"))

    assert signed.body["csrf_token"] == signed.csrf["X-CSRF-Token"]
    assert client.post(LOGOUT, headers=signed.csrf).status_code == 204

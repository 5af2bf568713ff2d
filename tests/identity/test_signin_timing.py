"""No user enumeration by timing: a sign-in with an unknown e-mail costs what a wrong
password of a real account costs (both run one argon2 verification).

Many interleaved samples, compared by their medians with a wide tolerance: noise on a
busy 2-core machine moves both alike, while an unknown e-mail that skipped argon2
would answer in a few milliseconds against hundreds."""

from __future__ import annotations

import statistics
import time

import pytest
from fastapi.testclient import TestClient

from tests.identity.conftest import AppFactory, ClientFactory, UserFactory

WRONG = "not-the-Passphrase-9921"
ROUNDS = 12
TOLERANCE = 0.25


def timed_login(client: TestClient, email: str) -> float:
    started = time.perf_counter()
    answer = client.post("/api/v1/auth/login", json={"email": email, "password": WRONG})
    elapsed = time.perf_counter() - started
    assert answer.status_code == 401
    return elapsed


@pytest.mark.usefixtures("production_password_cost")
def test_an_unknown_email_takes_as_long_as_a_wrong_password(
    make_app: AppFactory, make_client: ClientFactory, make_user: UserFactory
) -> None:
    # A budget that the samples cannot use up: the throttle is not what is measured.
    app = make_app(CALLVAULT_SIGNIN_ADDRESS_BURST="1000", CALLVAULT_SIGNIN_ACCOUNT_BURST="1000")
    client = make_client(app)
    people = [make_user("agent").email for _ in range(4)]  # 3 failures each: none locks
    timed_login(client, "warm.up@clinic-a.example")
    known, unknown = [], []
    for n in range(ROUNDS):
        unknown.append(timed_login(client, f"nobody{n}@clinic-a.example"))
        known.append(timed_login(client, people[n % len(people)]))

    ratio = statistics.median(unknown) / statistics.median(known)

    assert 1 - TOLERANCE <= ratio <= 1 / (1 - TOLERANCE), (known, unknown)

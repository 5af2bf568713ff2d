"""The sign-in throttle on a real database: GCRA buckets per address and per account,
keyed hashes only, shared by every process on the database, purged when spent.

A clock the test moves stands in for time; everything else is the real thing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.db.base import create_db_engine, create_session_factory, utcnow
from callvault.errors import TooManyRequests
from callvault.identity.models import ThrottleBucket, ThrottleKey
from callvault.identity.signin.throttle import Rate, Reservation, SignInThrottle, address_of
from callvault.settings import Settings, SignInThrottleSettings

NAT = "198.51.100.7"
SPRAYER = "203.0.113.66"


@dataclass
class Clock:
    now: datetime = field(default_factory=utcnow)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def sessions(vault: Settings) -> Iterator[sessionmaker[Session]]:
    engine = create_db_engine(vault.database_url)
    yield create_session_factory(engine)
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_throttle(
    vault: Settings, clock: Clock, settings: SignInThrottleSettings | None = None
) -> SignInThrottle:
    defaults = SignInThrottle.from_settings(
        settings or SignInThrottleSettings(), LocalKeyFileProvider(vault.root_key_path)
    )
    return SignInThrottle(
        LocalKeyFileProvider(vault.root_key_path), defaults.address, defaults.account, clock
    )


@pytest.fixture
def throttle(vault: Settings, clock: Clock) -> SignInThrottle:
    return make_throttle(vault, clock)


def attempt(
    sessions: sessionmaker[Session],
    throttle: SignInThrottle,
    address: str,
    account: str | None,
) -> Reservation | TooManyRequests:
    with sessions() as db:
        try:
            return throttle.reserve(db, address, account)
        except TooManyRequests as refused:
            return refused


def succeed(
    sessions: sessionmaker[Session], throttle: SignInThrottle, reservation: Reservation
) -> None:
    with sessions() as db:
        throttle.refund_now(db, reservation)


def test_an_address_gets_its_burst_then_waits_one_interval(
    sessions: sessionmaker[Session], throttle: SignInThrottle, clock: Clock
) -> None:
    answers = [attempt(sessions, throttle, SPRAYER, f"user{n}@example.org") for n in range(41)]

    assert all(isinstance(a, Reservation) for a in answers[:40])
    refused = answers[40]
    assert isinstance(refused, TooManyRequests)
    assert refused.status == 429 and refused.retry_after == 15
    clock.advance(14)
    assert isinstance(attempt(sessions, throttle, SPRAYER, "next@example.org"), TooManyRequests)
    clock.advance(1)
    assert isinstance(attempt(sessions, throttle, SPRAYER, "next@example.org"), Reservation)
    assert isinstance(attempt(sessions, throttle, SPRAYER, "again@example.org"), TooManyRequests)


def test_an_account_is_throttled_from_any_address_and_a_refusal_counts_nothing(
    sessions: sessionmaker[Session], throttle: SignInThrottle
) -> None:
    for n in range(20):
        answer = attempt(sessions, throttle, f"192.0.2.{n}", "Target@Example.org")
        assert isinstance(answer, Reservation)

    refused = attempt(sessions, throttle, "192.0.2.200", "target@example.org ")

    assert isinstance(refused, TooManyRequests) and refused.retry_after == 60
    # The refused attempt was not charged to its address either.
    for _ in range(40):
        assert isinstance(attempt(sessions, throttle, "192.0.2.200", None), Reservation)


def test_thirty_agents_behind_one_nat_sign_in_within_a_minute_with_typos(
    sessions: sessionmaker[Session], throttle: SignInThrottle, clock: Clock
) -> None:
    """Login then MFA for each agent, two seconds apart; every fifth agent mistypes
    the password once and one in ten the code. Nobody is throttled."""
    for agent in range(30):
        account = f"agent{agent}@clinic.example"
        steps = 1 + (agent % 5 == 0) + 1 + (agent % 10 == 0)
        for step in range(steps):
            reservation = attempt(sessions, throttle, NAT, account)
            assert isinstance(reservation, Reservation), (agent, step)
            if step in (steps - 1, steps - 2 - (agent % 10 == 0)):
                succeed(sessions, throttle, reservation)  # the password, then the code
        clock.advance(2)


def test_a_password_sprayer_behind_one_address_is_held_to_a_trickle(
    sessions: sessionmaker[Session], throttle: SignInThrottle, clock: Clock
) -> None:
    """One common password against many accounts, one try a second for ten minutes."""
    allowed = 0
    for n in range(600):
        answer = attempt(sessions, throttle, SPRAYER, f"staff{n}@clinic.example")
        allowed += isinstance(answer, Reservation)
        clock.advance(1)

    assert allowed == 40 + 600 // 15 - 1  # the burst, then four a minute


def test_a_reservation_given_back_costs_nothing(
    sessions: sessionmaker[Session], throttle: SignInThrottle
) -> None:
    for _ in range(100):
        reservation = attempt(sessions, throttle, NAT, "agent@clinic.example")
        assert isinstance(reservation, Reservation)
        succeed(sessions, throttle, reservation)


def test_only_keyed_hashes_are_stored(
    sessions: sessionmaker[Session], throttle: SignInThrottle, vault: Settings, clock: Clock
) -> None:
    attempt(sessions, throttle, NAT, "agent@clinic.example")
    with sessions() as db:
        keys = list(db.scalars(select(ThrottleBucket.key)))
    other = make_throttle(vault, clock)  # another process: same key from the database
    with sessions() as db:
        expected = {other.address_key(db, NAT), other.account_key(db, "agent@clinic.example")}

    assert set(keys) == expected
    assert all(len(k) == 64 and NAT not in k and "agent" not in k for k in keys)
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(ThrottleKey)) == 1


def test_two_processes_share_one_budget(
    sessions: sessionmaker[Session], vault: Settings, clock: Clock
) -> None:
    first, second = make_throttle(vault, clock), make_throttle(vault, clock)
    for n in range(40):
        assert isinstance(attempt(sessions, (first, second)[n % 2], SPRAYER, None), Reservation)

    assert isinstance(attempt(sessions, first, SPRAYER, None), TooManyRequests)
    assert isinstance(attempt(sessions, second, SPRAYER, None), TooManyRequests)


@pytest.mark.parametrize(
    "one, other, same",
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),  # one /64: one host
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:198.51.100.7", "198.51.100.7", True),
        ("198.51.100.7", "198.51.100.8", False),
        ("testclient", "testclient", True),
        (None, None, True),
    ],
)
def test_addresses_are_throttled_by_host(one: str | None, other: str | None, same: bool) -> None:
    assert (address_of(one) == address_of(other)) is same


def test_spent_rows_are_purged(
    sessions: sessionmaker[Session], throttle: SignInThrottle, clock: Clock
) -> None:
    for n in range(25):
        attempt(sessions, throttle, f"192.0.2.{n}", f"user{n}@example.org")
    clock.advance(61)  # every bucket is back to full, the purge is due

    attempt(sessions, throttle, NAT, None)

    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(ThrottleBucket)) == 1


def test_rates_come_from_the_settings(vault: Settings, clock: Clock) -> None:
    throttle = make_throttle(vault, clock, SignInThrottleSettings(3, 7, 2, 11))

    assert throttle.address == Rate(3, timedelta(seconds=7))
    assert throttle.account == Rate(2, timedelta(seconds=11))

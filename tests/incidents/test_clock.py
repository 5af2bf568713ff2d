"""The breach clock and the thresholds, as functions of dates and counts (no database:
500 callers are not seeded to test a comparison), and the States of numbers."""

from __future__ import annotations

from datetime import date

import pytest

from callvault.incidents import clock
from callvault.incidents.clock import Duty, Obligation
from callvault.phone_states import state_of

DISCOVERED = date(2026, 3, 10)
DEADLINE = date(2026, 5, 9)  # 60 calendar days later
ANNUAL_LOG = date(2027, 3, 1)  # 60 days after 2026-12-31


def owed(affected: int | None, by_state: dict[str, int] | None = None) -> list[Obligation]:
    return clock.obligations(DISCOVERED, affected, by_state or {})


def test_the_clock_runs_sixty_calendar_days_from_discovery() -> None:
    assert clock.deadline(DISCOVERED) == DEADLINE
    assert clock.days_remaining(DISCOVERED, date(2026, 3, 10)) == 60
    assert clock.days_remaining(DISCOVERED, DEADLINE) == 0
    assert clock.days_remaining(DISCOVERED, date(2026, 5, 12)) == -3


def test_the_annual_log_is_due_sixty_days_after_the_year_of_discovery() -> None:
    assert clock.annual_log_due(DISCOVERED) == ANNUAL_LOG
    assert clock.annual_log_due(date(2027, 12, 31)) == date(2028, 2, 29)  # a leap year


def test_before_a_scope_only_the_individuals_notice_is_known() -> None:
    assert owed(None) == [Obligation(Duty.INDIVIDUALS, DEADLINE)]


def test_fewer_than_500_go_to_the_annual_log() -> None:
    assert owed(499, {"Texas": 499}) == [
        Obligation(Duty.INDIVIDUALS, DEADLINE),
        Obligation(Duty.SECRETARY_ANNUAL_LOG, ANNUAL_LOG),
    ]


def test_500_or_more_notify_the_secretary_within_sixty_days() -> None:
    assert owed(500, {"Texas": 250, "Ohio": 250}) == [
        Obligation(Duty.INDIVIDUALS, DEADLINE),
        Obligation(Duty.SECRETARY, DEADLINE),
    ]


def test_media_notice_for_each_state_with_more_than_500_residents() -> None:
    by_state = {"Texas": 501, "Ohio": 500, "California": 900, "unknown": 2000}
    media = [o for o in owed(3901, by_state) if o.duty is Duty.MEDIA]
    # Ohio has exactly 500 (not "more than"); "unknown" is no State to notify.
    assert media == [
        Obligation(Duty.MEDIA, DEADLINE, "California"),
        Obligation(Duty.MEDIA, DEADLINE, "Texas"),
    ]
    assert media[0].regulation == "45 CFR 164.406"


def test_a_recorded_notice_discharges_only_its_own_duty_and_state() -> None:
    texas = Obligation(Duty.MEDIA, DEADLINE, "Texas")
    sent = [
        ("media", "Ohio", date(2026, 4, 1)),
        ("secretary", None, date(2026, 4, 2)),
        ("media", "Texas", date(2026, 4, 5)),
        ("media", "Texas", date(2026, 4, 3)),
    ]
    assert clock.discharged(texas, sent) == date(2026, 4, 3)
    assert clock.discharged(Obligation(Duty.INDIVIDUALS, DEADLINE), sent) is None


@pytest.mark.parametrize(
    ("number", "state"),
    [
        ("+13105550101", "California"),  # the geocoder says "California"
        ("+14155550102", "California"),  # ... or "San Francisco, CA"
        ("+12125550104", "New York"),  # "New York, NY"
        ("+12025550147", "District of Columbia"),  # "Washington D.C."
        ("+12065550100", "Washington"),  # "Washington State"
        ("+17875550100", "Puerto Rico"),  # a territory: a State under 45 CFR 160.103
        ("+18005550107", "unknown"),  # toll-free
        ("+14165550100", "unknown"),  # Canada
        ("+442079460000", "unknown"),
        (None, "unknown"),
        ("", "unknown"),
    ],
)
def test_the_state_of_a_number(number: str | None, state: str) -> None:
    assert state_of(number) == state

"""The rules as pure functions: windows, working hours, networks, surnames."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callvault.alerts.rules import (
    Event,
    Rule,
    WorkingHours,
    burst_findings,
    is_denied,
    is_phi_read,
    network_of,
    new_network_findings,
    off_hours_findings,
    same_surname_findings,
)
from callvault.audit.surnames import normalise_surname, surname_term

T0 = 1_780_000_000_000


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def play(seq: int, at_ms: int, actor: str = "u1", outcome: str = "allowed") -> Event:
    return Event(seq, at_ms, "user", actor, "recording:play", outcome)


def test_burst_fires_only_past_the_threshold_within_sixty_seconds() -> None:
    under = [play(n, T0 + n) for n in range(3)]
    over = [*under, play(3, T0 + 3)]
    assert burst_findings(Rule.MASS_ACCESS, under, [], is_phi_read, 3) == []
    [finding] = burst_findings(Rule.MASS_ACCESS, over, [], is_phi_read, 3)
    assert (finding.first_seq, finding.last_seq, finding.count) == (0, 3, 4)


def test_burst_window_is_sixty_seconds_wide() -> None:
    # Four plays, 20 s apart: the first has left the window when the fourth comes.
    spread = [play(n, T0 + n * 20_000) for n in range(4)]
    assert burst_findings(Rule.MASS_ACCESS, spread, [], is_phi_read, 3) == []
    tighter = [play(n, T0 + n * 19_999) for n in range(4)]
    assert len(burst_findings(Rule.MASS_ACCESS, tighter, [], is_phi_read, 3)) == 1


def test_burst_counts_history_from_before_the_batch() -> None:
    history = [play(n, T0 + n) for n in range(3)]
    [finding] = burst_findings(Rule.MASS_ACCESS, [play(3, T0 + 3)], history, is_phi_read, 3)
    assert finding.first_seq == 0


def test_burst_keeps_actors_and_outcomes_apart() -> None:
    mixed = [play(0, T0, "u1"), play(1, T0, "u2"), play(2, T0, "u1", "denied"), play(3, T0, "u1")]
    assert burst_findings(Rule.MASS_ACCESS, mixed, [], is_phi_read, 2) == []
    assert burst_findings(Rule.DENIED_BURST, mixed, [], is_denied, 0)[0].actor_id == "u1"


@pytest.mark.parametrize(
    "moment, inside",
    [
        ("2026-03-04T12:00:00+00:00", True),  # Wednesday noon
        ("2026-03-04T06:59:59+00:00", False),  # before 07:00
        ("2026-03-04T07:00:00+00:00", True),
        ("2026-03-04T18:59:59+00:00", True),
        ("2026-03-04T19:00:00+00:00", False),  # the end is exclusive
        ("2026-03-07T12:00:00+00:00", False),  # Saturday
    ],
)
def test_default_working_hours(moment: str, inside: bool) -> None:
    assert WorkingHours().contains(ms(moment)) is inside


def test_working_hours_follow_the_zone_across_daylight_saving() -> None:
    new_york = WorkingHours(zone=ZoneInfo("America/New_York"))
    # 11:30 UTC is 06:30 EST on Monday 2 March, but 07:30 EDT on Monday 9 March.
    assert not new_york.contains(ms("2026-03-02T11:30:00+00:00"))
    assert new_york.contains(ms("2026-03-09T11:30:00+00:00"))


def test_off_hours_is_about_users_reading_phi() -> None:
    saturday = ms("2026-03-07T12:00:00+00:00")
    events = [
        Event(0, saturday, "user", "u1", "call:read", "allowed"),
        Event(1, saturday, "token", "t1", "call:read", "allowed"),  # not a person
        Event(2, saturday, "user", "u1", "call:create", "allowed"),  # not a read
        Event(3, saturday, "user", "u1", "call:read", "denied"),  # no access happened
    ]
    assert [f.last_seq for f in off_hours_findings(events, WorkingHours())] == [0]


@pytest.mark.parametrize(
    "address, network",
    [
        ("198.51.100.7", "198.51.100.0/24"),
        ("::ffff:198.51.100.7", "198.51.100.0/24"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("testclient", None),
        (None, None),
    ],
)
def test_network_of(address: str | None, network: str | None) -> None:
    assert network_of(address) == network


def sign_in(seq: int, ip: str, actor: str = "u1", action: str = "auth:mfa") -> Event:
    return Event(seq, T0 + seq, "user", actor, action, "allowed", source_ip=ip)


def test_first_sign_in_is_remembered_and_later_new_networks_alert() -> None:
    known: dict[str, set[str]] = {}
    events = [
        sign_in(0, "198.51.100.7"),  # first ever: nothing to compare with
        sign_in(1, "198.51.100.99"),  # same /24
        sign_in(2, "203.0.113.5", action="auth:recovery_code"),  # new
        sign_in(3, "203.0.113.6"),  # known now
        sign_in(4, "192.0.2.1", action="auth:login"),  # password step only
    ]
    findings, remembered = new_network_findings(events, known)
    assert [(f.last_seq, f.detail) for f in findings] == [(2, "203.0.113.0/24")]
    assert [network for _, network in remembered] == ["198.51.100.0/24", "203.0.113.0/24"]


@pytest.mark.parametrize(
    "name, surname",
    [
        ("Quinn Fictional", "fictional"),
        ("  Zoë   Ñúñez ", "nunez"),
        ("Mary O'Brien", "obrien"),
        ("Ana García-López", "garcialopez"),
        ("STRAßE", "strasse"),
        ("Jo Example 3", "example"),  # a trailing word without letters is skipped
        ("1234", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_surname(name: str | None, surname: str | None) -> None:
    assert normalise_surname(name) == surname
    assert surname_term(name) == (None if surname is None else "surname:" + surname)


def test_same_surname_needs_the_readers_own_hash() -> None:
    read = Event(0, T0, "user", "u1", "call:read", "allowed", hashed_terms="h:other h:mine")
    assert len(same_surname_findings([read], {"u1": "h:mine"})) == 1
    assert same_surname_findings([read], {"u1": "h:else"}) == []
    assert same_surname_findings([read], {"u2": "h:mine"}) == []
    assert same_surname_findings([read], {"u1": "h:min"}) == []  # whole terms only

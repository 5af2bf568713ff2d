"""The anomaly rules, as pure functions over audit events (no I/O).

Each rule turns a batch of events (in ``seq`` order) into ``Finding``s; the watcher
(``callvault.alerts.watcher``) gathers what the rules need besides the batch (earlier
events of the same actors, known networks, surname hashes) and turns findings into
stored alerts.

    mass_access    more than N allowed PHI reads by one actor within any 60 s
    off_hours      a PHI read by a user outside the tenant's working hours
    new_network    a completed sign-in from a network the user never signed in from
                   (not on the user's first sign-in ever: there is nothing to compare)
    denied_burst   more than M denied outcomes by one actor within any 60 s
    same_surname   a user reading a call whose caller has the user's own surname
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from callvault.audit.service import AuditAction, Outcome

WINDOW_MS = 60_000


class Rule(StrEnum):
    DENIED_BURST = "denied_burst"
    MASS_ACCESS = "mass_access"
    NEW_NETWORK = "new_network"
    OFF_HOURS = "off_hours"
    SAME_SURNAME = "same_surname"


# Actions that read PHI. The last three are not recorded yet; they are listed so the
# rules cover them the day they are.
PHI_READ_ACTIONS = frozenset(
    {
        AuditAction.CALL_READ.value,
        AuditAction.CALL_SEARCH.value,
        AuditAction.RECORDING_PLAY.value,
        AuditAction.TRANSCRIPT_READ.value,
        "recording:play_unredacted",
        "transcript:read_unredacted",
        "export:create",
    }
)
# A sign-in is complete only once the second factor is accepted (auth:login is just the
# password step); the session starts in the same transaction as these events.
SIGN_IN_ACTIONS = frozenset({AuditAction.AUTH_MFA.value, AuditAction.AUTH_RECOVERY_CODE.value})


@dataclass(frozen=True)
class Event:
    """The columns of an audit event the rules read."""

    seq: int
    at_ms: int
    actor_type: str
    actor_id: str
    action: str
    outcome: str
    source_ip: str | None = None
    hashed_terms: str | None = None

    @property
    def actor(self) -> tuple[str, str]:
        return (self.actor_type, self.actor_id)


@dataclass(frozen=True)
class Finding:
    """A rule matched: the evidence runs from ``first_seq`` to ``last_seq``."""

    rule: Rule
    actor_type: str
    actor_id: str
    first_seq: int
    last_seq: int
    first_at_ms: int
    last_at_ms: int
    count: int = 1
    detail: str | None = None


class Weekday(StrEnum):
    """In ``datetime.weekday()`` order: the position is the weekday number."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


WEEKDAYS = tuple(Weekday)


@dataclass(frozen=True)
class WorkingHours:
    """Working days (0 = Monday) and [start, end) minutes of the day, in ``zone``."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    days: frozenset[int] = frozenset(range(5))
    start_minute: int = 7 * 60
    end_minute: int = 19 * 60

    def contains(self, at_ms: int) -> bool:
        local = datetime.fromtimestamp(at_ms / 1000, UTC).astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        return local.weekday() in self.days and self.start_minute <= minute < self.end_minute


@dataclass(frozen=True)
class AlertConfig:
    """A tenant's rule settings (``callvault.alerts.service`` loads them)."""

    mass_access_threshold: int = 100
    denied_burst_threshold: int = 10
    hours: WorkingHours = field(default_factory=WorkingHours)
    disabled: frozenset[Rule] = frozenset()

    def enabled(self, rule: Rule) -> bool:
        return rule not in self.disabled


def is_phi_read(event: Event) -> bool:
    return event.action in PHI_READ_ACTIONS and event.outcome == Outcome.ALLOWED


def is_denied(event: Event) -> bool:
    return event.outcome == Outcome.DENIED


def is_sign_in(event: Event) -> bool:
    return (
        event.action in SIGN_IN_ACTIONS
        and event.outcome == Outcome.ALLOWED
        and event.actor_type == "user"
    )


# -- bursts ------------------------------------------------------------------------


def burst_findings(
    rule: Rule,
    events: Iterable[Event],
    history: Iterable[Event],
    matches: Callable[[Event], bool],
    threshold: int,
) -> list[Finding]:
    """A finding at every matching event that makes its actor's matching events in the
    60 s ending there more than ``threshold``. ``history`` holds the actors' earlier
    events (oldest first), so a window may start before the batch."""
    windows: dict[tuple[str, str], deque[Event]] = defaultdict(deque)
    for event in history:
        if matches(event):
            windows[event.actor].append(event)
    findings = []
    for event in events:
        if not matches(event):
            continue
        window = windows[event.actor]
        window.append(event)
        while window[0].at_ms <= event.at_ms - WINDOW_MS:
            window.popleft()
        if len(window) > threshold:
            first = window[0]
            findings.append(
                Finding(
                    rule,
                    event.actor_type,
                    event.actor_id,
                    first.seq,
                    event.seq,
                    first.at_ms,
                    event.at_ms,
                    count=len(window),
                )
            )
    return findings


# -- one event at a time -------------------------------------------------------------


def _single(rule: Rule, event: Event, detail: str | None = None) -> Finding:
    return Finding(
        rule,
        event.actor_type,
        event.actor_id,
        event.seq,
        event.seq,
        event.at_ms,
        event.at_ms,
        detail=detail,
    )


def off_hours_findings(events: Iterable[Event], hours: WorkingHours) -> list[Finding]:
    return [
        _single(Rule.OFF_HOURS, event)
        for event in events
        if event.actor_type == "user" and is_phi_read(event) and not hours.contains(event.at_ms)
    ]


def network_of(address: str | None) -> str | None:
    """The /24 (IPv4) or /64 (IPv6) network of an address; None if it is not one."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def new_network_findings(
    events: Iterable[Event], known: MutableMapping[str, set[str]]
) -> tuple[list[Finding], list[tuple[Event, str]]]:
    """Findings for sign-ins from networks not in ``known`` (user id -> networks), and
    the (event, network) pairs first seen, to remember. ``known`` is updated as it goes.
    A user with no known network is signing in for the first time: remembered, and no
    alert, since there is nothing yet to call the network new against."""
    findings: list[Finding] = []
    first_seen: list[tuple[Event, str]] = []
    for event in events:
        network = network_of(event.source_ip) if is_sign_in(event) else None
        if network is None:
            continue
        seen = known.setdefault(event.actor_id, set())
        if network in seen:
            continue
        if seen:
            findings.append(_single(Rule.NEW_NETWORK, event, detail=network))
        seen.add(network)
        first_seen.append((event, network))
    return findings, first_seen


def same_surname_findings(
    events: Iterable[Event], surname_hashes: Mapping[str, str]
) -> list[Finding]:
    """Reads whose hashed terms hold the reading user's own surname hash."""
    findings = []
    for event in events:
        mine = surname_hashes.get(event.actor_id) if event.actor_type == "user" else None
        if mine is None or not is_phi_read(event) or not event.hashed_terms:
            continue
        if mine in event.hashed_terms.split():
            findings.append(_single(Rule.SAME_SURNAME, event))
    return findings

"""The attribution report: calls per campaign, source, medium or day, with no PHI.

Per group: calls; first-time, repeat and unidentified callers (by the caller's blind
index, never the number: a call is *first-time* when it is its caller's first call in
the tenant, so a caller whose first call falls in the window counts once as first-time
there; *unidentified* are calls whose caller's PHI was shredded); answered calls; total
and mean duration (``ended_at - started_at``); and calls per disposition. Every count
goes through ``callvault.tracking.suppression`` before anyone sees it.

*Answered*: a call with a disposition that is not one of ``UNANSWERED``. A call with
no disposition is not counted as answered: nobody said it was.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callvault.calls.models import Call
from callvault.tracking.dni_models import DniSession
from callvault.tracking.models import Campaign, TrackingNumber

UNANSWERED = frozenset({"missed", "no-answer", "no_answer", "voicemail", "abandoned", "busy"})
NO_VALUE = "(none)"


class GroupBy(StrEnum):
    CAMPAIGN = "campaign"
    SOURCE = "source"
    MEDIUM = "medium"
    DAY = "day"


@dataclass
class GroupCounts:
    """One group's raw (unsuppressed) figures; never leaves this capability as is."""

    calls: int = 0
    first_time_callers: int = 0
    repeat_callers: int = 0
    unidentified_callers: int = 0
    answered: int = 0
    total_duration_seconds: int = 0
    dispositions: Counter[str] = field(default_factory=Counter)

    def add(self, other: GroupCounts) -> None:
        for name in (*COUNT_COLUMNS, "total_duration_seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.dispositions.update(other.dispositions)


COUNT_COLUMNS = (
    "calls",
    "first_time_callers",
    "repeat_callers",
    "unidentified_callers",
    "answered",
)


@dataclass(frozen=True)
class Window:
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def is_answered(disposition: str | None) -> bool:
    return disposition is not None and disposition.strip().lower() not in UNANSWERED


def count_groups(
    session: Session, tenant_id: str, group_by: GroupBy, window: Window
) -> dict[str, GroupCounts]:
    """The raw figures of each group of the tenant's calls that started in ``window``."""
    firsts = _first_calls(session, tenant_id)
    groups: dict[str, GroupCounts] = defaultdict(GroupCounts)
    seen: set[str] = set()
    for row in session.execute(_calls_in(tenant_id, window)):
        counts = groups[_label(group_by, row)]
        counts.calls += 1
        index = row.caller_number_index
        if index is None:
            counts.unidentified_callers += 1
        elif index not in seen and firsts.get(index) == row.started_at:
            counts.first_time_callers += 1
        else:
            counts.repeat_callers += 1
        if index is not None:
            seen.add(index)  # same-instant calls of one caller: only the first is first
        counts.answered += is_answered(row.disposition)
        seconds = (row.ended_at - row.started_at).total_seconds()
        counts.total_duration_seconds += max(int(seconds), 0)
        counts.dispositions[row.disposition or NO_VALUE] += 1
    return dict(groups)


def _calls_in(tenant_id: str, window: Window):  # type: ignore[no-untyped-def]  # a Select of named columns
    """The window's calls, oldest first, with their campaign, source and medium."""
    stmt = labelled_calls(
        tenant_id, Call.started_at, Call.ended_at, Call.disposition, Call.caller_number_index
    ).order_by(Call.started_at, Call.id)
    if window.since is not None:
        stmt = stmt.where(Call.started_at >= window.since)
    if window.until is not None:
        stmt = stmt.where(Call.started_at < window.until)
    return stmt


def labelled_calls(tenant_id: str, *columns: Any):  # type: ignore[no-untyped-def]  # a Select of named columns
    """The tenant's calls as ``columns`` plus their labels ``campaign`` (the linked
    campaign's name, else the call's text), ``source`` and ``medium`` (the DNI
    session's UTM fields where the call has a session and they are set, else the
    number's own, else its campaign's)."""
    # The tables themselves, not aliases: the session's tenant scoping names them so.
    linked, number, visit = Campaign, TrackingNumber, DniSession
    return (
        select(
            *columns,
            func.coalesce(linked.name, Call.campaign).label("campaign"),
            func.coalesce(visit.utm_source, number.source, linked.source).label("source"),
            func.coalesce(visit.utm_medium, number.medium, linked.medium).label("medium"),
        )
        .select_from(Call)
        .outerjoin(linked, linked.id == Call.campaign_id)
        .outerjoin(visit, visit.id == Call.dni_session_id)
        .outerjoin(
            number, (number.tenant_id == Call.tenant_id) & (number.number == Call.tracking_number)
        )
        .where(Call.tenant_id == tenant_id)
    )


def _first_calls(session: Session, tenant_id: str) -> dict[str, datetime]:
    """When each caller (blind index) first called the tenant, ever."""
    rows = session.execute(
        select(Call.caller_number_index, func.min(Call.started_at))
        .where(Call.tenant_id == tenant_id, Call.caller_number_index.is_not(None))
        .group_by(Call.caller_number_index)
    )
    return {index: first for index, first in rows if index is not None}


def _label(group_by: GroupBy, row: object) -> str:
    if group_by is GroupBy.DAY:
        started: datetime = row.started_at  # type: ignore[attr-defined]
        return started.date().isoformat()  # UTC, as stored
    value: str | None = getattr(row, group_by.value)
    return value or NO_VALUE

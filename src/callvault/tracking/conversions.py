"""Which calls are a destination's conversions, and which of them it has not had yet.

A **conversion** is a call that meets the destination's rule (at least
``min_duration_seconds`` long, and answered when ``answered_only``: see
``report.is_answered``). Its time is the call's start; its value and currency are the
destination's.

- Click-level (a destination with an ``ad_platform`` BAA): calls attributed to a DNI
  visitor session that carried a click id (gclid, fbclid or msclkid; Google Ads needs a
  gclid). One conversion per call.
- Aggregate (a deidentified destination): calls with a campaign, counted per UTC day
  and campaign, source and medium, for whole days only (before today, UTC), so a row
  once sent is final. Counts of 1 to 10 become ``"<11"``.

Nothing here reads a caller's number, name, blind index, notes or transcript: the
rows below do not have them (``conversion_gate``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from callvault.calls.models import Call
from callvault.tracking.conversion_models import (
    ConversionDestination,
    ConversionSend,
    DestinationKind,
)
from callvault.tracking.dni_models import DniSession
from callvault.tracking.report import NO_VALUE, is_answered, labelled_calls
from callvault.tracking.suppression import primary, shown

AggregateGroup = tuple[date, str, str, str]  # day, campaign, source, medium


@dataclass(frozen=True)
class Conversion:
    """One attributed call as a destination may see it: no caller identifier, no call
    id (``key`` is the call's id for the send ledger, never put in a payload)."""

    key: str
    time: datetime
    campaign: str
    source: str
    medium: str
    visitor_id: str  # the DNI session's random id
    gclid: str | None
    fbclid: str | None
    msclkid: str | None


@dataclass(frozen=True)
class AggregateRow:
    key: str
    day: date
    campaign: str
    source: str
    medium: str
    conversions: int | str  # "<11" for 1 to 10


def sent_keys(session: Session, destination: ConversionDestination) -> set[str]:
    rows = session.execute(
        select(ConversionSend.conversion_key).where(ConversionSend.destination_id == destination.id)
    )
    return set(rows.scalars())


def qualifies(destination: ConversionDestination, row: object) -> bool:
    started: datetime = row.started_at  # type: ignore[attr-defined]
    ended: datetime = row.ended_at  # type: ignore[attr-defined]
    long_enough = (ended - started).total_seconds() >= destination.min_duration_seconds
    answered = is_answered(row.disposition) or not destination.answered_only  # type: ignore[attr-defined]
    return long_enough and answered


def pending_conversions(session: Session, destination: ConversionDestination) -> list[Conversion]:
    """The destination's click-level conversions it has not been given yet, oldest
    first."""
    clicked = (
        DniSession.gclid.is_not(None)
        if destination.kind == DestinationKind.GOOGLE_ADS.value
        else or_(
            DniSession.gclid.is_not(None),
            DniSession.fbclid.is_not(None),
            DniSession.msclkid.is_not(None),
        )
    )
    stmt = (
        labelled_calls(
            destination.tenant_id,
            Call.id,
            Call.started_at,
            Call.ended_at,
            Call.disposition,
            DniSession.id.label("visitor_id"),
            DniSession.gclid,
            DniSession.fbclid,
            DniSession.msclkid,
        )
        .where(Call.dni_session_id.is_not(None), clicked)
        .order_by(Call.started_at, Call.id)
    )
    done = sent_keys(session, destination)
    return [
        Conversion(
            key=row.id,
            time=row.started_at,
            campaign=row.campaign or NO_VALUE,
            source=row.source or NO_VALUE,
            medium=row.medium or NO_VALUE,
            visitor_id=row.visitor_id,
            gclid=row.gclid,
            fbclid=row.fbclid,
            msclkid=row.msclkid,
        )
        for row in session.execute(stmt)
        if row.id not in done and qualifies(destination, row)
    ]


def pending_aggregates(
    session: Session, destination: ConversionDestination, today: date
) -> list[AggregateRow]:
    """The destination's daily aggregate rows of whole days (before ``today``) it has
    not been given yet, by day and group."""
    stmt = labelled_calls(
        destination.tenant_id, Call.started_at, Call.ended_at, Call.disposition
    ).where(
        Call.started_at < datetime.combine(today, time.min, tzinfo=UTC),
        or_(Call.campaign_id.is_not(None), Call.campaign.is_not(None)),
    )
    counts: Counter[AggregateGroup] = Counter(
        (row.started_at.date(), row.campaign, row.source or NO_VALUE, row.medium or NO_VALUE)
        for row in session.execute(stmt)
        if qualifies(destination, row)
    )
    small = primary(counts)
    done = sent_keys(session, destination)
    rows = [
        AggregateRow(aggregate_key(group), *group, shown(count, group in small))
        for group, count in sorted(counts.items())
    ]
    return [row for row in rows if row.key not in done]


def aggregate_key(group: AggregateGroup) -> str:
    day, campaign, source, medium = group
    return "|".join((day.isoformat(), campaign, source, medium))

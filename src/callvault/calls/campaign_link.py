"""What a call is linked to as it is made: the campaign of its tracking number and,
for a number of a dynamic number insertion pool, the website visitor session that
was shown the number.

The tables are ``callvault.tracking``'s, a capability that stands above ``calls`` (it
reads calls for its reports), so they are named here as plain table clauses rather
than imported: the few columns used, held to the real schema by the tracking tests
that ingest through a tracking number and a DNI session. Each lookup is one indexed
query, no cache: a number added or a session started a moment ago links the next call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, bindparam, column, select, table
from sqlalchemy.orm import Session

from callvault.db.base import UTCDateTime

_tracking_numbers = table(
    "tracking_numbers",
    column("tenant_id", String),
    column("number", String),
    column("campaign_id", String),
)
_campaigns = table("campaigns", column("id", String), column("name", String))
_dni_sessions = table(
    "dni_sessions",
    column("id", String),
    column("tenant_id", String),
    column("number", String),
    column("created_at", UTCDateTime),
    column("expires_at", UTCDateTime),
)


@dataclass(frozen=True)
class CampaignLink:
    campaign_id: str
    name: str


@dataclass(frozen=True)
class CallLinks:
    """What a new call is linked to: its campaign and its DNI session, each or neither."""

    campaign: CampaignLink | None
    dni_session_id: str | None


def links_of(
    session: Session, tenant_id: str, tracking_number: str, started_at: datetime
) -> CallLinks:
    """The links of a call to ``tracking_number`` (E.164) that started at ``started_at``.
    The campaign is always the tracking number's, with or without a DNI session (a
    session's ``utm_campaign`` is what a visitor's URL said, not what the tenant set)."""
    campaign = campaign_of(session, tenant_id, tracking_number)
    if campaign is None:  # not a tracking number: no pool number either
        return CallLinks(None, None)
    return CallLinks(campaign, dni_session_of(session, tenant_id, tracking_number, started_at))


# Built once, run with bind parameters: a call's links are looked up on every ingest,
# and building a statement cost more than running it.
_CAMPAIGN_OF_NUMBER = (
    select(_campaigns.c.id, _campaigns.c.name)
    .select_from(
        _tracking_numbers.join(_campaigns, _campaigns.c.id == _tracking_numbers.c.campaign_id)
    )
    .where(
        _tracking_numbers.c.tenant_id == bindparam("tenant_id"),
        _tracking_numbers.c.number == bindparam("number"),
    )
)
_LATEST_DNI_SESSION = (
    select(_dni_sessions.c.id, _dni_sessions.c.expires_at)
    .where(
        _dni_sessions.c.tenant_id == bindparam("tenant_id"),
        _dni_sessions.c.number == bindparam("number"),
        _dni_sessions.c.created_at <= bindparam("started_at", type_=UTCDateTime),
    )
    .order_by(_dni_sessions.c.created_at.desc())
    .limit(1)
)


def campaign_of(session: Session, tenant_id: str, tracking_number: str) -> CampaignLink | None:
    """The campaign of ``tracking_number`` (E.164) in the tenant, or None. A Core
    statement: the tenant is named here, not by the session's scoping."""
    values = {"tenant_id": tenant_id, "number": tracking_number}
    row = session.connection().execute(_CAMPAIGN_OF_NUMBER, values).first()
    return None if row is None else CampaignLink(campaign_id=row[0], name=row[1])


def dni_session_of(
    session: Session, tenant_id: str, tracking_number: str, started_at: datetime
) -> str | None:
    """The DNI session a call to ``tracking_number`` that started at ``started_at`` is
    attributed to: the session most recently given that number before the call, if the
    call started within that session's time to live; else None."""
    values = {"tenant_id": tenant_id, "number": tracking_number, "started_at": started_at}
    latest = session.connection().execute(_LATEST_DNI_SESSION, values).first()
    if latest is None or started_at >= latest.expires_at:
        return None
    session_id: str = latest.id
    return session_id

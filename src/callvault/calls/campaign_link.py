"""Which campaign a call's tracking number belongs to, looked up as the call is made.

The tables are ``callvault.tracking``'s, a capability that stands above ``calls`` (it
reads calls for its reports), so they are named here as plain table clauses rather
than imported: two columns each, held to the real schema by the tracking tests that
ingest through a tracking number. One indexed lookup on the unique
(tenant_id, number) key, no cache: a number added a moment ago links the next call.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, column, select, table
from sqlalchemy.orm import Session

_tracking_numbers = table(
    "tracking_numbers",
    column("tenant_id", String),
    column("number", String),
    column("campaign_id", String),
)
_campaigns = table("campaigns", column("id", String), column("name", String))


@dataclass(frozen=True)
class CampaignLink:
    campaign_id: str
    name: str


def campaign_of(session: Session, tenant_id: str, tracking_number: str) -> CampaignLink | None:
    """The campaign of ``tracking_number`` (E.164) in the tenant, or None. A Core
    statement: the tenant is named here, not by the session's scoping."""
    row = session.execute(
        select(_campaigns.c.id, _campaigns.c.name)
        .select_from(
            _tracking_numbers.join(_campaigns, _campaigns.c.id == _tracking_numbers.c.campaign_id)
        )
        .where(
            _tracking_numbers.c.tenant_id == tenant_id,
            _tracking_numbers.c.number == tracking_number,
        )
    ).first()
    return None if row is None else CampaignLink(campaign_id=row[0], name=row[1])

"""Legal holds: what must not be destroyed, whatever retention says.

A hold names exactly one of a call, a caller (by blind index: calls that come later from
the same number are held too), a date range of calls, or a campaign. It holds until it
is released; releasing lets the next sweep destroy what is overdue.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from callvault.calls.models import Call
from callvault.lifecycle.models import LegalHold


def held_clause() -> ColumnElement[bool]:
    """True, in a statement over ``calls``, for a call that an active hold covers."""
    hold = LegalHold
    covers = or_(
        hold.call_id == Call.id,
        hold.caller_index == Call.caller_number_index,
        hold.campaign == Call.campaign,
        # Both ends count: a hold errs on the side of keeping.
        and_(hold.since <= Call.started_at, Call.started_at <= hold.until),
    )
    return exists(
        select(hold.id).where(hold.tenant_id == Call.tenant_id, hold.released_at.is_(None), covers)
    )


def is_call_held(session: Session, tenant_id: str, call_id: str) -> bool:
    """Whether an active hold covers the call now."""
    found = session.scalar(
        select(Call.id).where(Call.tenant_id == tenant_id, Call.id == call_id, held_clause())
    )
    return found is not None

"""Legal holds: what must not be destroyed, whatever retention says.

A hold names exactly one of a call, a caller (by blind index: calls that come later from
the same number are held too), a date range of calls, or a campaign. It holds until it
is released; releasing lets the next sweep destroy what is overdue.

The retention sweep and a manual shred ask ``held_clause()`` (in a statement over
``calls``) or ``is_call_held()`` (one call) before destroying anything.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from callvault.calls.models import Call
from callvault.lifecycle.models import LegalHold


def _covers() -> ColumnElement[bool]:
    """True where the hold in the enclosing statement covers the call in it. A hold
    sets one selector; the others are NULL, and a comparison with NULL is never true."""
    hold = LegalHold
    return or_(
        hold.call_id == Call.id,
        hold.caller_index == Call.caller_number_index,
        hold.campaign == Call.campaign,
        # Both ends count: a hold errs on the side of keeping.
        and_(hold.since <= Call.started_at, Call.started_at <= hold.until),
    )


def _active_holds_of_the_call() -> ColumnElement[bool]:
    hold = LegalHold
    return and_(hold.tenant_id == Call.tenant_id, hold.released_at.is_(None), _covers())


def held_clause() -> ColumnElement[bool]:
    """True, in a statement over ``calls``, for a call that an active hold covers."""
    return exists(select(LegalHold.id).where(_active_holds_of_the_call()))


def held_by_clause(hold_id: str) -> ColumnElement[bool]:
    """True, in a statement over ``calls``, for a call that the hold ``hold_id`` covers
    while it is active (a released hold covers nothing)."""
    return exists(select(LegalHold.id).where(LegalHold.id == hold_id, _active_holds_of_the_call()))


def is_call_held(session: Session, tenant_id: str, call_id: str) -> bool:
    """Whether an active hold covers the tenant's call (False for a call it does not have)."""
    found = session.execute(
        select(Call.id).where(Call.tenant_id == tenant_id, Call.id == call_id, held_clause())
    ).first()
    return found is not None

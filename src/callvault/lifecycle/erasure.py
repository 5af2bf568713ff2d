"""A caller's erasure request (state privacy laws): every call of one caller number in
the tenant removed whole, with a deletion certificate per piece (``erasure:shred``).

Erasure is subject to legal holds only: a held call is reported and left untouched
(its refusal audited), and if every call is held nothing is done (409). The retention
policy sets no minimum periods today (a period is how long data may be kept, at most),
so it never stops an erasure. What erasure never touches: the audit trail, including
the certificates it writes. The caller number is never in a message or an event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome
from callvault.calls.models import Call
from callvault.errors import Conflict, NotFound
from callvault.identity.sessions import require_step_up
from callvault.lifecycle.access import NO_CALLS
from callvault.lifecycle.holds import held_clause
from callvault.lifecycle.shredding import Certificate, Shredder
from callvault.phone import to_e164
from callvault.web.context import RequestContext

ACTION = AuditAction.ERASURE_SHRED
ALL_HELD = "a legal hold covers every call of that caller: nothing was erased"


@dataclass(frozen=True)
class Erasure:
    erased: list[str]
    held: list[str]
    certificates: list[Certificate]


def erase_caller(ctx: RequestContext, caller_number: str) -> Erasure:
    """Remove every unheld call of ``caller_number``; NotFound if it has none, Conflict
    if all are held (both audited)."""
    require_step_up(ctx.principal, "erasing a caller's records")
    caller = to_e164(caller_number, "caller_number")
    index = ctx.keyring.blind_index(ctx.tenant_id, caller)
    of_caller = select(Call).where(
        Call.tenant_id == ctx.tenant_id, Call.caller_number_index == index
    )
    calls = list(ctx.session.scalars(of_caller.order_by(Call.started_at, Call.id)))
    held = set(ctx.session.scalars(of_caller.with_only_columns(Call.id).where(held_clause())))
    free = [call for call in calls if call.id not in held]
    if not free:
        outcome = Outcome.DENIED if calls else Outcome.NOT_FOUND
        reason = "legal hold" if calls else None
        ctx.audit_refusal(ACTION, None, outcome=outcome, reason=reason, phi_terms=[caller])
        raise Conflict(ALL_HELD) if calls else NotFound(NO_CALLS)
    held_ids = [call.id for call in calls if call.id in held]
    erased_ids = [call.id for call in free]  # read now: the rows are gone after the commit
    for call_id in held_ids:
        ctx.audit(ACTION, call_id, outcome=Outcome.DENIED, reason="legal hold")
    shredder = Shredder(ctx, ctx.blobs, ACTION, "erasure")
    shredder.remove_calls(free)
    return Erasure(erased_ids, held_ids, shredder.commit())

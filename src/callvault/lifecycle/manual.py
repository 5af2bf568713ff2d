"""Destroying one call's data now, on a person's decision: the compliance officer's
manual shred. Needs a fresh step-up; refused (409, audited) while a legal hold covers
the call; each piece destroyed gets its deletion certificate."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome
from callvault.calls.models import Call, StoredObject
from callvault.errors import Conflict, NotFound
from callvault.identity.sessions import require_step_up
from callvault.lifecycle.datatypes import OBJECT_KINDS, DataType
from callvault.lifecycle.holds import is_call_held
from callvault.lifecycle.shredding import Certificate, Shredder
from callvault.web.context import RequestContext

HELD = "a legal hold covers this call: release the hold first"


def shred_now(
    ctx: RequestContext, call_id: str, data_types: Sequence[DataType]
) -> list[Certificate]:
    action = AuditAction.MANUAL_SHRED
    require_step_up(ctx.principal, "shredding")
    call = ctx.session.scalar(_of_tenant(ctx, call_id))
    if call is None:
        ctx.audit_refusal(AuditAction.MANUAL_SHRED, call_id, outcome=Outcome.NOT_FOUND)
        raise NotFound("no such call")
    if is_call_held(ctx.session, ctx.tenant_id, call_id):
        ctx.audit_refusal(
            AuditAction.MANUAL_SHRED, call_id, outcome=Outcome.DENIED, reason="legal hold"
        )
        raise Conflict(HELD)
    shredder = Shredder(ctx, ctx.blobs, action, "manual")
    if DataType.CALL_METADATA in data_types:
        shredder.remove_calls([call])
    else:
        kinds = [OBJECT_KINDS[t] for t in data_types if t in OBJECT_KINDS]
        shredder.shred_objects(
            ctx.session.scalars(
                select(StoredObject).where(
                    StoredObject.call_id == call_id, StoredObject.kind.in_(kinds)
                )
            )
        )
        if DataType.CALL_PHI in data_types:
            shredder.shred_phi([call])
    return shredder.commit()


def call_exists(ctx: RequestContext, call_id: str) -> bool:
    return ctx.session.scalar(_of_tenant(ctx, call_id).with_only_columns(Call.id)) is not None


def _of_tenant(ctx: RequestContext, call_id: str) -> Select[Call]:
    return select(Call).where(Call.tenant_id == ctx.tenant_id, Call.id == call_id)

"""Placing, listing, releasing and exporting legal holds (``hold:admin``).

Every step is audited with references only (the hold's id; a caller hold's number as a
keyed hash). A hold on a call checks that the call is the tenant's; a 404 for one that
is not is audited as a not-found ``hold:create``, as object routes do.
"""

from __future__ import annotations

from typing import Any, NoReturn, cast

from sqlalchemy import CursorResult, Select, select, update

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.calls.models import Call
from callvault.db.base import utcnow
from callvault.errors import Conflict, NotFound
from callvault.lifecycle.holds import held_by_clause
from callvault.lifecycle.holds_schemas import (
    Covers,
    ExportedHold,
    HeldCall,
    HoldExport,
    HoldIn,
    HoldList,
    HoldOut,
    HoldStatus,
)
from callvault.lifecycle.models import LegalHold
from callvault.phone import to_e164


class HoldService:
    """The legal holds of the principal's tenant (its context's session is scoped to it)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._session = ctx.session
        self._tenant_id = ctx.tenant_id

    def place(self, data: HoldIn) -> str:
        """Validate the selector (422, 404 change nothing), then save, audit, commit."""
        selector, phi_terms = self._selector(data)
        hold = LegalHold(
            tenant_id=self._tenant_id,
            reason=data.reason,
            matter=data.matter,
            owner=self._ctx.principal.actor_id,
            **selector,
        )
        self._session.add(hold)
        self._session.flush()
        self._ctx.audit(AuditAction.HOLD_CREATE, hold.id, phi_terms=phi_terms)
        self._session.commit()
        return hold.id

    def list_holds(self, status: HoldStatus) -> HoldList:
        """Newest first; the listing is itself audited."""
        stmt = select(LegalHold).where(LegalHold.tenant_id == self._tenant_id)
        if status is HoldStatus.ACTIVE:
            stmt = stmt.where(LegalHold.released_at.is_(None))
        elif status is HoldStatus.RELEASED:
            stmt = stmt.where(LegalHold.released_at.is_not(None))
        holds = [hold_out(h) for h in self._session.execute(_newest_first(stmt)).scalars()]
        self._ctx.audit_read(AuditAction.HOLD_LIST, None)
        return HoldList(items=holds)

    def get(self, hold_id: str) -> HoldOut:
        hold = hold_out(self._find(hold_id, AuditAction.HOLD_LIST))
        self._ctx.audit_read(AuditAction.HOLD_LIST, hold_id)
        return hold

    def release(self, hold_id: str) -> HoldOut:
        """Release an active hold; 409 if it was released already (by anyone, even a
        concurrent request: the update only matches an active hold)."""
        hold = self._find(hold_id, AuditAction.HOLD_RELEASE)
        released = self._session.execute(
            update(LegalHold)
            .where(
                LegalHold.tenant_id == self._tenant_id,
                LegalHold.id == hold_id,
                LegalHold.released_at.is_(None),
            )
            .values(released_at=utcnow(), released_by=self._ctx.principal.actor_id)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], released).rowcount != 1:
            self._session.rollback()
            raise Conflict("the hold is already released")
        self._ctx.audit(AuditAction.HOLD_RELEASE, hold_id)
        self._session.commit()
        self._session.refresh(hold)
        return hold_out(hold)

    def export(self) -> HoldExport:
        """Every hold, and for each active one the calls it covers now (ids, start and
        campaign: nothing that identifies a patient)."""
        every_hold = select(LegalHold).where(LegalHold.tenant_id == self._tenant_id)
        holds = self._session.execute(_newest_first(every_hold)).scalars().all()
        exported = [self._exported(hold) for hold in holds]
        self._ctx.audit_read(AuditAction.HOLD_EXPORT, None)
        return HoldExport(generated_at=utcnow(), holds=exported)

    # -- helpers ------------------------------------------------------------------------

    def _selector(self, data: HoldIn) -> tuple[dict[str, Any], list[str]]:
        """The hold's selector columns, and the PHI terms its audit event hashes."""
        if data.call_id is not None:
            self._check_call(data.call_id)
            return {"call_id": data.call_id}, []
        if data.caller_number is not None:
            caller = to_e164(data.caller_number, "caller_number")
            index = self._ctx.keyring.blind_index(self._tenant_id, caller)
            return {"caller_index": index}, [caller]
        if data.campaign is not None:
            return {"campaign": data.campaign}, []
        return {"since": data.since, "until": data.until}, []

    def _check_call(self, call_id: str) -> None:
        found = self._session.execute(
            select(Call.id).where(Call.tenant_id == self._tenant_id, Call.id == call_id)
        ).first()
        if found is None:
            self._not_found(AuditAction.HOLD_CREATE, call_id, "call", "no such call")

    def _find(self, hold_id: str, action: AuditAction) -> LegalHold:
        hold = self._session.execute(
            select(LegalHold).where(LegalHold.tenant_id == self._tenant_id, LegalHold.id == hold_id)
        ).scalar_one_or_none()
        if hold is None:
            self._not_found(action, hold_id, action.resource_type, "no such hold")
        return hold

    def _not_found(self, action: AuditAction, object_id: str, kind: str, detail: str) -> NoReturn:
        """Audit the attempt on an object this tenant does not have, then raise 404."""
        self._ctx.audit_refusal(action, object_id, outcome=Outcome.NOT_FOUND, resource_type=kind)
        raise NotFound(detail)

    def _exported(self, hold: LegalHold) -> ExportedHold:
        calls = None
        if hold.released_at is None:
            rows = self._session.execute(
                select(Call.id, Call.started_at, Call.campaign)
                .where(Call.tenant_id == self._tenant_id, held_by_clause(hold.id))
                .order_by(Call.started_at, Call.id)
            )
            calls = [HeldCall(id=i, started_at=s, campaign=c) for i, s, c in rows]
        return ExportedHold(**hold_out(hold).model_dump(), calls=calls)


def _newest_first(stmt: Select[LegalHold]) -> Select[LegalHold]:
    return stmt.order_by(LegalHold.created_at.desc(), LegalHold.id.desc())


def covers(hold: LegalHold) -> Covers:
    if hold.call_id is not None:
        return Covers.CALL
    if hold.caller_index is not None:
        return Covers.CALLER
    if hold.campaign is not None:
        return Covers.CAMPAIGN
    return Covers.DATE_RANGE


def hold_out(hold: LegalHold) -> HoldOut:
    return HoldOut(
        id=hold.id,
        covers=covers(hold),
        call_id=hold.call_id,
        caller=hold.caller_index is not None,
        since=hold.since,
        until=hold.until,
        campaign=hold.campaign,
        reason=hold.reason,
        matter=hold.matter,
        owner=hold.owner,
        created_at=hold.created_at,
        released_at=hold.released_at,
        released_by=hold.released_by,
    )

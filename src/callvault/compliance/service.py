"""The BAA registry of the principal's tenant (``baa:admin``): record, change, activate,
terminate, list. Every change is audited with the agreement's id and kind.

The life of an agreement: ``draft`` (recorded, opens nothing) → ``active`` (needs the
signed document's SHA-256) → ``terminated``. An active agreement whose ``ends_on`` has
come is not in force, whatever its status says: the gate reads the dates each time
(``callvault.tenants.agreements.covers_on``).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NoReturn, cast

from sqlalchemy import CursorResult, select, update

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.compliance.schemas import BaaChange, BaaIn, BaaList, BaaOut, Signer, StatusFilter
from callvault.db.base import utcnow
from callvault.errors import Conflict, InvalidInput, NotFound
from callvault.tenants.agreements import (
    AgreementKind,
    AgreementStatus,
    BusinessAssociateAgreement,
    is_in_force,
    today_utc,
)

Baa = BusinessAssociateAgreement
KIND_ORDER = list(AgreementKind)  # the covered entity first
# What an agreement that is no longer a draft may still change.
CHANGEABLE_AFTER_DRAFT = frozenset({"reminder_days"})


class BaaService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._session = ctx.session
        self._tenant_id = ctx.tenant_id

    def create(self, data: BaaIn) -> str:
        """A new draft; 422 (nothing written) if it would end before it starts."""
        _check_dates(data.effective_on, data.ends_on)
        now = utcnow()
        baa = Baa(
            tenant_id=self._tenant_id,
            kind=data.kind.value,
            counterparty=data.counterparty,
            status=AgreementStatus.DRAFT.value,
            effective_on=data.effective_on,
            ends_on=data.ends_on,
            document_sha256=data.document_sha256,
            signers=_signers_json(data.signers),
            reminder_days=data.reminder_days,
            created_by=self._ctx.principal.actor_id,
            created_at=now,
            updated_at=now,
        )
        self._session.add(baa)
        self._session.flush()
        self._ctx.audit(AuditAction.BAA_CREATE, baa.id, reason=data.kind.value)
        self._session.commit()
        return baa.id

    def list_agreements(
        self, status: StatusFilter = StatusFilter.ALL, kind: AgreementKind | None = None
    ) -> BaaList:
        """Covered entity first, then by kind, newest first within each."""
        stmt = select(Baa).where(Baa.tenant_id == self._tenant_id)
        if status is not StatusFilter.ALL:
            stmt = stmt.where(Baa.status == status.value)
        if kind is not None:
            stmt = stmt.where(Baa.kind == kind.value)
        rows = self._session.execute(stmt.order_by(Baa.created_at.desc(), Baa.id)).scalars()
        today = today_utc()
        items = sorted((baa_out(row, today) for row in rows), key=_listing_order)
        self._ctx.audit_read(AuditAction.BAA_LIST, None)
        return BaaList(items=items)

    def get(self, baa_id: str) -> BaaOut:
        out = baa_out(self._find(baa_id, AuditAction.BAA_LIST), today_utc())
        self._ctx.audit_read(AuditAction.BAA_LIST, baa_id)
        return out

    def change(self, baa_id: str, data: BaaChange) -> BaaOut:
        """409 for a term an agreement past its draft may not change, 422 for dates
        that end before they start; nothing is written then."""
        baa = self._find(baa_id, AuditAction.BAA_UPDATE)
        fields = data.model_fields_set
        if baa.status != AgreementStatus.DRAFT.value and fields - CHANGEABLE_AFTER_DRAFT:
            self._session.rollback()
            raise Conflict(
                "only a draft's terms can change; an agreement past its draft changes only"
                " reminder_days (record the new agreement, activate it, terminate this one)"
            )
        values = data.model_dump(include=fields, exclude_none=True)
        if "signers" in values:
            values["signers"] = _signers_json(data.signers or [])
        _check_dates(values.get("effective_on", baa.effective_on), _ends(data, baa))
        if "ends_on" in fields:
            values["ends_on"] = data.ends_on  # null clears it: an agreement without end
        for name, value in values.items():
            setattr(baa, name, value)
        baa.updated_at = utcnow()
        self._session.flush()
        self._ctx.audit(AuditAction.BAA_UPDATE, baa.id, reason=baa.kind)
        return self._committed(baa)

    def activate(self, baa_id: str) -> BaaOut:
        """Draft → active. 422 without the document's hash or once its end has come;
        409 unless it is a draft (even against a concurrent request)."""
        baa = self._find(baa_id, AuditAction.BAA_ACTIVATE)
        if baa.status == AgreementStatus.DRAFT.value:
            if not baa.document_sha256:
                self._session.rollback()
                raise InvalidInput(
                    "an agreement is activated on its signed document: set document_sha256"
                    " (the SHA-256 of the signed file) first"
                )
            if baa.ends_on is not None and baa.ends_on <= today_utc():
                self._session.rollback()
                raise InvalidInput("the agreement has ended (ends_on): record the current one")
        self._transition(baa, AgreementStatus.DRAFT, AgreementStatus.ACTIVE)
        self._ctx.audit(AuditAction.BAA_ACTIVATE, baa.id, reason=baa.kind)
        return self._committed(baa)

    def terminate(self, baa_id: str) -> BaaOut:
        """Active → terminated: the gate it opened closes at once. 409 otherwise."""
        baa = self._find(baa_id, AuditAction.BAA_TERMINATE)
        self._transition(baa, AgreementStatus.ACTIVE, AgreementStatus.TERMINATED)
        self._ctx.audit(AuditAction.BAA_TERMINATE, baa.id, reason=baa.kind)
        return self._committed(baa)

    # -- helpers ------------------------------------------------------------------------

    def _transition(
        self, baa: Baa, from_status: AgreementStatus, to_status: AgreementStatus
    ) -> None:
        """The update matches only the expected status, so of two concurrent requests
        one wins and the other gets the 409."""
        moved = self._session.execute(
            update(Baa)
            .where(
                Baa.tenant_id == self._tenant_id,
                Baa.id == baa.id,
                Baa.status == from_status.value,
            )
            .values(status=to_status.value, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], moved).rowcount != 1:
            self._session.rollback()
            raise Conflict(f"only a {from_status.value} agreement can become {to_status.value}")

    def _committed(self, baa: Baa) -> BaaOut:
        self._session.commit()
        self._session.refresh(baa)
        return baa_out(baa, today_utc())

    def _find(self, baa_id: str, action: AuditAction) -> Baa:
        baa = self._session.execute(
            select(Baa).where(Baa.tenant_id == self._tenant_id, Baa.id == baa_id)
        ).scalar_one_or_none()
        if baa is None:
            self._not_found(action, baa_id)
        return baa

    def _not_found(self, action: AuditAction, baa_id: str) -> NoReturn:
        """Audit the attempt on an agreement this tenant does not have, then 404."""
        self._ctx.audit_refusal(action, baa_id, outcome=Outcome.NOT_FOUND)
        raise NotFound("no such agreement")


def baa_out(baa: Baa, today: date) -> BaaOut:
    return BaaOut(
        id=baa.id,
        kind=AgreementKind(baa.kind),
        counterparty=baa.counterparty,
        status=AgreementStatus(baa.status),
        in_force=is_in_force(baa, today),
        effective_on=baa.effective_on,
        ends_on=baa.ends_on,
        document_sha256=baa.document_sha256,
        signers=[Signer.model_validate(s) for s in json.loads(baa.signers)],
        reminder_days=baa.reminder_days,
        created_by=baa.created_by,
        created_at=baa.created_at,
        updated_at=baa.updated_at,
    )


def _listing_order(out: BaaOut) -> int:
    return KIND_ORDER.index(out.kind)


def _ends(data: BaaChange, baa: Baa) -> date | None:
    return data.ends_on if "ends_on" in data.model_fields_set else baa.ends_on


def _check_dates(effective_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on <= effective_on:
        raise InvalidInput("ends_on must be after effective_on")


def _signers_json(signers: list[Signer]) -> str:
    return json.dumps([signer.model_dump() for signer in signers])


def record_active_agreement(ctx: ServiceContext, data: BaaIn) -> str:
    """Record an agreement and activate it at once (``callvault init`` and ``tenant
    create`` with ``--baa-*``, the demo): two audited steps, as through the API."""
    service = BaaService(ctx)
    baa_id = service.create(data)
    service.activate(baa_id)
    return baa_id

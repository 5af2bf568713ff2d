"""A tenant's retention policy: how long each kind of data is kept.

A change that keeps data longer (or as long) applies at once. A change that would delete
anything sooner than the policy in force is a request: it needs a fresh step-up, and
applies only when a second person with ``retention:admin`` approves it. The host
operator's ``callvault retention set`` applies directly (it has the data directory, and
so every key, already); it is audited as the CLI actor.

Audit events are not a data type here: they are kept for at least six years, set for the
whole server (``CALLVAULT_AUDIT_RETENTION_DAYS``), and a policy that names them is
refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.db.base import utcnow
from callvault.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from callvault.identity.sessions import require_step_up
from callvault.lifecycle.datatypes import DEFAULT_PERIODS, MAX_DAYS, DataType, Periods
from callvault.lifecycle.models import RetentionChange, RetentionPolicy
from callvault.settings import MIN_AUDIT_RETENTION_DAYS

PENDING, APPROVED, WITHDRAWN = "pending", "approved", "withdrawn"
AUDIT_KEY = "audit"


@dataclass(frozen=True)
class Outcome:
    """What a change did: applied (``periods`` in force) or waits (``change_id``)."""

    periods: Periods
    change_id: str | None = None


@dataclass(frozen=True)
class PendingChange:
    id: str
    periods: Periods
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None


def parse_periods(raw: Mapping[str, object]) -> Periods:
    """``{"recording_original": 30, "call_metadata": None, ...}`` checked: known data
    types, whole days from 1 to ``MAX_DAYS``, or None (keep). InvalidInput otherwise."""
    periods: Periods = {}
    for name, value in raw.items():
        if name == AUDIT_KEY:
            raise InvalidInput(_audit_refusal(value))
        try:
            data_type = DataType(name)
        except ValueError:
            known = ", ".join(t.value for t in DataType)
            raise InvalidInput(f"unknown data type {name[:40]!r}; known: {known}") from None
        periods[data_type] = _days(data_type, value)
    return periods


def _days(data_type: DataType, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{data_type}: a whole number of days, or null to keep")
    if not 1 <= value <= MAX_DAYS:
        raise InvalidInput(f"{data_type}: between 1 and {MAX_DAYS} days, or null to keep")
    return value


def _audit_refusal(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value < MIN_AUDIT_RETENTION_DAYS:
        return (
            f"audit events are kept at least {MIN_AUDIT_RETENTION_DAYS} days (six years, "
            "HIPAA 164.316(b)(2)(i)): that period is below the legal minimum"
        )
    return "audit retention is the server's CALLVAULT_AUDIT_RETENTION_DAYS, not a tenant policy"


def shortens(current: Periods, proposed: Periods) -> list[DataType]:
    """The data types ``proposed`` would delete sooner than ``current``."""
    return [
        data_type
        for data_type, days in proposed.items()
        if days is not None and (current[data_type] is None or days < current[data_type])  # type: ignore[operator]
    ]


def current_periods(ctx: ServiceContext) -> Periods:
    return _periods(_policy_rows(ctx))


def _policy_rows(ctx: ServiceContext) -> dict[DataType, RetentionPolicy]:
    """The tenant's stored periods (types without a row keep the default)."""
    rows = ctx.session.scalars(
        select(RetentionPolicy).where(RetentionPolicy.tenant_id == ctx.tenant_id)
    )
    return {DataType(row.data_type): row for row in rows}


def _periods(rows: dict[DataType, RetentionPolicy]) -> Periods:
    return {**DEFAULT_PERIODS, **{data_type: row.days for data_type, row in rows.items()}}


class RetentionService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def get(self) -> Periods:
        periods = current_periods(self._ctx)
        self._ctx.audit(AuditAction.RETENTION_READ, self._ctx.tenant_id)
        self._ctx.session.commit()
        return periods

    def change(self, proposed: Periods) -> Outcome:
        """Apply ``proposed`` (types not named keep their period), or, if it shortens
        any, file it for a second person's approval."""
        rows = _policy_rows(self._ctx)
        current = _periods(rows)
        if not shortens(current, proposed):
            applied = self._apply(rows, proposed)
            self._ctx.audit(AuditAction.RETENTION_SET, self._ctx.tenant_id)
            self._ctx.session.commit()
            return Outcome(applied)
        require_step_up(self._ctx.principal, "deleting data sooner")
        change = RetentionChange(
            tenant_id=self._ctx.tenant_id,
            periods=_encode({**current, **proposed}),
            requested_by=self._ctx.principal.actor_id,
        )
        self._ctx.session.add(change)
        self._ctx.session.flush()
        self._ctx.audit(AuditAction.RETENTION_CHANGE_REQUEST, change.id)
        self._ctx.session.commit()
        return Outcome(current, change.id)

    def set_directly(self, proposed: Periods) -> Periods:
        """The host operator's change (``callvault retention set``): applied at once."""
        applied = self._apply(_policy_rows(self._ctx), proposed)
        self._ctx.audit(AuditAction.RETENTION_SET, self._ctx.tenant_id)
        self._ctx.session.commit()
        return applied

    def pending(self) -> list[PendingChange]:
        """The changes still waiting for approval, oldest first."""
        rows = self._ctx.session.scalars(
            select(RetentionChange)
            .where(
                RetentionChange.tenant_id == self._ctx.tenant_id,
                RetentionChange.status == PENDING,
            )
            .order_by(RetentionChange.requested_at, RetentionChange.id)
        )
        changes = [_pending(row) for row in rows]
        self._ctx.session.rollback()
        return changes

    def approve(self, change_id: str) -> Periods:
        """Apply a pending change: another person than who asked, freshly stepped up."""
        change = self._pending_change(change_id, AuditAction.RETENTION_CHANGE_APPROVE)
        principal = self._ctx.principal
        if principal.actor_id == change.requested_by:  # requests come from people only
            raise PermissionDenied("a second person must approve a retention change")
        require_step_up(self._ctx.principal, "deleting data sooner")
        applied = self._apply(_policy_rows(self._ctx), _decode(change.periods))
        change.status, change.decided_by, change.decided_at = APPROVED, principal.actor_id, utcnow()
        self._ctx.audit(AuditAction.RETENTION_CHANGE_APPROVE, change.id)
        self._ctx.audit(AuditAction.RETENTION_SET, self._ctx.tenant_id)
        self._ctx.session.commit()
        return applied

    def withdraw(self, change_id: str) -> None:
        change = self._pending_change(change_id, AuditAction.RETENTION_CHANGE_REQUEST)
        change.status = WITHDRAWN
        change.decided_by, change.decided_at = self._ctx.principal.actor_id, utcnow()
        self._ctx.audit(AuditAction.RETENTION_CHANGE_REQUEST, change.id, reason="withdrawn")
        self._ctx.session.commit()

    def _pending_change(self, change_id: str, action: AuditAction) -> RetentionChange:
        change = self._ctx.session.scalar(
            select(RetentionChange).where(
                RetentionChange.tenant_id == self._ctx.tenant_id, RetentionChange.id == change_id
            )
        )
        if change is None:
            raise NotFound("no such retention change")
        if change.status != PENDING:
            raise Conflict(f"the change is {change.status}, not pending")
        return change

    def _apply(self, rows: dict[DataType, RetentionPolicy], proposed: Periods) -> Periods:
        """Write ``proposed`` over the stored ``rows``; the periods now in force."""
        actor = self._ctx.principal.actor_id
        for data_type, days in proposed.items():
            row = rows.get(data_type)
            if row is None:
                row = RetentionPolicy(tenant_id=self._ctx.tenant_id, data_type=data_type.value)
                self._ctx.session.add(row)
                rows[data_type] = row
            row.days, row.updated_at, row.updated_by = days, utcnow(), actor
        return _periods(rows)


def _encode(periods: Periods) -> str:
    return json.dumps({t.value: d for t, d in periods.items()}, sort_keys=True)


def _decode(raw: str) -> Periods:
    return {DataType(name): days for name, days in json.loads(raw).items()}


def _pending(row: RetentionChange) -> PendingChange:
    return PendingChange(
        id=row.id,
        periods=_decode(row.periods),
        status=row.status,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )

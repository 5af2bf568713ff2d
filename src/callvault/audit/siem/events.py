"""Reading a tenant's audit events for export, in ``seq`` order and in batches.

Each batch is read in its own short transaction (on SQLite every transaction takes the
write lock, so a long read would stall the API): memory stays constant, and an export
bounded by the log size seen when it began always ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.audit.models import READABLE_COLUMNS, AuditEvent
from callvault.tenants.models import Tenant
from callvault.tenants.service import get_tenant

BATCH_SIZE = 500

# Records that the audit log was read for a tenant; raises if it cannot (fail closed).
RecordRead = Callable[[Session, str], None]


@dataclass(frozen=True)
class TenantRef:
    id: str
    name: str


@dataclass(frozen=True)
class ExportedEvent:
    """One audit event as it leaves CallVault: ids, outcomes and keyed hashes only."""

    tenant: TenantRef
    seq: int
    at_ms: int
    actor_type: str
    actor_id: str
    action: str
    resource_type: str
    resource_id: str | None
    outcome: str
    source_ip: str | None
    user_agent: str | None
    request_id: str | None
    reason: str | None
    hashed_terms: tuple[str, ...]
    leaf_hash: bytes


_COLUMNS = READABLE_COLUMNS


def list_tenants(session: Session, name: str | None = None) -> list[TenantRef]:
    """One tenant by name, or every tenant (by name)."""
    if name is not None:
        tenant = get_tenant(session, name)
        return [TenantRef(tenant.id, tenant.name)]
    rows = session.execute(select(Tenant.id, Tenant.name).order_by(Tenant.name))
    return [TenantRef(tenant_id, tenant_name) for tenant_id, tenant_name in rows]


def read_batches(
    session: Session,
    tenant: TenantRef,
    after_seq: int,
    *,
    upto: int | None = None,
    limit: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[ExportedEvent]]:
    """The tenant's events with ``after_seq < seq < upto``, at most ``limit``, in order.

    Each batch is read in its own transaction, ended before the batch is handed out."""
    left = limit
    while left is None or left > 0:
        size = batch_size if left is None else min(batch_size, left)
        stmt = select(*_COLUMNS).where(
            AuditEvent.tenant_id == tenant.id, AuditEvent.seq > after_seq
        )
        if upto is not None:
            stmt = stmt.where(AuditEvent.seq < upto)
        rows = session.execute(stmt.order_by(AuditEvent.seq).limit(size)).all()
        session.rollback()
        if not rows:
            return
        batch = [_event(tenant, row) for row in rows]
        yield batch
        after_seq = batch[-1].seq
        left = None if left is None else left - len(batch)


def _event(tenant: TenantRef, row: Sequence[Any]) -> ExportedEvent:
    seq, at_ms, actor_type, actor_id, action, rtype, rid, outcome, *rest = row
    source_ip, user_agent, request_id, reason, terms, leaf = rest
    return ExportedEvent(
        tenant=tenant,
        seq=int(seq),
        at_ms=int(at_ms),
        actor_type=str(actor_type),
        actor_id=str(actor_id),
        action=str(action),
        resource_type=str(rtype),
        resource_id=_text(rid),
        outcome=str(outcome),
        source_ip=_text(source_ip),
        user_agent=_text(user_agent),
        request_id=_text(request_id),
        reason=_text(reason),
        hashed_terms=tuple(str(terms).split()) if terms else (),
        leaf_hash=bytes(leaf),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)

"""The retention sweep: every tenant's expired data crypto-shredded, legal holds obeyed.

For each tenant and each data type with a period, what is older than ``as_of`` minus the
period (counted from the call's start) and not covered by an active legal hold is
destroyed in batches, each batch one transaction with its deletion certificates
(``callvault.lifecycle.shredding``). A call whose metadata expires goes whole first;
then PHI fields; then recordings and transcripts one kind at a time. Calls that only a
hold keeps are counted, so the summary says what is being kept and why.

Run by ``callvault retention sweep`` and, daily, by the jobs process. Safe to re-run at
any time, and after a ``kill -9``: each batch committed or not, and the next run first
deletes any blob a crash left behind its destroyed key, and any blob that no row names
(an upload that never got its row: ``lifecycle.orphans``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.principal import system_principal
from callvault.blobs.interface import BlobStore
from callvault.calls.models import Call, StoredObject
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.crypto.keyring import KeyCache, Keyring
from callvault.db.base import utcnow
from callvault.db.tenancy import all_tenants
from callvault.lifecycle.datatypes import OBJECT_KINDS, DataType, Periods
from callvault.lifecycle.holds import held_clause
from callvault.lifecycle.orphans import GRACE, delete_unreferenced_blobs
from callvault.lifecycle.retention import current_periods
from callvault.lifecycle.shredding import Shredder, delete_orphan_blobs
from callvault.tenants.models import Tenant

BATCH = 200
SWEEPER = "retention-sweep"
# The jobs process sweeps this often (``callvault serve`` runs it).
SWEEP_INTERVAL_SECONDS = 24 * 3600


@dataclass
class SweepReport:
    as_of: datetime
    dry_run: bool
    tenants: int = 0
    shredded: Counter[DataType] = field(default_factory=Counter)
    held: Counter[DataType] = field(default_factory=Counter)
    orphan_blobs: int = 0
    unreferenced_blobs: int = 0  # blobs no row names (``lifecycle.orphans``)

    def summary(self) -> str:
        verb = "would shred" if self.dry_run else "shredded"
        total, held = self.shredded.total(), self.held.total()
        detail = ", ".join(f"{t.value} {n}" for t, n in sorted(self.shredded.items()) if n)
        line = (
            f"retention sweep as of {self.as_of.isoformat(timespec='seconds')}: "
            f"{self.tenants} tenant(s), {verb} {total}"
            + (f" ({detail})" if detail else "")
            + f"; {held} kept by legal holds"
        )
        if self.orphan_blobs:
            line += f"; {self.orphan_blobs} blob(s) left by an interrupted sweep deleted"
        if self.unreferenced_blobs:
            line += f"; {self.unreferenced_blobs} blob(s) no row names deleted"
        return line


@dataclass(frozen=True)
class Sweeper:
    sessions: Callable[[], Session]
    root_key: RootKeyProvider
    blobs: BlobStore
    batch: int = BATCH
    orphan_grace: timedelta = GRACE  # how old a blob no row names must be to go

    def run(self, as_of: datetime | None = None, *, dry_run: bool = False) -> SweepReport:
        report = SweepReport(as_of=as_of or utcnow(), dry_run=dry_run)
        for tenant_id in self._tenant_ids():
            report.tenants += 1
            self._sweep_tenant(tenant_id, report)  # adds the tenant's counts
        return report

    def _tenant_ids(self) -> list[str]:
        with self.sessions() as session, all_tenants(session):
            return list(session.scalars(select(Tenant.id).order_by(Tenant.id)))

    def _sweep_tenant(self, tenant_id: str, report: SweepReport) -> None:
        with self.sessions() as session:
            ctx = ServiceContext(
                session=session,
                principal=system_principal(tenant_id, SWEEPER, []),
                request=RequestInfo(user_agent="callvault-retention"),
                keyring=Keyring(session, self.root_key, KeyCache()),
            )
            if not report.dry_run:
                report.orphan_blobs += delete_orphan_blobs(ctx, self.blobs)
                report.unreferenced_blobs += delete_unreferenced_blobs(
                    ctx, self.blobs, self.orphan_grace
                )
            periods = current_periods(ctx)
            session.rollback()
            mine = SweepReport(as_of=report.as_of, dry_run=report.dry_run, tenants=1)
            for data_type, cutoff in _cutoffs(periods, report.as_of):
                _TenantSweep(ctx, self.blobs, self.batch, data_type, cutoff, periods).run(mine)
            if not report.dry_run and mine.shredded.total():
                ctx.audit(AuditAction.RETENTION_SWEEP, tenant_id, reason=mine.summary()[:500])
                session.commit()
            report.shredded.update(mine.shredded)
            report.held.update(mine.held)


def _cutoffs(periods: Periods, as_of: datetime) -> list[tuple[DataType, datetime]]:
    """Data types with a period, whole calls first, then fields, then objects."""
    order = [DataType.CALL_METADATA, DataType.CALL_PHI, *OBJECT_KINDS]
    return [(t, as_of - timedelta(days=days)) for t in order if (days := periods[t]) is not None]


@dataclass(frozen=True)
class _TenantSweep:
    ctx: ServiceContext
    blobs: BlobStore
    batch: int
    data_type: DataType
    cutoff: datetime
    periods: Periods

    def run(self, report: SweepReport) -> None:
        session = self.ctx.session
        report.held[self.data_type] += self._count(held_clause())
        if report.dry_run:
            report.shredded[self.data_type] += self._count(~held_clause())
            session.rollback()
            return
        basis = f"retention {self.data_type.value}={self.periods[self.data_type]}d"
        after: tuple[datetime, str] | None = None
        while True:
            calls = self._page(after)
            if not calls:
                session.rollback()
                return
            after = (calls[-1].started_at, calls[-1].id)
            shredder = Shredder(self.ctx, self.blobs, AuditAction.RETENTION_SHRED, basis)
            self._shred(shredder, calls)
            # A whole call's certificates count its parts under their own types.
            report.shredded.update(c.data_type for c in shredder.commit())

    def _page(self, after: tuple[datetime, str] | None) -> list[Call]:
        """The next expired, unheld calls in (start, id) order. Walking on from the last
        page, never from the start: calls whose data is gone stay, and rescanning them
        every batch would make a sweep quadratic."""
        statement = self._calls(~held_clause())
        if after is not None:
            started, call_id = after
            # A row-value comparison: both databases walk the (tenant, start, id) index.
            statement = statement.where(tuple_(Call.started_at, Call.id) > (started, call_id))
        return list(self.ctx.session.scalars(statement.limit(self.batch)))

    def _shred(self, shredder: Shredder, calls: list[Call]) -> None:
        if self.data_type is DataType.CALL_METADATA:
            shredder.remove_calls(calls)
        elif self.data_type is DataType.CALL_PHI:
            shredder.shred_phi(calls)
        else:
            shredder.shred_objects(
                self.ctx.session.scalars(
                    select(StoredObject).where(
                        StoredObject.call_id.in_([call.id for call in calls]),
                        StoredObject.kind == OBJECT_KINDS[self.data_type],
                    )
                )
            )

    def _count(self, holds: ColumnElement[bool]) -> int:
        statement: Select[Call] | Select[StoredObject]
        if self.data_type in (DataType.CALL_METADATA, DataType.CALL_PHI):
            statement = self._calls(holds)
        else:
            statement = self._objects(holds)
        return self.ctx.session.scalar(select(func.count()).select_from(statement.subquery())) or 0

    def _calls(self, holds: ColumnElement[bool]) -> Select[Call]:
        statement = select(Call).where(
            Call.tenant_id == self.ctx.tenant_id, Call.started_at < self.cutoff, holds
        )
        if self.data_type is DataType.CALL_PHI:
            statement = statement.where(Call.phi_shredded_at.is_(None))
        return statement.order_by(Call.started_at, Call.id)

    def _objects(self, holds: ColumnElement[bool]) -> Select[StoredObject]:
        return (
            select(StoredObject)
            .join(Call, Call.id == StoredObject.call_id)
            .where(
                StoredObject.tenant_id == self.ctx.tenant_id,
                StoredObject.kind == OBJECT_KINDS[self.data_type],
                Call.started_at < self.cutoff,
                holds,
            )
            .order_by(Call.started_at, StoredObject.id)
        )


class DailySweep:
    """The jobs process's retention job: a sweep when the process starts, then one a
    day. (Each jobs process keeps its own clock: a second one only sweeps again.)"""

    __name__ = "retention_sweep"  # what a failure's log line names

    def __init__(self, sweeper: Sweeper, interval: float = SWEEP_INTERVAL_SECONDS) -> None:
        self._sweeper = sweeper
        self._interval = interval
        self._due = 0.0

    def __call__(self, _: Session) -> None:
        now = time.monotonic()
        if now < self._due:
            return
        self._due = now + self._interval
        self._sweeper.run()

"""The status report: every check run for the context's tenant, the read audited."""

from __future__ import annotations

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.db.base import utcnow
from callvault.safeguards.checks import Facts, Status, run_checks
from callvault.safeguards.schemas import CheckOut, StatusReport
from callvault.settings import Settings


def overall(statuses: list[Status]) -> Status:
    """The worst of the checks' statuses."""
    for worst in (Status.FAIL, Status.WARN):
        if worst in statuses:
            return worst
    return Status.PASS


def status_report(ctx: ServiceContext, settings: Settings) -> StatusReport:
    report = checks_now(ctx, settings)
    ctx.audit_read(AuditAction.COMPLIANCE_STATUS_READ, None)
    return report


def checks_now(ctx: ServiceContext, settings: Settings) -> StatusReport:
    """Every check run now, not audited: the caller records what it makes of them."""
    now = utcnow()
    results = run_checks(Facts(ctx.session, settings, ctx.tenant_id, now))
    return StatusReport(
        status=overall([r.status for r in results]),
        checked_at=now,
        checks=[CheckOut(**vars(r)) for r in results],
    )

"""The attribution report of the principal's tenant (``report:read``), audited as a
report read (the event names no group and no figure)."""

from __future__ import annotations

from datetime import datetime

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.errors import InvalidInput
from callvault.tracking.report import GroupBy, Window, count_groups
from callvault.tracking.report_table import AttributionReport, build_report


class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def attribution(
        self, group_by: GroupBy, since: datetime | None, until: datetime | None
    ) -> AttributionReport:
        """Calls that started from ``since`` (included) to ``until`` (excluded)."""
        if since is not None and until is not None and since > until:
            raise InvalidInput("since must not be after until")
        groups = count_groups(
            self._ctx.session, self._ctx.tenant_id, group_by, Window(since, until)
        )
        report = build_report(group_by, since, until, groups)
        self._ctx.audit_read(AuditAction.REPORT_READ, None)
        return report

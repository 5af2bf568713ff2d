"""/reports (``report:read``): the attribution report as a table with a bar chart
(server-rendered SVG: no script, nothing the page's CSP refuses), its filters, and the
CSV download, through ``ReportService`` (as ``/api/v1/reports/attribution`` does).

Dates are whole days in UTC; both ends are included, as a person reads a date range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import Depends, Request, Response

from callvault.authz.permissions import Permission
from callvault.dashboard.access import page, page_router
from callvault.dashboard.rendering import PAGE_HEADERS, render
from callvault.errors import InvalidInput
from callvault.tracking.report import GroupBy
from callvault.tracking.report_csv import report_csv
from callvault.tracking.report_service import ReportService
from callvault.tracking.report_table import AttributionReport
from callvault.web.context import RequestContext
from callvault.web.params import free_text_query

router = page_router()

ReportPage = Annotated[RequestContext, Depends(page(Permission.REPORT_READ))]
DateQuery = Annotated[str | None, free_text_query(10)]
GroupQuery = Annotated[str | None, free_text_query(16)]
CHART_WIDTH = 400  # the longest bar, in SVG user units
BAR_HEIGHT = 22


@dataclass(frozen=True)
class Bar:
    label: str
    shown: int | str
    y: int
    width: int


@dataclass(frozen=True)
class Filters:
    group_by: GroupBy
    since: date | None
    until: date | None

    def window(self) -> tuple[datetime | None, datetime | None]:
        """``until`` is a whole day, included: the window ends at the next midnight."""
        since = datetime.combine(self.since, time(), UTC) if self.since else None
        until = None
        if self.until is not None:
            until = datetime.combine(self.until + timedelta(days=1), time(), UTC)
        return since, until

    def query(self) -> str:
        parts = [f"group_by={self.group_by.value}"]
        parts += [f"{name}={value}" for name, value in self._dates() if value]
        return "&".join(parts)

    def _dates(self) -> list[tuple[str, date | None]]:
        return [("since", self.since), ("until", self.until)]


def filters_of(group_by: str | None, since: str | None, until: str | None) -> Filters:
    try:
        chosen = GroupBy(group_by or GroupBy.CAMPAIGN.value)
    except ValueError:
        raise InvalidInput("group_by must be campaign, source, medium or day") from None
    return Filters(chosen, _day(since, "since"), _day(until, "until"))


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a date (YYYY-MM-DD)") from None


def _report(ctx: RequestContext, filters: Filters) -> AttributionReport:
    return ReportService(ctx).attribution(filters.group_by, *filters.window())


def bars(report: AttributionReport) -> list[Bar]:
    """One bar per group, scaled to the largest shown count; a suppressed group gets
    no bar (its length would give the count away), only its label."""
    numbers = [row.calls for row in report.rows if isinstance(row.calls, int)]
    largest = max(numbers, default=0) or 1
    return [
        Bar(
            label=row.group,
            shown=row.calls,
            y=index * BAR_HEIGHT,
            width=round(CHART_WIDTH * row.calls / largest) if isinstance(row.calls, int) else 0,
        )
        for index, row in enumerate(report.rows)
    ]


@router.get("/reports")
def reports_page(
    request: Request,
    ctx: ReportPage,
    group_by: GroupQuery = None,
    since: DateQuery = None,
    until: DateQuery = None,
) -> Response:
    filters = filters_of(group_by, since, until)
    report = _report(ctx, filters)
    return render(
        request,
        "reports.html",
        principal=ctx.principal,
        report=report,
        bars=bars(report),
        chart_width=CHART_WIDTH,
        bar_height=BAR_HEIGHT,
        filters=filters,
        group_options=list(GroupBy),
    )


@router.get("/reports/attribution.csv")
def report_download(
    ctx: ReportPage,
    group_by: GroupQuery = None,
    since: DateQuery = None,
    until: DateQuery = None,
) -> Response:
    filters = filters_of(group_by, since, until)
    name = f"attribution-{filters.group_by.value}.csv"
    return Response(
        report_csv(_report(ctx, filters)),
        media_type="text/csv",
        headers={**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )

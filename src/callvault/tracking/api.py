"""``/api/v1/campaigns`` and ``/api/v1/tracking-numbers`` (``tracking:admin``), and
``/api/v1/reports/attribution`` (``report:read``). Thin routes: the logic and its audit
live in ``service.py`` and ``report_service.py``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import AwareDatetime

from callvault.authz.permissions import Permission
from callvault.tracking.report import GroupBy
from callvault.tracking.report_csv import report_csv
from callvault.tracking.report_service import ReportService
from callvault.tracking.report_table import AttributionReport
from callvault.tracking.schemas import (
    CampaignIn,
    CampaignList,
    CampaignOut,
    CampaignPatch,
    Created,
    TrackingNumberIn,
    TrackingNumberList,
)
from callvault.tracking.service import TrackingService
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT, INVALID_INPUT, NOT_FOUND
from callvault.web.params import ObjectId
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

campaigns_router = APIRouter(prefix="/api/v1/campaigns", tags=["tracking"], route_class=PooledRoute)
numbers_router = APIRouter(
    prefix="/api/v1/tracking-numbers", tags=["tracking"], route_class=PooledRoute
)
reports_router = APIRouter(prefix="/api/v1/reports", tags=["reports"], route_class=PooledRoute)

TrackingAdmin = Annotated[RequestContext, Depends(require(Permission.TRACKING_ADMIN))]
ReportReader = Annotated[RequestContext, Depends(require(Permission.REPORT_READ))]


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@campaigns_router.get("", response_model=CampaignList)
def list_campaigns(ctx: TrackingAdmin) -> Response:
    """Every campaign of the tenant, archived ones too, by name."""
    return model_response(TrackingService(ctx).list_campaigns())


@campaigns_router.post("", status_code=201, response_model=Created, responses=CONFLICT)
def create_campaign(
    ctx: TrackingAdmin, body: Annotated[CampaignIn, Depends(json_body(CampaignIn))]
) -> Response:
    """409: the tenant has a campaign of that name."""
    return model_response(Created(id=TrackingService(ctx).create_campaign(body)), status_code=201)


@campaigns_router.get("/{campaign_id}", response_model=CampaignOut, responses=NOT_FOUND)
def get_campaign(campaign_id: ObjectId, ctx: TrackingAdmin) -> Response:
    return model_response(TrackingService(ctx).get_campaign(campaign_id))


@campaigns_router.patch(
    "/{campaign_id}", response_model=CampaignOut, responses={**NOT_FOUND, **CONFLICT}
)
def update_campaign(
    campaign_id: ObjectId,
    ctx: TrackingAdmin,
    body: Annotated[CampaignPatch, Depends(json_body(CampaignPatch))],
) -> Response:
    """Rename, re-source or archive (``"archived": true``) a campaign. 409: the new
    name is taken."""
    return model_response(TrackingService(ctx).update_campaign(campaign_id, body))


@numbers_router.get("", response_model=TrackingNumberList)
def list_numbers(ctx: TrackingAdmin) -> Response:
    return model_response(TrackingService(ctx).list_numbers())


@numbers_router.post(
    "", status_code=201, response_model=Created, responses={**CONFLICT, **INVALID_INPUT}
)
def create_number(
    ctx: TrackingAdmin, body: Annotated[TrackingNumberIn, Depends(json_body(TrackingNumberIn))]
) -> Response:
    """A tracking number of an active campaign (by ``campaign_id`` or ``campaign``
    name). 422: not an E.164 number, or no such campaign; 409: already tracked."""
    created = Created(id=TrackingService(ctx).create_number(body))
    return model_response(created, status_code=201)


@numbers_router.delete("/{number_id}", status_code=204, responses=NOT_FOUND)
def delete_number(number_id: ObjectId, ctx: TrackingAdmin) -> Response:
    """Calls it already linked keep their campaign."""
    TrackingService(ctx).delete_number(number_id)
    return Response(status_code=204)


CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}


@reports_router.get(
    "/attribution",
    response_model=AttributionReport,
    responses={**CSV_RESPONSE, **INVALID_INPUT},
)
def attribution_report(
    ctx: ReportReader,
    group_by: GroupBy = GroupBy.CAMPAIGN,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    format: ReportFormat = ReportFormat.JSON,  # the query parameter's name
) -> Response:
    """Calls per campaign, source, medium or day (UTC) that started from ``since``
    (included) to ``until`` (excluded), without PHI; counts of 1 to 10 read ``"<11"``
    and complementary cells ``"suppressed"`` (``docs/tracking.md``)."""
    report = ReportService(ctx).attribution(group_by, since, until)
    if format is ReportFormat.CSV:
        name = f"attribution-{group_by.value}.csv"
        return Response(
            report_csv(report),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return model_response(report)

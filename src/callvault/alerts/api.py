"""Alerts API: the alert list (``audit:read``, itself audited) and the tenant's alert
settings (``alert:admin``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime

from callvault.alerts.rules import Rule
from callvault.alerts.schemas import AlertPage, SettingsIn, SettingsOut
from callvault.alerts.service import AlertService
from callvault.authz.permissions import Permission
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.params import free_text_query
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"], route_class=PooledRoute)

AuditReader = Annotated[RequestContext, Depends(require(Permission.AUDIT_READ))]
AlertAdmin = Annotated[RequestContext, Depends(require(Permission.ALERT_ADMIN))]


def _service(ctx: RequestContext) -> AlertService:
    return AlertService(ctx)


@router.get("", response_model=AlertPage)
def list_alerts(
    ctx: AuditReader,
    rule: Rule | None = None,
    since: AwareDatetime | None = None,
    limit: Annotated[int, Query(ge=1)] = 50,
    cursor: Annotated[str | None, free_text_query(200)] = None,
) -> AlertPage:
    return _service(ctx).list_alerts(rule, since, limit, cursor)


@router.get("/settings", response_model=SettingsOut)
def get_alert_settings(ctx: AlertAdmin) -> SettingsOut:
    return _service(ctx).get_settings()


@router.put("/settings", response_model=SettingsOut)
def put_alert_settings(
    response: Response,
    ctx: AlertAdmin,
    body: Annotated[SettingsIn, Depends(json_body(SettingsIn))],
) -> SettingsOut:
    response.headers["Cache-Control"] = "no-store"  # a new webhook secret is shown once
    return _service(ctx).put_settings(body)

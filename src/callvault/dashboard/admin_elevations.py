"""Break-glass elevations through ``ElevationService``, as ``/api/v1/elevations`` does:

- ``/admin/elevations`` (``elevation:approve``): the tenant's requests, newest first,
  with approve and deny on the pending ones (never one's own: the service refuses it);
- ``/account/break-glass`` (``elevation:request``): ask for one permission for a few
  minutes with a reason, then see the request's status on its own page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import (
    Fields,
    back,
    checked_model,
    error_fields,
    page_of,
    text,
    whole_number,
)
from callvault.errors import Conflict, InvalidInput
from callvault.identity.elevation.api import GRANTABLE, ElevationId, ElevationIn
from callvault.identity.elevation.service import (
    ElevationRequest,
    ElevationService,
    effective_status,
)
from callvault.web.context import RequestContext

router = page_router()

ApproverPage = Annotated[RequestContext, Depends(page(Permission.ELEVATION_APPROVE))]
ApproverForm = Annotated[RequestContext, Depends(form(Permission.ELEVATION_APPROVE))]
RequesterPage = Annotated[RequestContext, Depends(page(Permission.ELEVATION_REQUEST))]
RequesterForm = Annotated[RequestContext, Depends(form(Permission.ELEVATION_REQUEST))]


def _queue_page(
    request: Request, ctx: RequestContext, *, status: int = 200, error: str | None = None
) -> Response:
    queue = [(row, effective_status(row)) for row in ElevationService(ctx).queue(None)]
    return page_of(
        request, "admin_elevations.html", ctx.principal, status=status, queue=queue, error=error
    )


@router.get("/admin/elevations")
def elevations_page(request: Request, ctx: ApproverPage) -> Response:
    return _queue_page(request, ctx)


def _decide(request: Request, ctx: RequestContext, elevation_id: str, approve: bool) -> Response:
    try:
        ElevationService(ctx).decide(elevation_id, approve=approve)
    except Conflict as exc:  # decided already, or too old to approve
        ctx.session.rollback()
        return _queue_page(request, ctx, status=409, error=exc.detail)
    return back("/admin/elevations", "elevation-approved" if approve else "elevation-denied")


@router.post("/admin/elevations/{elevation_id}/approve")
def approve_elevation(request: Request, ctx: ApproverForm, elevation_id: ElevationId) -> Response:
    return _decide(request, ctx, elevation_id, approve=True)


@router.post("/admin/elevations/{elevation_id}/deny")
def deny_elevation(request: Request, ctx: ApproverForm, elevation_id: ElevationId) -> Response:
    return _decide(request, ctx, elevation_id, approve=False)


def _request_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    grantable = [p for p in GRANTABLE if not ctx.principal.may(Permission(p))]
    return page_of(
        request,
        "account_break_glass.html",
        ctx.principal,
        status=status,
        errors=errors,
        grantable=grantable,
        values=values or {"minutes": 30},
    )


@router.get("/account/break-glass")
def break_glass_page(request: Request, ctx: RequesterPage) -> Response:
    return _request_page(request, ctx)


@router.post("/account/break-glass")
def request_elevation(request: Request, ctx: RequesterForm, fields: Fields) -> Response:
    data: dict[str, Any] = {
        "permission": text(fields, "permission"),
        "minutes": whole_number(text(fields, "minutes")),
        "reason": text(fields, "reason").strip(),
    }
    body, errors = checked_model(ElevationIn, data)
    if body is None:
        return _request_page(request, ctx, status=422, errors=errors, values=data)
    try:
        row = ElevationService(ctx).ask(
            ElevationRequest(body.permission, body.minutes, body.reason)
        )
    except (InvalidInput, Conflict) as exc:  # not grantable, held already, a PHI-like reason
        ctx.session.rollback()
        default = "reason" if "reason" in exc.detail else "permission"
        status = 409 if isinstance(exc, Conflict) else 422
        errors = error_fields(exc, default)
        return _request_page(request, ctx, status=status, errors=errors, values=data)
    return back(f"/account/break-glass/{row.id}", "elevation-requested")


@router.get("/account/break-glass/{elevation_id}")
def elevation_page(request: Request, ctx: RequesterPage, elevation_id: ElevationId) -> Response:
    row = ElevationService(ctx).get(elevation_id)
    return page_of(
        request, "account_elevation.html", ctx.principal, row=row, state=effective_status(row)
    )

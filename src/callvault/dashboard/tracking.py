"""/tracking (``tracking:admin``): the tenant's campaigns and tracking numbers, and a
form to add each, through ``TrackingService`` (as the API does). The forms are checked
by the API's own body models, so what is added here obeys the same rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, checked_model, text
from callvault.dashboard.rendering import render
from callvault.errors import Conflict, InvalidInput
from callvault.tracking.schemas import CampaignIn, TrackingNumberIn
from callvault.tracking.service import TrackingService
from callvault.web.context import RequestContext

router = page_router()

TrackingPage = Annotated[RequestContext, Depends(page(Permission.TRACKING_ADMIN))]
TrackingForm = Annotated[RequestContext, Depends(form(Permission.TRACKING_ADMIN))]
FIELD_LIMIT = 200  # longer than any field the API takes: its model names the rule
NOTICES = {
    "campaign": "The campaign was added.",
    "number": "The tracking number was added: calls to it are linked from now on.",
}


def _tracking_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    service = TrackingService(ctx)
    campaigns = service.list_campaigns().items
    numbers = service.list_numbers().items
    return render(
        request,
        "tracking.html",
        principal=ctx.principal,
        status=status,
        campaigns=campaigns,
        numbers=numbers,
        values=values or {},
        errors=errors or {},
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


@router.get("/tracking")
def tracking_page(request: Request, ctx: TrackingPage) -> Response:
    return _tracking_page(request, ctx)


@router.post("/tracking/campaigns")
def add_campaign(request: Request, ctx: TrackingForm, fields: Fields) -> Response:
    values = _values(fields, ("name", "source", "medium"))
    body, errors = checked_model(CampaignIn, _given(values))
    if body is None:
        return _tracking_page(request, ctx, status=422, values=values, errors=errors)
    try:
        TrackingService(ctx).create_campaign(body)
    except Conflict as exc:
        ctx.session.rollback()
        errors = {"name": exc.detail}
        return _tracking_page(request, ctx, status=409, values=values, errors=errors)
    return RedirectResponse("/tracking?notice=campaign", status_code=303)


@router.post("/tracking/numbers")
def add_number(request: Request, ctx: TrackingForm, fields: Fields) -> Response:
    names = ("number", "campaign_id", "number_source", "number_medium", "pool")
    values = _values(fields, names)
    data = {
        "number": values["number"],
        "campaign_id": values["campaign_id"],
        "source": values["number_source"],
        "medium": values["number_medium"],
        "pool": values["pool"],
    }
    body, errors = checked_model(TrackingNumberIn, _given(data))
    if body is None:
        errors = {_form_name(name): message for name, message in errors.items()}
        return _tracking_page(request, ctx, status=422, values=values, errors=errors)
    try:
        TrackingService(ctx).create_number(body)
    except (InvalidInput, Conflict) as exc:  # not a number, no such campaign, or taken
        ctx.session.rollback()
        named = "campaign_id" if "campaign" in (exc.detail or "") else "number"
        errors = {named: exc.detail or "refused"}
        return _tracking_page(request, ctx, status=exc.status, values=values, errors=errors)
    return RedirectResponse("/tracking?notice=number", status_code=303)


def _values(fields: Any, names: tuple[str, ...]) -> dict[str, str]:
    return {name: text(fields, name).strip()[:FIELD_LIMIT] for name in names}


def _given(values: dict[str, str]) -> dict[str, str]:
    """Empty fields are left out: the model's optional fields stay unset."""
    return {name: value for name, value in values.items() if value}


def _form_name(field: str) -> str:
    """The form's name of a model field (the number's source and medium are prefixed,
    as the campaign form has fields of the same name); "form" names the campaign choice."""
    renamed = {"source": "number_source", "medium": "number_medium", "form": "campaign_id"}
    return renamed.get(field, field)

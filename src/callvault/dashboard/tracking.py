"""/tracking (``tracking:admin``): the tenant's campaigns and tracking numbers, and a
form to add each, through ``TrackingService`` (as the API does); and dynamic number
insertion: the allowed origins and session TTL (``DniSettingsService``), the snippet a
website pastes, and the pools' sizes. The forms are checked by the API's own body
models, so what is added here obeys the same rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, checked_model, lines, text
from callvault.dashboard.rendering import render
from callvault.errors import Conflict, InvalidInput
from callvault.tenants.models import Tenant
from callvault.tracking.dni import DniSettingsService
from callvault.tracking.dni_schemas import DniSettingsIn
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
    "dni": "The website settings were saved.",
}


def _tracking_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    # Read before the listings: each audited read ends the transaction, and none may
    # be left open after them (on SQLite a form's write session would hold the lock).
    tenant_name = ctx.session.get_one(Tenant, ctx.tenant_id).name
    service = TrackingService(ctx)
    campaigns = service.list_campaigns().items
    numbers = service.list_numbers().items
    dni = DniSettingsService(ctx).get()
    return render(
        request,
        "tracking.html",
        principal=ctx.principal,
        status=status,
        campaigns=campaigns,
        numbers=numbers,
        dni=dni,
        vault_url=str(request.base_url).rstrip("/"),
        tenant_name=tenant_name,
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


@router.post("/tracking/dni")
def save_dni_settings(request: Request, ctx: TrackingForm, fields: Fields) -> Response:
    origins = lines(fields, "allowed_origins")
    ttl = text(fields, "session_ttl_minutes").strip()[:FIELD_LIMIT]
    data: dict[str, Any] = {"allowed_origins": origins}
    if ttl:  # empty: the default
        data["session_ttl_minutes"] = int(ttl) if ttl.isdigit() else ttl
    values = {"allowed_origins": "\n".join(origins), "session_ttl_minutes": ttl}
    body, errors = checked_model(DniSettingsIn, data)
    if body is None:
        return _tracking_page(request, ctx, status=422, values=values, errors=errors)
    DniSettingsService(ctx).update(body)
    return RedirectResponse("/tracking?notice=dni", status_code=303)


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

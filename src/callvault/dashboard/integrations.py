"""/integrations (``integration:admin``): the tenant's Twilio settings in one form, and
the webhook addresses to paste into Twilio's console, through ``TwilioSettingsService``
(as ``/api/v1/integrations/twilio`` does).

The auth token is a password field that is never filled in: left empty, the stored token
is kept; the page only says whether one is stored. The form is checked by the API's own
body model, so what is saved here obeys the same rules; bad input shows the form again
(422) with the message on the field, and nothing is changed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, checked_model, text
from callvault.dashboard.rendering import render
from callvault.errors import CallVaultError, NotFound
from callvault.integrations.models import DEFAULT_API_BASE
from callvault.integrations.schemas import TwilioSettingsIn, TwilioSettingsOut
from callvault.integrations.settings_service import TwilioSettingsService
from callvault.tenants.models import Tenant
from callvault.web.context import RequestContext

router = page_router()

IntegrationsPage = Annotated[RequestContext, Depends(page(Permission.INTEGRATION_ADMIN))]
IntegrationsForm = Annotated[RequestContext, Depends(form(Permission.INTEGRATION_ADMIN))]
FIELDS = ("account_sid", "auth_token", "api_base", "disclosure", "forward_to")
FIELD_LIMIT = 1_100  # past the longest field the model takes: its rule is what is shown
# What Twilio calls each address in its console, and the path CallVault answers on.
WEBHOOKS = (
    ("A call comes in (Voice configuration, Webhook)", "voice"),
    ("Call status changes (status callback)", "voice-status"),
    ("Recording status callback", "recording-status"),
)


def _current(ctx: RequestContext) -> TwilioSettingsOut | None:
    try:
        return TwilioSettingsService(ctx).get()
    except NotFound:
        return None


def _shown(settings: TwilioSettingsOut | None) -> dict[str, str]:
    if settings is None:
        return {"api_base": DEFAULT_API_BASE}
    return {
        "account_sid": settings.account_sid,
        "api_base": settings.api_base,
        "disclosure": settings.disclosure or "",
        "forward_to": settings.forward_to or "",
    }


def _webhooks(request: Request, ctx: RequestContext) -> list[tuple[str, str]]:
    """The addresses as this page was reached: behind the documented proxy, the public one."""
    tenant = ctx.session.get(Tenant, ctx.tenant_id)
    assert tenant is not None  # the signed-in person's own tenant
    base = str(request.base_url).rstrip("/")
    return [(label, f"{base}/webhooks/twilio/{tenant.name}/{path}") for label, path in WEBHOOKS]


def _integrations_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    settings = _current(ctx)
    return render(
        request,
        "integrations.html",
        principal=ctx.principal,
        status=status,
        configured=settings is not None,
        token_set=settings is not None and settings.auth_token_set,
        values=values or _shown(settings),
        errors=errors or {},
        webhooks=_webhooks(request, ctx),
        notice="The Twilio settings were saved." if request.query_params.get("notice") else None,
    )


@router.get("/integrations")
def integrations_page(request: Request, ctx: IntegrationsPage) -> Response:
    return _integrations_page(request, ctx)


@router.post("/integrations/twilio")
def save_twilio(request: Request, ctx: IntegrationsForm, fields: Fields) -> Response:
    values = {name: text(fields, name).strip()[:FIELD_LIMIT] for name in FIELDS}
    shown = {name: value for name, value in values.items() if name != "auth_token"}
    body, errors = checked_model(TwilioSettingsIn, _given(values))
    if body is None:
        return _integrations_page(request, ctx, status=422, values=shown, errors=errors)
    try:
        TwilioSettingsService(ctx).put(body)
    except CallVaultError as exc:  # the first save without a token, say
        ctx.session.rollback()
        errors = {_field_of(exc): exc.detail or "refused"}
        return _integrations_page(request, ctx, status=exc.status, values=shown, errors=errors)
    return RedirectResponse("/integrations?notice=saved", status_code=303)


def _given(values: dict[str, str]) -> dict[str, Any]:
    """Empty fields are left out: the model's defaults apply, and the token is kept."""
    return {name: value for name, value in values.items() if value}


def _field_of(exc: CallVaultError) -> str:
    detail = exc.detail or ""
    return next((name for name in FIELDS if name in detail), "form")

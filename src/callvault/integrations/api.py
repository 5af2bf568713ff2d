"""``/api/v1/integrations/twilio`` (``integration:admin``): a tenant's Twilio settings.
Thin routes; the logic and its audit live in ``settings_service.py``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from callvault.authz.permissions import Permission
from callvault.integrations.schemas import TwilioSettingsIn, TwilioSettingsOut
from callvault.integrations.settings_service import TwilioSettingsService
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import NOT_FOUND
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

router = APIRouter(prefix="/api/v1/integrations", tags=["integrations"], route_class=PooledRoute)


@router.get("/twilio", response_model=TwilioSettingsOut, responses=NOT_FOUND)
def get_twilio(
    ctx: Annotated[RequestContext, Depends(require(Permission.INTEGRATION_ADMIN))],
) -> Response:
    """The settings, with ``auth_token_set`` instead of the token. 404: none yet."""
    settings = TwilioSettingsService(ctx).get()
    return model_response(settings, headers={"Cache-Control": "no-store"})


@router.put("/twilio", response_model=TwilioSettingsOut)
def put_twilio(
    ctx: Annotated[RequestContext, Depends(require(Permission.INTEGRATION_ADMIN))],
    body: Annotated[TwilioSettingsIn, Depends(json_body(TwilioSettingsIn))],
) -> Response:
    """Replace the settings (the token is stored encrypted and never shown again).
    403 ``no-active-baa`` without an active telephony BAA."""
    settings = TwilioSettingsService(ctx).put(body)
    return model_response(settings, headers={"Cache-Control": "no-store"})

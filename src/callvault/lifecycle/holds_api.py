"""``/api/v1/holds`` (``hold:admin``): legal holds placed, listed, released and exported
for counsel. Thin routes; the logic and its audit live in ``service.py``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from callvault.authz.permissions import Permission
from callvault.lifecycle.holds_schemas import (
    HoldCreated,
    HoldExport,
    HoldIn,
    HoldList,
    HoldOut,
    HoldStatus,
)
from callvault.lifecycle.holds_service import HoldService
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT, NOT_FOUND
from callvault.web.params import ObjectId
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

router = APIRouter(prefix="/api/v1/holds", tags=["holds"], route_class=PooledRoute)

HoldAdmin = Annotated[RequestContext, Depends(require(Permission.HOLD_ADMIN))]


def _service(ctx: RequestContext) -> HoldService:
    return HoldService(ctx)


@router.post("", status_code=201, response_model=HoldCreated, responses=NOT_FOUND)
def place_hold(ctx: HoldAdmin, body: Annotated[HoldIn, Depends(json_body(HoldIn))]) -> Response:
    """Hold exactly one of a call, a caller's calls (later ones too), the calls of a
    date range (both ends included) or of a campaign, until released. 404: the tenant
    has no call ``call_id``."""
    return model_response(HoldCreated(id=_service(ctx).place(body)), status_code=201)


@router.get("", response_model=HoldList)
def list_holds(ctx: HoldAdmin, status: HoldStatus = HoldStatus.ACTIVE) -> Response:
    return model_response(_service(ctx).list_holds(status))


# Declared before ``/{hold_id}``, which would otherwise take "export" for an id.
@router.get("/export", response_model=HoldExport)
def export_holds(ctx: HoldAdmin) -> Response:
    """Every hold, active and released, with the calls each active one covers now."""
    return model_response(_service(ctx).export(), headers={"Cache-Control": "no-store"})


@router.get("/{hold_id}", response_model=HoldOut)
def get_hold(hold_id: ObjectId, ctx: HoldAdmin) -> Response:
    return model_response(_service(ctx).get(hold_id))


@router.post("/{hold_id}/release", response_model=HoldOut, responses=CONFLICT)
def release_hold(hold_id: ObjectId, ctx: HoldAdmin) -> Response:
    """Release an active hold: what retention says is overdue goes at the next sweep."""
    return model_response(_service(ctx).release(hold_id))

"""``/api/v1/conversions/destinations`` (``tracking:admin``): where attributed calls are
reported as conversions, behind the gate of ``conversion_gate``. Thin routes: the
logic and its audit live in ``conversion_service.py``.

A click-level destination needs the tenant's active ``ad_platform`` BAA: preview, send
and export answer 403 ``urn:callvault:problem:no-active-baa`` without one (a
deidentified destination needs none)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from callvault.authz.permissions import Permission
from callvault.tracking.api import CSV_RESPONSE
from callvault.tracking.conversion_schemas import (
    DestinationIn,
    DestinationList,
    Preview,
    SendResult,
)
from callvault.tracking.conversion_service import ConversionService
from callvault.tracking.schemas import Created
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT, FORBIDDEN, INVALID_INPUT, NOT_FOUND
from callvault.web.params import ObjectId
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

router = APIRouter(
    prefix="/api/v1/conversions/destinations", tags=["conversions"], route_class=PooledRoute
)
TrackingAdmin = Annotated[RequestContext, Depends(require(Permission.TRACKING_ADMIN))]
GATED = {**FORBIDDEN, **NOT_FOUND}


def service(ctx: RequestContext) -> ConversionService:
    return ConversionService(ctx, ctx.settings.conversions_ca_bundle)


@router.get("", response_model=DestinationList)
def list_destinations(ctx: TrackingAdmin) -> Response:
    """The tenant's destinations (a secret only as ``secret_set``)."""
    return model_response(service(ctx).list())


@router.post("", status_code=201, response_model=Created, responses={**CONFLICT, **INVALID_INPUT})
def create_destination(
    ctx: TrackingAdmin, body: Annotated[DestinationIn, Depends(json_body(DestinationIn))]
) -> Response:
    """422: a field that does not fit the kind, or a URL that is not https or points
    at a private or loopback address; 409: the tenant has a destination of that name."""
    created = Created(id=service(ctx).create(body))
    return model_response(created, status_code=201)


@router.delete("/{destination_id}", status_code=204, responses=NOT_FOUND)
def delete_destination(destination_id: ObjectId, ctx: TrackingAdmin) -> Response:
    service(ctx).delete(destination_id)
    return Response(status_code=204)


@router.post("/{destination_id}/preview", response_model=Preview, responses=GATED)
def preview(destination_id: ObjectId, ctx: TrackingAdmin) -> Response:
    """A dry run: the exact payloads a send would send now, with their SHA-256.
    Nothing is sent."""
    return model_response(service(ctx).preview(destination_id))


@router.post(
    "/{destination_id}/send", response_model=SendResult, responses={**GATED, **INVALID_INPUT}
)
def send(destination_id: ObjectId, ctx: TrackingAdmin) -> Response:
    """Send each pending conversion once (GA4, webhook; 422 for google_ads, which is
    downloaded). Payloads the destination did not take are listed by hash and reason
    and sent again next time."""
    return model_response(service(ctx).send(destination_id))


@router.post("/{destination_id}/export.csv", responses={**CSV_RESPONSE, **GATED, **INVALID_INPUT})
def export_csv(destination_id: ObjectId, ctx: TrackingAdmin) -> Response:
    """A google_ads destination's offline click conversions upload file, of the
    conversions not downloaded before. A POST, not a GET: the download records its
    conversions as given, so the next one has only new ones."""
    return Response(
        service(ctx).export_csv(destination_id),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="google-ads-conversions.csv"'},
    )

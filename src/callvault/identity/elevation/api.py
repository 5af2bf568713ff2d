"""Break-glass elevations: ask (``elevation:request``), decide and list the queue
(``elevation:approve``). The logic and its audit live in ``service.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from callvault.authz.permissions import Permission
from callvault.identity.elevation.service import (
    NOT_GRANTABLE,
    ElevationRequest,
    ElevationService,
    Status,
    effective_status,
)
from callvault.identity.models import Elevation
from callvault.inputs import PRINTABLE, InputModel
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1/elevations", tags=["elevations"], route_class=PooledRoute)

ElevationId = Annotated[str, Path(min_length=1, max_length=64, pattern=PRINTABLE)]
GRANTABLE = sorted(str(p) for p in set(Permission) - NOT_GRANTABLE)


class ElevationIn(InputModel):
    """Parsed with ``model_validate_json``: unknown fields refused, values never echoed."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    # The schema lists the grantable permissions; the service refuses the others (422).
    permission: Annotated[
        str, Field(min_length=1, max_length=64, json_schema_extra={"enum": GRANTABLE})
    ]
    minutes: Annotated[int, Field(ge=1, le=240)]
    reason: Annotated[str, Field(min_length=20, max_length=2000)]


class ElevationCreated(BaseModel):
    id: str
    status: Status


class ElevationOut(BaseModel):
    id: str
    status: Status
    permission: str
    minutes: int
    reason: str
    requester_id: str
    approver_id: str | None
    created_at: datetime
    decided_at: datetime | None
    expires_at: datetime | None


def _out(row: Elevation) -> ElevationOut:
    return ElevationOut(
        id=row.id,
        status=effective_status(row),
        permission=row.permission,
        minutes=row.minutes,
        reason=row.reason,
        requester_id=row.requester_id,
        approver_id=row.approver_id,
        created_at=row.created_at,
        decided_at=row.decided_at,
        expires_at=row.expires_at,
    )


def _service(ctx: RequestContext) -> ElevationService:
    return ElevationService(ctx)


@router.post("", status_code=201, response_model=ElevationCreated, responses=CONFLICT)
def request_elevation(
    ctx: Annotated[RequestContext, Depends(require(Permission.ELEVATION_REQUEST))],
    body: Annotated[ElevationIn, Depends(json_body(ElevationIn))],
) -> ElevationCreated:
    row = _service(ctx).ask(ElevationRequest(body.permission, body.minutes, body.reason))
    return ElevationCreated(id=row.id, status="pending")


@router.get("", response_model=list[ElevationOut])
def list_elevations(
    ctx: Annotated[RequestContext, Depends(require(Permission.ELEVATION_APPROVE))],
    status: Status | None = None,
) -> list[ElevationOut]:
    return [_out(row) for row in _service(ctx).queue(status)]


@router.get("/{elevation_id}", response_model=ElevationOut)
def get_elevation(
    elevation_id: ElevationId,
    ctx: Annotated[RequestContext, Depends(require(Permission.ELEVATION_REQUEST))],
) -> ElevationOut:
    return _out(_service(ctx).get(elevation_id))


@router.post("/{elevation_id}/approve", response_model=ElevationOut, responses=CONFLICT)
def approve_elevation(
    elevation_id: ElevationId,
    ctx: Annotated[RequestContext, Depends(require(Permission.ELEVATION_APPROVE))],
) -> ElevationOut:
    return _out(_service(ctx).decide(elevation_id, approve=True))


@router.post("/{elevation_id}/deny", response_model=ElevationOut, responses=CONFLICT)
def deny_elevation(
    elevation_id: ElevationId,
    ctx: Annotated[RequestContext, Depends(require(Permission.ELEVATION_APPROVE))],
) -> ElevationOut:
    return _out(_service(ctx).decide(elevation_id, approve=False))

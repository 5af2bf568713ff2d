"""``/api/v1/retention`` (``retention:admin``): the tenant's retention policy and the
changes that wait for a second person; ``POST /api/v1/calls/{id}/shred``: destroying a
call's data now, with deletion certificates (never what a legal hold covers)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from callvault.authz.permissions import Permission
from callvault.inputs import InputModel
from callvault.lifecycle.datatypes import MAX_DAYS, DataType, Periods
from callvault.lifecycle.manual import shred_now
from callvault.lifecycle.retention import PendingChange, RetentionService, parse_periods
from callvault.lifecycle.shredding import Certificate
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT, declared
from callvault.web.params import ObjectId
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1/retention", tags=["lifecycle"], route_class=PooledRoute)
shred_router = APIRouter(prefix="/api/v1/calls", tags=["lifecycle"], route_class=PooledRoute)

Days = Annotated[int, Field(ge=1, le=MAX_DAYS)]


class RetentionBody(InputModel):
    """Days per data type, ``null`` meaning keep. In a PUT, types not named keep their
    period; the keys are checked against the data types (and ``audit`` is refused)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    periods: Annotated[
        dict[str, Days | None],
        Field(
            max_length=len(DataType) + 1,
            examples=[
                {"recording_original": 30, "transcript_redacted": 365, "call_metadata": None}
            ],
        ),
    ]


class RetentionOut(BaseModel):
    periods: dict[DataType, int | None]
    change_id: str | None = Field(
        None, description="Set when the change shortens a period: it waits for approval."
    )
    status: str = Field("applied", description="`applied`, or `pending` approval")


class ChangeOut(BaseModel):
    id: str
    periods: dict[DataType, int | None]
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None


class ShredBody(InputModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    data_types: Annotated[list[DataType], Field(min_length=1, max_length=len(DataType))]


class CertificateOut(BaseModel):
    type: DataType
    object: str
    key: str | None
    sha256: str | None
    destroyed_at: datetime

    @classmethod
    def of(cls, certificate: Certificate) -> CertificateOut:
        return cls(
            type=certificate.data_type,
            object=certificate.object_id,
            key=certificate.key_id,
            sha256=certificate.ciphertext_sha256,
            destroyed_at=certificate.destroyed_at,
        )


class ShredOut(BaseModel):
    certificates: list[CertificateOut]


def _out(periods: Periods, change_id: str | None = None) -> RetentionOut:
    status = "pending" if change_id else "applied"
    return RetentionOut(periods=periods, change_id=change_id, status=status)


def _change(change: PendingChange) -> ChangeOut:
    return ChangeOut(**{**change.__dict__, "periods": change.periods})


@router.get("", response_model=RetentionOut)
def get_retention(
    ctx: Annotated[RequestContext, Depends(require(Permission.RETENTION_ADMIN))],
) -> RetentionOut:
    return _out(RetentionService(ctx).get())


@router.put(
    "",
    response_model=RetentionOut,
    responses=declared(202, "The change shortens a period: it waits for a second person."),
)
def put_retention(
    ctx: Annotated[RequestContext, Depends(require(Permission.RETENTION_ADMIN))],
    body: Annotated[RetentionBody, Depends(json_body(RetentionBody))],
) -> JSONResponse:
    outcome = RetentionService(ctx).change(parse_periods(body.periods))
    out = _out(outcome.periods, outcome.change_id)
    return JSONResponse(out.model_dump(mode="json"), status_code=202 if outcome.change_id else 200)


@router.get("/changes", response_model=list[ChangeOut])
def list_changes(
    ctx: Annotated[RequestContext, Depends(require(Permission.RETENTION_ADMIN))],
) -> list[ChangeOut]:
    return [_change(change) for change in RetentionService(ctx).pending()]


@router.post("/changes/{change_id}/approve", response_model=RetentionOut, responses=CONFLICT)
def approve_change(
    change_id: ObjectId,
    ctx: Annotated[RequestContext, Depends(require(Permission.RETENTION_ADMIN))],
) -> RetentionOut:
    return _out(RetentionService(ctx).approve(change_id))


@router.post("/changes/{change_id}/withdraw", status_code=204, responses=CONFLICT)
def withdraw_change(
    change_id: ObjectId,
    ctx: Annotated[RequestContext, Depends(require(Permission.RETENTION_ADMIN))],
) -> None:
    RetentionService(ctx).withdraw(change_id)


@shred_router.post("/{call_id}/shred", response_model=ShredOut, responses=CONFLICT)
def shred_call_data(
    call_id: ObjectId,
    ctx: Annotated[RequestContext, Depends(require(Permission.RETENTION_ADMIN))],
    body: Annotated[ShredBody, Depends(json_body(ShredBody))],
) -> ShredOut:
    """Destroy the named data of one call now (step-up needed; 409 under a legal hold)."""
    certificates = shred_now(ctx, call_id, body.data_types)
    return ShredOut(certificates=[CertificateOut.of(c) for c in certificates])

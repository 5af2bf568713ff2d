"""``/api/v1/exports``: approved bulk exports (docs/exports.md).

``POST ""`` (``export:create``, step-up) asks; ``GET ""`` lists the asker's own;
``GET /queue`` (``export:approve``) lists the tenant's; ``POST /{id}/approve``
(``export:approve``, step-up, never the requester) and ``/{id}/reject`` decide;
``POST /{id}/link`` (the requester) makes a one-time link; ``GET /download/{token}``
answers the sealed file once."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from callvault.authz.permissions import Permission
from callvault.calls.schemas import PhoneText
from callvault.inputs import PRINTABLE, InputModel, UtcInstant
from callvault.lifecycle.bundle import MIN_PASSPHRASE
from callvault.lifecycle.exports import (
    MAX_CALLS,
    ExportAsk,
    ExportService,
    Selection,
)
from callvault.lifecycle.exports_models import Export
from callvault.phone import to_e164
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import (
    CONFLICT,
    GONE,
    NOT_FOUND,
    TOO_MANY_REQUESTS,
    Responses,
    binary_content,
)
from callvault.web.params import ObjectId
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1/exports", tags=["lifecycle"], route_class=PooledRoute)

SEALED_MEDIA_TYPE = "application/octet-stream"
OneLine = Annotated[str, Field(min_length=1, pattern=PRINTABLE)]


class ExportIn(InputModel):
    """What to export, why, for whom, and the passphrase that will seal it. At least
    one of ``since``/``until``, ``campaign``, ``tracking_number``, ``call_ids``."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    reason: Annotated[str, Field(min_length=10, max_length=500)]
    recipient_name: Annotated[OneLine, Field(max_length=200)]
    recipient_id: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z0-9._:-]{1,64}$",
            description="Who receives the file, as your records name them: it is written "
            "into the manifest and into every transcript (the watermark).",
        ),
    ]
    passphrase: Annotated[
        str,
        Field(
            min_length=MIN_PASSPHRASE,
            max_length=1024,
            description="The file's key is derived from it (scrypt) now; it is never "
            "stored. Give it to the recipient by another channel than the file.",
        ),
    ]
    parts: Annotated[
        list[Literal["transcripts", "recordings"]],
        Field(
            default_factory=list,
            max_length=2,
            description="Besides each call's record (always).",
        ),
    ]
    originals: bool = Field(
        False,
        description="Original recordings and transcripts instead of the redacted ones: "
        "only with the matching unredacted permission.",
    )
    since: UtcInstant | None = None
    until: UtcInstant | None = None
    campaign: Annotated[OneLine, Field(max_length=100)] | None = None
    tracking_number: PhoneText | None = None
    call_ids: Annotated[
        list[Annotated[OneLine, Field(max_length=64)]],
        Field(default_factory=list, max_length=MAX_CALLS),
    ]

    @model_validator(mode="after")
    def _some_filter(self) -> Self:
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError("since must be before until")
        named = (self.since, self.until, self.campaign, self.tracking_number, self.call_ids)
        if not any(named):
            raise ValueError(
                "name at least one of since, until, campaign, tracking_number, call_ids"
            )
        return self

    def ask(self) -> ExportAsk:
        tracking = (
            None
            if self.tracking_number is None
            else to_e164(self.tracking_number, "tracking_number")
        )
        selection = Selection(
            since=self.since,
            until=self.until,
            campaign=self.campaign,
            tracking_number=tracking,
            call_ids=tuple(dict.fromkeys(self.call_ids)),
        )
        return ExportAsk(
            reason=self.reason,
            recipient_name=self.recipient_name,
            recipient_id=self.recipient_id,
            passphrase=self.passphrase,
            selection=selection,
            parts=frozenset(self.parts),
            originals=self.originals,
        )


class ExportOut(BaseModel):
    id: str
    status: str = Field(description="pending, approved, rejected, ready, downloaded, expired")
    reason: str
    recipient_name: str
    recipient_id: str
    parts: list[str]
    originals: bool
    calls: int = Field(description="How many calls the export holds")
    selection: dict[str, Any] = Field(
        description="The filter as asked (since, until, campaign, tracking_number, call_ids)"
    )
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    built_at: datetime | None
    size: int | None
    downloaded_at: datetime | None

    @classmethod
    def of(cls, row: Export) -> ExportOut:
        return cls(
            id=row.id,
            status=row.status,
            reason=row.reason,
            recipient_name=row.recipient_name,
            recipient_id=row.recipient_id,
            parts=["calls", *filter(None, row.parts.split(","))],
            originals=row.originals,
            calls=len(json.loads(row.call_ids)),
            selection=json.loads(row.selection),
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            built_at=row.built_at,
            size=row.size,
            downloaded_at=row.downloaded_at,
        )


class LinkOut(BaseModel):
    url: str = Field(description="GET it once, as the same person, before `expires_at`")
    expires_at: datetime


_SEALED: Responses = {
    200: {"description": "The sealed file", "content": binary_content(SEALED_MEDIA_TYPE)}
}

Requester = Annotated[RequestContext, Depends(require(Permission.EXPORT_CREATE))]
Approver = Annotated[RequestContext, Depends(require(Permission.EXPORT_APPROVE))]


@router.post("", status_code=201, response_model=ExportOut, responses=NOT_FOUND | TOO_MANY_REQUESTS)
def request_export(
    ctx: Requester, body: Annotated[ExportIn, Depends(json_body(ExportIn))]
) -> ExportOut:
    """Ask for an export; it waits for a second person's approval. 422 if no call
    matches or more than the limit do; 429 past the daily limit."""
    return ExportOut.of(ExportService(ctx, ctx.blobs).request(body.ask()))


@router.get("", response_model=list[ExportOut])
def list_my_exports(ctx: Requester) -> list[ExportOut]:
    return [ExportOut.of(row) for row in ExportService(ctx, ctx.blobs).mine()]


@router.get("/queue", response_model=list[ExportOut])
def list_exports_to_decide(ctx: Approver) -> list[ExportOut]:
    """The tenant's exports, newest first: those ``pending`` wait for a decision."""
    return [ExportOut.of(row) for row in ExportService(ctx, ctx.blobs).everyone()]


@router.post("/{export_id}/approve", response_model=ExportOut, responses=NOT_FOUND | CONFLICT)
def approve_export(export_id: ObjectId, ctx: Approver) -> ExportOut:
    """Approve (step-up needed; 403 for the export's own requester)."""
    return ExportOut.of(ExportService(ctx, ctx.blobs).approve(export_id))


@router.post("/{export_id}/reject", response_model=ExportOut, responses=NOT_FOUND | CONFLICT)
def reject_export(export_id: ObjectId, ctx: Approver) -> ExportOut:
    return ExportOut.of(ExportService(ctx, ctx.blobs).reject(export_id))


@router.post("/{export_id}/link", response_model=LinkOut, responses=NOT_FOUND | CONFLICT | GONE)
def create_download_link(export_id: ObjectId, ctx: Requester) -> LinkOut:
    """A link to download the built export once (the requester only; 409 until built)."""
    link = ExportService(ctx, ctx.blobs).create_link(export_id)
    return LinkOut(url=link.url, expires_at=link.expires_at)


@router.get("/download/{token}", response_class=Response, responses=_SEALED | NOT_FOUND | GONE)
def download_export(
    token: ObjectId,
    ctx: Annotated[RequestContext, Depends(require(Permission.EXPORT_CREATE, writes=True))],
) -> Response:
    """The sealed file, once; then it is destroyed (410 afterwards). Open it with
    ``callvault access decrypt``."""
    download = ExportService(ctx, ctx.blobs).download(token)
    headers = {
        "Content-Disposition": f'attachment; filename="export-{download.export_id}.cvxb"',
        "Cache-Control": "no-store",
    }
    return Response(download.sealed, media_type=SEALED_MEDIA_TYPE, headers=headers)

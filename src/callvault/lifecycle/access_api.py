"""``/api/v1/access``: a caller's rights over their records, by caller number (sent
in the body, never in the URL). ``POST /exports`` (``export:create``, step-up): every
call of the caller as one bundle sealed under the requester's passphrase;
``POST /erasures`` (``retention:admin``, step-up): every call of the caller removed,
except what a legal hold covers. docs/right-of-access.md says how to answer each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from callvault.authz.permissions import Permission
from callvault.calls.schemas import PhoneText
from callvault.inputs import InputModel
from callvault.lifecycle.access import export_caller
from callvault.lifecycle.bundle import MIN_PASSPHRASE
from callvault.lifecycle.erasure import erase_caller
from callvault.lifecycle.retention_api import CertificateOut
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT, NOT_FOUND, Responses, binary_content
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1/access", tags=["lifecycle"], route_class=PooledRoute)

BUNDLE_MEDIA_TYPE = "application/octet-stream"


class ExportBody(InputModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    caller_number: PhoneText
    passphrase: Annotated[
        str,
        Field(
            min_length=MIN_PASSPHRASE,
            max_length=1024,
            description="The bundle's key is derived from it (scrypt): give it to the "
            "recipient by another channel than the file.",
        ),
    ]


class ErasureBody(InputModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    caller_number: PhoneText


class ErasureOut(BaseModel):
    erased: list[str] = Field(description="Ids of the calls removed")
    held: list[str] = Field(description="Ids of the calls a legal hold keeps, untouched")
    certificates: list[CertificateOut]


_BUNDLE: Responses = {
    200: {"description": "The sealed bundle", "content": binary_content(BUNDLE_MEDIA_TYPE)}
}


@router.post("/exports", response_class=Response, responses=_BUNDLE | NOT_FOUND)
def create_access_export(
    ctx: Annotated[RequestContext, Depends(require(Permission.EXPORT_CREATE))],
    body: Annotated[ExportBody, Depends(json_body(ExportBody))],
) -> Response:
    """Every call of the caller, with their transcripts and recordings as the
    requester may see them, as a ZIP sealed under ``passphrase``. 404 if the caller
    has no calls here. One ``access:export`` audit event per call."""
    bundle = export_caller(ctx, body.caller_number, body.passphrase)
    headers = {
        "Content-Disposition": 'attachment; filename="access-export.cvxb"',
        "Cache-Control": "no-store",
    }
    return Response(bundle.sealed, media_type=BUNDLE_MEDIA_TYPE, headers=headers)


@router.post("/erasures", response_model=ErasureOut, responses=NOT_FOUND | CONFLICT)
def create_erasure(
    ctx: Annotated[RequestContext, Depends(require(Permission.RETENTION_ADMIN))],
    body: Annotated[ErasureBody, Depends(json_body(ErasureBody))],
) -> ErasureOut:
    """Remove every call of the caller, each piece with its deletion certificate; calls
    under a legal hold are listed in ``held`` and kept. 409 if every call is held."""
    erasure = erase_caller(ctx, body.caller_number)
    return ErasureOut(
        erased=erasure.erased,
        held=erasure.held,
        certificates=[CertificateOut.of(c) for c in erasure.certificates],
    )

"""``POST /webhooks/freeswitch/{tenant}/cdr``: FreeSWITCH ``mod_json_cdr`` posts each
call's CDR here (``encode=false``), with an API token of the tenant."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from callvault.authz.permissions import Permission
from callvault.calls.schemas import Created
from callvault.calls.service import CallService
from callvault.errors import NotFound
from callvault.integrations.freeswitch import JsonCdr, read_json_cdr
from callvault.integrations.pbx_imports import PbxImports, PbxSource
from callvault.tenants.models import Tenant
from callvault.web.bodies import body_bytes, require_json
from callvault.web.context import RequestContext, require
from callvault.web.openapi import declared, json_request
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

router = APIRouter(prefix="/webhooks/freeswitch", tags=["integrations"], route_class=PooledRoute)

# A JSON CDR with every channel variable is a few tens of KiB.
MAX_CDR_BODY = 512 * 1024
# A tenant's name (lowercase letters, digits, dashes) or id (hex).
TENANT_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
# The body is read raw (``read_json_cdr``): described for clients and fuzzers.
CDR_REQUEST = json_request(JsonCdr)


@router.post(
    "/{tenant}/cdr",
    status_code=201,
    response_model=Created,
    responses=declared(200, "Already imported: the call this uuid became"),
    openapi_extra=CDR_REQUEST,
)
def post_cdr(
    tenant: Annotated[str, Path(pattern=TENANT_PATTERN)],
    request: Request,
    # The call is group-committed with its marker and audit event (PbxImports.create).
    ctx: Annotated[RequestContext, Depends(require(Permission.CALL_CREATE, writes=False))],
    body: Annotated[bytes, Depends(body_bytes(MAX_CDR_BODY))],
) -> Response:
    """Create the call the CDR describes, once per ``uuid``: a repeated delivery
    answers 200 with the same id. 404 unless ``{tenant}`` (its name, or its id) is
    the token's tenant."""
    _check_tenant(ctx, tenant)
    require_json(request)
    parsed = read_json_cdr(body)
    markers = PbxImports(ctx, PbxSource.FREESWITCH)
    existing = markers.call_of(parsed.uuid)
    if existing is not None:
        return model_response(Created(id=existing))
    call_id = markers.create_once(CallService(ctx, ctx.blobs), parsed.uuid, parsed.call)
    return model_response(Created(id=call_id), status_code=201)


def _check_tenant(ctx: RequestContext, tenant: str) -> None:
    """``tenant`` is the token's tenant, by name or by id; the same 404 for a tenant
    that does not exist and one that is not the token's."""
    own = ctx.session.get(Tenant, ctx.tenant_id)
    ctx.session.rollback()
    if own is None or tenant not in (own.name, own.id):
        raise NotFound("no such tenant")

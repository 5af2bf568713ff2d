"""Dynamic number insertion over HTTP.

    GET  /dni.js                   the script a clinic's website includes (public)
    POST /dni/sessions?tenant=T    a visitor session and its number (public, CORS)
    OPTIONS /dni/sessions?tenant=T its CORS preflight
    GET, PUT /api/v1/dni/settings  the tenant's allowed origins and TTL (tracking:admin)

``/dni/sessions`` answers only a page of one of the tenant's allowed origins: the
``Origin`` header must be on the tenant's list (403 otherwise, and no CORS headers, so
a browser shows the page nothing). CORS is not authentication, since any program can
send any ``Origin``; the throttle per source address (a keyed hash, never the address:
``callvault.identity.signin.throttle``, in a namespace of its own) is what stops a flood.
Unknown tenant or pool: 404. A body with unknown fields or bad values: 422.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from callvault.authz.permissions import Permission
from callvault.identity.signin.throttle import Rate, SignInThrottle
from callvault.tracking.dni import DniSettingsService, VisitorSessions, admit_origin
from callvault.tracking.dni_schemas import (
    DniSessionIn,
    DniSessionOut,
    DniSettingsIn,
    DniSettingsOut,
)
from callvault.web.bodies import json_body, parse_json_body
from callvault.web.context import RequestContext, request_info, require, resources
from callvault.web.openapi import INVALID_INPUT, Responses, declared, json_request
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

SCRIPT_PATH = "/dni.js"
SESSIONS_PATH = "/dni/sessions"
PUBLIC_PATHS = frozenset({SCRIPT_PATH, SESSIONS_PATH})
MAX_SESSION_BODY = 8 * 1024  # a page view's fields: well under 3 KiB
PREFLIGHT_MAX_AGE = "600"
THROTTLED = "too many visitor sessions from this address: wait before trying again"

public_router = APIRouter(tags=["dni"], route_class=PooledRoute)
settings_router = APIRouter(prefix="/api/v1/dni", tags=["dni"], route_class=PooledRoute)
TrackingAdmin = Annotated[RequestContext, Depends(require(Permission.TRACKING_ADMIN))]
TenantName = Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
# Public routes: no 401. 403 an origin the tenant does not allow, 404 no such tenant or
# pool, 422 bad input, 429 throttled (the session request also 413 and 415 for its body).
REFUSALS: Responses = {code: declared(code)[code] for code in (403, 404, 422, 429)}
BODY_REFUSALS: Responses = {code: declared(code)[code] for code in (413, 415)}


@cache
def dni_script() -> bytes:
    return files("callvault.tracking").joinpath("static", "dni.js").read_bytes()


@public_router.get(SCRIPT_PATH, response_class=Response)
def script() -> Response:
    """The DNI script, the same for every tenant (the tag names tenant and pool)."""
    return Response(
        dni_script(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@public_router.options(SESSIONS_PATH, status_code=204, responses=REFUSALS)
async def preflight(request: Request, tenant: TenantName) -> Response:
    """The CORS preflight of a session request: 204 for an allowed origin."""
    db = resources(request).read_sessions()
    try:
        _, origin = await _admit(request, db, tenant)
    finally:
        await run_in_threadpool(db.close)
    headers = _cors(origin) | {
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    }
    return Response(status_code=204, headers=headers)


@public_router.post(
    SESSIONS_PATH,
    response_model=DniSessionOut,
    responses={**REFUSALS, **BODY_REFUSALS},
    openapi_extra=json_request(DniSessionIn),
)
async def visit(request: Request, tenant: TenantName) -> Response:
    """A visitor session and the number it shows. The request is counted against its
    source address first (429 with ``Retry-After``), then its origin is checked, and
    only then is its body read."""
    db = resources(request).sessions()
    try:
        source = request_info(request).source_ip
        await run_in_threadpool(dni_throttle(request).reserve, db, source, None)
        tenant_id, origin = await _admit(request, db, tenant)
        data = await parse_json_body(request, DniSessionIn, MAX_SESSION_BODY)
        answer = await run_in_threadpool(VisitorSessions(db, tenant_id).visit, data)
    finally:
        await run_in_threadpool(db.close)
    return model_response(answer, headers=_cors(origin))


async def _admit(request: Request, db: Session, tenant: str) -> tuple[str, str]:
    """The tenant's id and the request's ``Origin``, once ``admit_origin`` found the
    origin on the tenant's list (and scoped ``db`` to the tenant)."""
    origin = request.headers.get("origin")
    tenant_id = await run_in_threadpool(admit_origin, db, tenant, origin)
    assert origin is not None  # admitted: an origin of the list
    return tenant_id, origin


def _cors(origin: str) -> dict[str, str]:
    """No credentials: the script sends no cookie and reads none."""
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


@settings_router.get("/settings", response_model=DniSettingsOut)
def get_settings(ctx: TrackingAdmin) -> Response:
    """Allowed origins, session TTL (minutes), and the tenant's pools with their sizes."""
    return model_response(DniSettingsService(ctx).get())


@settings_router.put("/settings", response_model=DniSettingsOut, responses=INVALID_INPUT)
def put_settings(
    ctx: TrackingAdmin, body: Annotated[DniSettingsIn, Depends(json_body(DniSettingsIn))]
) -> Response:
    """Replace the allowed origins (``https://clinic.example``, no path; none turns
    DNI off) and the TTL (1 to 1440 minutes, default 30)."""
    return model_response(DniSettingsService(ctx).update(body))


def dni_throttle(request: Request) -> SignInThrottle:
    """The app's DNI throttle (its state is in the database), made on first use."""
    found: SignInThrottle | None = getattr(request.app.state, "dni_throttle", None)
    if found is None:
        res = resources(request)
        limits = res.settings.dni_throttle
        per_address = Rate(limits.address_burst, timedelta(seconds=limits.address_interval_seconds))
        # Only the address is counted (``reserve`` is given no account): the account
        # rate is never used.
        found = SignInThrottle(
            res.root_key, per_address, per_address, namespace=b"dni|", message=THROTTLED
        )
        request.app.state.dni_throttle = found
    return found

"""``/webhooks/twilio/{tenant}/...``: where Twilio posts, authenticated by signature.

    POST .../voice             TwiML: say the disclosure, dial onward (``twiml.py``)
    POST .../voice-status      create or update the call (``voice.py``)
    POST .../recording-status  fetch and store the recording (``recordings.py``)

The routes are public (no session, no API token: ``PUBLIC_PATHS``); each one is
served only after ``authenticate_webhook`` verified the signature. The URL checked is
the one the client saw: the scheme from the socket or, behind a proxy listed in
``--forwarded-allow-ips``, from ``X-Forwarded-Proto`` (uvicorn rewrites it), and the
host from the ``Host`` header the proxy passes on.

The two that take PHI in (voice-status, recording-status) pass the PHI gate first
(``callvault.compliance.gate``). ``voice`` does not: it stores nothing, and refusing
it would fail a patient's call rather than keep PHI out of the vault.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from callvault.compliance.gate import require_phi_ingest
from callvault.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from callvault.integrations.recordings import RecordingFetcher, tls_context
from callvault.integrations.signature import SIGNATURE_HEADER
from callvault.integrations.twiml import answer_twiml
from callvault.integrations.voice import VoiceStatusService, parse_voice_status
from callvault.integrations.webhook_auth import SignedRequest, TwilioWebhook, authenticate_webhook
from callvault.web.context import request_info, resources
from callvault.web.openapi import Responses, declared
from callvault.web.pools import PooledRoute

PREFIX = "/webhooks/twilio/{tenant}"
MAX_FORM_BYTES = 64 * 1024  # Twilio's status posts are a few hundred bytes
FORM_TYPE = "application/x-www-form-urlencoded"

router = APIRouter(prefix=PREFIX, tags=["webhooks"], route_class=PooledRoute)
TenantName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]  # a tenant's name
# Public routes: no 401. 403 a bad signature or no active BAA (the PHI gate: nothing is
# stored, the refusal is audited), 404 no such tenant or not configured,
# 422 a signed form CallVault cannot use, 503 the audit trail failed (fail closed).
REFUSALS: Responses = {code: declared(code)[code] for code in (403, 404, 422, 503)}
# The body is read by ``signed_request`` (it must be parsed exactly as it was signed).
FORM_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            FORM_TYPE: {"schema": {"type": "object", "additionalProperties": {"type": "string"}}}
        },
    }
}


async def signed_request(request: Request) -> SignedRequest:
    """The form Twilio posted, parsed as it was signed (every pair, in order)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != FORM_TYPE:
        raise UnsupportedMediaType(f"send the parameters as {FORM_TYPE}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise PayloadTooLarge(f"the form is over {MAX_FORM_BYTES} bytes")
    try:
        params = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form is not valid UTF-8 url-encoding") from None
    return SignedRequest(str(request.url), params, request.headers.get(SIGNATURE_HEADER))


@asynccontextmanager
async def verified(request: Request, tenant: str) -> AsyncIterator[TwilioWebhook]:
    """The verified webhook, in a write session closed afterwards."""
    signed = await signed_request(request)
    res = resources(request)
    session = res.sessions()
    try:
        yield await run_in_threadpool(
            authenticate_webhook,
            session,
            res.keyring(session),
            tenant,
            signed,
            request_info(request),
        )
    finally:
        await run_in_threadpool(session.close)


@router.post("/voice", responses=REFUSALS, response_class=Response, openapi_extra=FORM_BODY)
async def voice(request: Request, tenant: TenantName) -> Response:
    """TwiML for an incoming call: the tenant's disclosure, then a dial onward."""
    async with verified(request, tenant) as hook:
        twiml = answer_twiml(hook.settings.disclosure, hook.settings.forward_to)
    return Response(twiml, media_type="application/xml")


@router.post("/voice-status", status_code=204, responses=REFUSALS, openapi_extra=FORM_BODY)
async def voice_status(request: Request, tenant: TenantName) -> Response:
    """A call's progress: created on its first status, updated by its final one."""
    async with verified(request, tenant) as hook:
        status = parse_voice_status(hook.request)
        await run_in_threadpool(require_phi_ingest, hook.ctx, resources(request).blobs)
        service = VoiceStatusService(hook.ctx, announced=bool(hook.settings.disclosure))
        await run_in_threadpool(service.apply, status)
    return Response(status_code=204)


@router.post(
    "/recording-status",
    status_code=204,
    responses={**REFUSALS, **declared(502)},
    openapi_extra=FORM_BODY,
)
async def recording_status(request: Request, tenant: TenantName) -> Response:
    """A finished recording: fetched from Twilio and stored (502 if the fetch fails)."""
    res = resources(request)
    async with verified(request, tenant) as hook:
        await run_in_threadpool(require_phi_ingest, hook.ctx, res.blobs)
        tls = await run_in_threadpool(tls_context, res.settings.twilio_ca_bundle)
        fetcher = RecordingFetcher(hook, res.blobs, res.settings.max_recording_bytes, tls)
        await fetcher.handle()
    return Response(status_code=204)

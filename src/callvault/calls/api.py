"""Calls API: thin routes that parse input, call one service method, return."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime
from starlette.concurrency import run_in_threadpool

from callvault.audit.actions import AuditAction
from callvault.authz.permissions import Permission
from callvault.calls.consent import Consent
from callvault.calls.consent_service import RecordingConsent
from callvault.calls.objects import RECORDING, RECORDING_ORIGINAL, TRANSCRIPT, TRANSCRIPT_ORIGINAL
from callvault.calls.playback import PLAYBACK_PREFIX, PlaybackLinks
from callvault.calls.ranges import parse_range
from callvault.calls.schemas import (
    CallCreate,
    CallOut,
    CallPage,
    ConsentUpdate,
    Created,
    PausesIn,
    PlaybackLinkOut,
    TranscriptIn,
)
from callvault.calls.service import CallService, OpenedObject, SearchFilters
from callvault.calls.sniff import (
    ACCEPTED_CONTENT_TYPES,
    SNIFF_BYTES,
    declared_type_acceptable,
    sniff_audio,
)
from callvault.calls.transcripts import redact_transcript
from callvault.calls.uploads import ObjectTarget, read_head, store_transcript, store_upload
from callvault.errors import PayloadTooLarge, PermissionDenied, UnsupportedMediaType
from callvault.jobs.service import REVIEW_PERMISSION, approve_review
from callvault.phone import PHONE_PATTERN
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require, resources
from callvault.web.openapi import RANGE_NOT_SATISFIABLE, binary_content, binary_request, declared
from callvault.web.params import ObjectId, free_text_query
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

router = APIRouter(prefix="/api/v1/calls", tags=["calls"], route_class=PooledRoute)
playback_router = APIRouter(prefix=PLAYBACK_PREFIX, tags=["calls"], route_class=PooledRoute)

MAX_CALL_BODY = 64 * 1024


def calls_of(ctx: RequestContext) -> CallService:
    return CallService(ctx, ctx.blobs)


def max_transcript_bytes(request: Request) -> int:
    return resources(request).settings.max_transcript_bytes


def verified_first(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Decrypt (and so verify) the first chunk before any header goes out, so a damaged
    object gets an error response rather than a 200 that stops short."""
    first = next(chunks, None)
    return chain([] if first is None else [first], chunks)


@router.post("", status_code=201, response_model=Created)
def create_call(
    # The call and its audit event are group-committed (CallService.create): the
    # request's own session only reads (the tenant's keys), and takes no write lock.
    ctx: Annotated[RequestContext, Depends(require(Permission.CALL_CREATE, writes=False))],
    data: Annotated[CallCreate, Depends(json_body(CallCreate, MAX_CALL_BODY))],
) -> Response:
    return model_response(Created(id=calls_of(ctx).create(data)), status_code=201)


@router.get("", response_model=CallPage)
def search_calls(
    ctx: Annotated[RequestContext, Depends(require(Permission.CALL_READ))],
    caller_number: Annotated[str | None, Query(max_length=40, pattern=PHONE_PATTERN)] = None,
    tracking_number: Annotated[str | None, Query(max_length=40, pattern=PHONE_PATTERN)] = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    limit: Annotated[int, Query(ge=1)] = 50,
    cursor: Annotated[str | None, free_text_query(200)] = None,
) -> Response:
    if caller_number is not None and not ctx.may(Permission.CALL_READ_PHI):
        # Even a masked result would tell whether that number called.
        raise PermissionDenied("searching by caller_number needs call:read_phi")
    filters = SearchFilters(caller_number, tracking_number, since, until, limit, cursor)
    return model_response(calls_of(ctx).search(filters))


@router.get("/{call_id}", response_model=CallOut)
def get_call(
    call_id: ObjectId, ctx: Annotated[RequestContext, Depends(require(Permission.CALL_READ))]
) -> Response:
    return model_response(calls_of(ctx).get(call_id))


@router.put(
    "/{call_id}/recording",
    status_code=204,
    openapi_extra=binary_request(*sorted(ACCEPTED_CONTENT_TYPES)),
    responses=declared(409, "The call's recording consent refuses a recording"),
)
async def put_recording(
    call_id: ObjectId,
    request: Request,
    ctx: Annotated[RequestContext, Depends(require(Permission.RECORDING_UPLOAD))],
) -> Response:
    """Stored encrypted as the call's original and queued for scrubbing: it plays at
    ``/recording`` once ``processing.state`` on the call is ``done``. 409 (nothing
    stored, audited) if the call's ``consent`` is ``declined`` or ``required``."""
    if not declared_type_acceptable(request.headers.get("content-type")):
        raise UnsupportedMediaType("send the recording as audio/wav, audio/mpeg or audio/ogg")
    limit = ctx.settings.max_recording_bytes
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise PayloadTooLarge(f"the recording is over {limit} bytes")
    service = calls_of(ctx)
    # The PHI gate's 403, or a 404, before reading the body.
    await run_in_threadpool(service.check_upload, call_id)
    stream = request.stream()
    head = await read_head(stream, SNIFF_BYTES)
    media_type = sniff_audio(head)
    if media_type is None:
        raise UnsupportedMediaType("the body is not WAV, MP3 or Ogg audio")
    target = ObjectTarget(
        ctx.principal.tenant_id,
        call_id,
        RECORDING,
        media_type,
        limit,
        AuditAction.RECORDING_UPLOAD,
    )
    await store_upload(service.objects, ctx.blobs, target, head, stream)
    return Response(status_code=204)


@router.put("/{call_id}/consent", status_code=204)
def put_consent(
    call_id: ObjectId,
    ctx: Annotated[RequestContext, Depends(require(Permission.CALL_CREATE))],
    data: Annotated[ConsentUpdate, Depends(json_body(ConsentUpdate, MAX_CALL_BODY))],
) -> Response:
    """Set the call's recording consent (``announced``, ``consented``, ``declined``,
    ``not_required``); ``declined`` also crypto-shreds a recording already stored.
    Audited as ``call:consent_update``."""
    RecordingConsent(ctx, ctx.blobs).set(call_id, Consent(data.consent))
    return Response(status_code=204)


@router.post("/{call_id}/recording-pauses", status_code=204)
def post_recording_pauses(
    call_id: ObjectId,
    ctx: Annotated[RequestContext, Depends(require(Permission.RECORDING_UPLOAD))],
    data: Annotated[PausesIn, Depends(json_body(PausesIn, MAX_CALL_BODY))],
) -> Response:
    """Add stretches of the recording (seconds from its start) that the caller did not
    consent to: they are silenced in the stored recording, original and scrub. 422 for
    one that ends before it starts, after the call ended, or overlaps another. A
    recording already stored is processed again. Audited as ``recording:pauses_add``."""
    pauses = [(pause.start, pause.end) for pause in data.pauses]
    RecordingConsent(ctx, ctx.blobs).add_pauses(call_id, pauses)
    return Response(status_code=204)


@router.put("/{call_id}/transcript", status_code=204)
def put_transcript(
    call_id: ObjectId,
    ctx: Annotated[RequestContext, Depends(require(Permission.TRANSCRIPT_UPLOAD))],
    transcript: Annotated[TranscriptIn, Depends(json_body(TranscriptIn, max_transcript_bytes))],
) -> Response:
    """Stored redacted; the original only if the tenant's policy keeps it."""
    service = calls_of(ctx)
    service.check_ingest()
    redacted = redact_transcript(transcript, service.redaction_setup(call_id, transcript))
    store_transcript(service.objects, ctx.blobs, ctx.principal.tenant_id, call_id, redacted)
    return Response(status_code=204)


_AUDIO = binary_content("audio/wav", "audio/mpeg", "audio/ogg")  # as sniffed at upload
AUDIO_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The whole recording", "content": _AUDIO},
    206: {
        "description": "The requested range",
        "content": _AUDIO,
        "headers": {"Content-Range": {"schema": {"type": "string"}}},
    },
    **RANGE_NOT_SATISFIABLE,
}
NOT_SCRUBBED = declared(409, "Not scrubbed (yet), or scrubbing failed: see processing")


@router.get(
    "/{call_id}/recording",
    response_class=StreamingResponse,
    responses=AUDIO_RESPONSES | NOT_SCRUBBED,
)
def get_recording(
    call_id: ObjectId,
    request: Request,
    ctx: Annotated[RequestContext, Depends(require(Permission.RECORDING_PLAY))],
) -> StreamingResponse:
    """The scrubbed recording (keypad tones and redacted speech removed); never the
    original. 409 while the pipeline has not made it yet (or failed)."""
    opened = calls_of(ctx).open_object(call_id, RECORDING, AuditAction.RECORDING_PLAY)
    return stream_audio(opened, request.headers.get("range"))


@router.get(
    "/{call_id}/recording/original",
    response_class=StreamingResponse,
    responses=AUDIO_RESPONSES,
)
def get_recording_original(
    call_id: ObjectId,
    request: Request,
    ctx: Annotated[RequestContext, Depends(require(Permission.RECORDING_PLAY_UNREDACTED))],
) -> StreamingResponse:
    """The recording as uploaded, unscrubbed."""
    opened = calls_of(ctx).open_object(
        call_id, RECORDING_ORIGINAL, AuditAction.RECORDING_PLAY_UNREDACTED
    )
    return stream_audio(opened, request.headers.get("range"))


@router.post("/{call_id}/recording/review", status_code=204, responses=NOT_SCRUBBED)
def approve_recording_review(
    call_id: ObjectId,
    ctx: Annotated[RequestContext, Depends(require(REVIEW_PERMISSION))],
) -> Response:
    """Mark a recording held for review (``processing.state`` ``review``: its speech
    recognition too uncertain to vouch for the scrub) as checked: its scrub then plays.
    Needs ``recording:play_unredacted`` (the reviewer listens to the original); 409
    unless the call is held for review. Audited as ``recording:review_approve``."""
    approve_review(ctx, call_id)
    return Response(status_code=204)


@router.post(
    "/{call_id}/playback-links",
    status_code=201,
    response_model=PlaybackLinkOut,
    responses=NOT_SCRUBBED,
)
def create_playback_link(
    call_id: ObjectId,
    # Committed with its audit event (record_creation), like a new call.
    ctx: Annotated[RequestContext, Depends(require(Permission.RECORDING_PLAY, writes=False))],
) -> Response:
    """A short-lived URL (``url``, until ``expires_at``) that plays the scrubbed
    recording, for an ``<audio>`` element: it plays only with the credentials that made
    it (the same signed-in session, whose cookie the browser sends, or the same API
    token), and ends with that session. 404 if the call has no recording, 409 (as on
    ``/recording``) while it is not scrubbed yet."""
    link = PlaybackLinks(ctx, ctx.blobs).create(call_id)
    out = PlaybackLinkOut(url=link.url, expires_at=link.expires_at)
    return model_response(out, status_code=201)


@playback_router.get("/{token}", response_class=StreamingResponse, responses=AUDIO_RESPONSES)
def play_link(
    token: ObjectId,
    request: Request,
    ctx: Annotated[RequestContext, Depends(require(Permission.RECORDING_PLAY))],
) -> StreamingResponse:
    """The scrubbed recording a playback link names (Range requests as on
    ``/recording``), each request audited as a play. 404 for a link that is unknown,
    expired, made by other credentials or a session that ended."""
    opened = PlaybackLinks(ctx, ctx.blobs).open(token)
    return stream_audio(opened, request.headers.get("range"))


def stream_audio(opened: OpenedObject, range_header: str | None) -> StreamingResponse:
    size = opened.blob.plaintext_size
    byte_range = parse_range(range_header, size)
    headers = {"Accept-Ranges": "bytes", "Content-Disposition": 'inline; filename="recording"'}
    start, end, status = 0, size, 200
    if byte_range is not None:
        start, end, status = byte_range[0], byte_range[1], 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    return StreamingResponse(
        verified_first(opened.blob.iter_plaintext(start, end)),
        status_code=status,
        media_type=opened.media_type,
        headers=headers,
    )


@router.get("/{call_id}/transcript")
def get_transcript(
    call_id: ObjectId, ctx: Annotated[RequestContext, Depends(require(Permission.TRANSCRIPT_READ))]
) -> Response:
    opened = calls_of(ctx).open_object(call_id, TRANSCRIPT, AuditAction.TRANSCRIPT_READ)
    body = b"".join(opened.blob.iter_plaintext())
    return Response(body, media_type="application/json")


@router.get("/{call_id}/transcript/original")
def get_transcript_original(
    call_id: ObjectId,
    ctx: Annotated[RequestContext, Depends(require(Permission.TRANSCRIPT_READ_UNREDACTED))],
) -> Response:
    """The transcript as uploaded, if the tenant's policy kept it (404 otherwise)."""
    opened = calls_of(ctx).open_object(
        call_id, TRANSCRIPT_ORIGINAL, AuditAction.TRANSCRIPT_READ_UNREDACTED
    )
    body = b"".join(opened.blob.iter_plaintext())
    return Response(body, media_type="application/json")

"""The calls pages: the table of calls (filters, cursor paging) and one call's page
(metadata, processing, the scrubbed recording, the redacted transcript, and the audited
"show original" actions).

What a page shows comes from ``CallService`` for the signed-in principal, already
masked as the API masks it; a page only leaves out what is absent or not permitted,
and never unmasks anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from callvault.audit.actions import AuditAction
from callvault.authz.permissions import Permission
from callvault.calls.objects import TRANSCRIPT, TRANSCRIPT_ORIGINAL
from callvault.calls.playback import PlaybackLinks
from callvault.calls.schemas import CallOut
from callvault.calls.service import CallService
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.call_filters import (
    BAD_CURSOR,
    DIRECTIONS,
    PROCESSING_STATES,
    first_page_href,
    next_page_href,
    parse_query,
)
from callvault.dashboard.call_shred import lifecycle_panel
from callvault.dashboard.rendering import render
from callvault.errors import InvalidInput
from callvault.identity.elevation.service import (
    NOT_GRANTABLE,
    ElevationRequest,
    ElevationService,
)
from callvault.jobs.service import RERUN_PERMISSION, rerun_failed
from callvault.web.context import RequestContext
from callvault.web.params import ObjectId

router = page_router()

AUDITED = "Opening the original is recorded in the audit trail."
BREAK_GLASS_MINUTES = 15

Ctx = RequestContext


# -- the calls table ---------------------------------------------------------------


@router.get("/calls")
def calls_page(
    request: Request, ctx: Annotated[Ctx, Depends(page(Permission.CALL_READ))]
) -> Response:
    query = parse_query(request, ctx)
    found, errors = None, list(query.errors)
    if query.filters is not None:
        try:
            found = CallService(ctx, ctx.blobs).search(query.filters)
        except InvalidInput:  # a cursor this server did not make, say
            errors.append(BAD_CURSOR)
    next_href = None
    if found is not None and found.next_cursor:
        next_href = next_page_href(query.values, found.next_cursor)
    return render(
        request,
        "calls.html",
        principal=ctx.principal,
        status=400 if errors else 200,
        page=found,
        errors=errors,
        values=query.values,
        may_search_caller=ctx.may(Permission.CALL_READ_PHI),
        directions=DIRECTIONS,
        states=PROCESSING_STATES,
        next_href=next_href,
        first_page=bool(query.values.get("cursor")),
        first_href=first_page_href(query.values),
    )


# -- one call ------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of the redacted transcript: plain text, or one redaction (``label``)."""

    text: str
    label: str | None = None


def transcript_segments(document: dict[str, Any]) -> list[Segment]:
    """The stored (redacted) transcript's text cut at its ``spans``: each span is a
    replacement the redaction made (``[NAME]``, ``[NAME-7f3a]``), with its label. The
    template escapes every segment; nothing here is markup."""
    text = document.get("text")
    if not isinstance(text, str):
        return []
    segments: list[Segment] = []
    at = 0
    spans = document.get("spans") or []
    for span in sorted(spans, key=lambda s: int(s["start"])):
        start, end, label = int(span["start"]), int(span["end"]), str(span["label"])
        if start < at or end > len(text) or end < start:
            continue  # not a span of this text: show the text as it is
        if start > at:
            segments.append(Segment(text[at:start]))
        segments.append(Segment(text[start:end], label))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:]))
    return segments


def recording_src(ctx: Ctx, call: CallOut) -> str:
    """Where the page's player gets the scrubbed recording: a playback link, as
    ``POST /api/v1/calls/{id}/playback-links`` makes them (minutes long, for this
    session only, audited when made and on every request the player makes)."""
    return PlaybackLinks(ctx, ctx.blobs).create(call.id).url


@dataclass(frozen=True)
class OriginalAction:
    """A "show original" action as this principal may take it: ``href`` if they hold
    the permission (``through_grant`` if only by break-glass), else ``request`` if
    they may ask for it by break-glass; neither: not shown."""

    permission: Permission
    label: str
    href: str | None = None
    through_grant: bool = False
    request: bool = False


def original_action(
    ctx: Ctx, permission: Permission, label: str, href: str
) -> OriginalAction | None:
    principal = ctx.principal
    if principal.may(permission):
        return OriginalAction(permission, label, href, through_grant=permission in principal.grants)
    could_ask = (
        principal.may(Permission.ELEVATION_REQUEST)
        and principal.actor_type == "user"
        and permission not in principal.policy.deny
        and permission not in NOT_GRANTABLE
    )
    return OriginalAction(permission, label, request=True) if could_ask else None


def _transcript(ctx: Ctx, service: CallService, call: CallOut) -> list[Segment] | None:
    if call.transcript is None or not ctx.may(Permission.TRANSCRIPT_READ):
        return None
    opened = service.open_object(call.id, TRANSCRIPT, AuditAction.TRANSCRIPT_READ)
    document = json.loads(b"".join(opened.blob.iter_plaintext()))
    return transcript_segments(document)


@router.get("/calls/{call_id}")
def call_page(
    call_id: ObjectId, request: Request, ctx: Annotated[Ctx, Depends(page(Permission.CALL_READ))]
) -> Response:
    service = CallService(ctx, ctx.blobs)
    call = service.get(call_id)  # masked for this principal, and audited
    segments = _transcript(ctx, service, call)
    actions = []
    if call.transcript is not None:
        action = original_action(
            ctx,
            Permission.TRANSCRIPT_READ_UNREDACTED,
            "Show the original transcript",
            f"/calls/{call.id}/transcript/original",
        )
        actions.append(action)
    if call.recording_original is not None:
        action = original_action(
            ctx,
            Permission.RECORDING_PLAY_UNREDACTED,
            "Play the original recording",
            f"/calls/{call.id}/recording/original",
        )
        actions.append(action)
    may_play = ctx.may(Permission.RECORDING_PLAY)
    failed = call.processing is not None and call.processing.state == "failed"
    held = call.processing is not None and call.processing.state == "review"
    return render(
        request,
        "call.html",
        principal=ctx.principal,
        call=call,
        may_play=may_play,
        audio_src=recording_src(ctx, call) if may_play and call.recording and not held else None,
        held=held,
        may_read_transcript=ctx.may(Permission.TRANSCRIPT_READ),
        segments=segments,
        originals=[a for a in actions if a is not None],
        audited=AUDITED,
        may_rerun=failed and ctx.may(RERUN_PERMISSION),
        message=_MESSAGES.get(request.query_params.get("done", "")),
        lifecycle=lifecycle_panel(ctx, call.id),  # None: not shown (most roles)
        consent_label=CONSENT_LABELS[call.consent],
        seconds=recording_time,
    )


# What each consent state means, as the call's page says it (``callvault.calls.consent``).
CONSENT_LABELS = {
    "announced": "announced: a recording disclosure was played",
    "consented": "consented: the caller agreed to be recorded",
    "declined": "declined: no recording is kept",
    "not_required": "not required: every party is in a one-party-consent state",
    "required": "required, none recorded: a recording is refused until it is",
    None: "not recorded (the call was stored before consent was kept)",
}


def recording_time(seconds: float) -> str:
    """``m:ss.ss`` from the start of the recording."""
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:05.2f}"


_MESSAGES = {
    "rerun": "The recording job is queued again.",
    "requested": "Your break-glass request is waiting for an approver.",
}


@router.post("/calls/{call_id}/rerun")
def rerun(call_id: ObjectId, ctx: Annotated[Ctx, Depends(form(RERUN_PERMISSION))]) -> Response:
    rerun_failed(ctx, call_id)
    return RedirectResponse(f"/calls/{call_id}?done=rerun", status_code=303)


_REQUESTABLE = {
    Permission.TRANSCRIPT_READ_UNREDACTED.value: Permission.TRANSCRIPT_READ_UNREDACTED,
    Permission.RECORDING_PLAY_UNREDACTED.value: Permission.RECORDING_PLAY_UNREDACTED,
}


@router.post("/calls/{call_id}/break-glass")
def request_break_glass(
    call_id: ObjectId,
    ctx: Annotated[Ctx, Depends(form(Permission.ELEVATION_REQUEST))],
    permission: Annotated[str, Form(max_length=64)],
    reason: Annotated[str, Form(min_length=5, max_length=500)],
) -> Response:
    """A break-glass request for one of the call page's "show original" permissions,
    through the elevation service (which audits it and refuses PHI in the reason)."""
    if permission not in _REQUESTABLE:
        raise InvalidInput("that permission is not asked for from a call page")
    ElevationService(ctx).ask(ElevationRequest(permission, BREAK_GLASS_MINUTES, reason))
    return RedirectResponse(f"/calls/{call_id}?done=requested", status_code=303)


@router.get("/calls/{call_id}/transcript/original")
def original_transcript_page(
    call_id: ObjectId,
    request: Request,
    ctx: Annotated[Ctx, Depends(page(Permission.TRANSCRIPT_READ_UNREDACTED))],
) -> Response:
    """The transcript as uploaded (if the tenant's policy kept it), through the
    service's audited read."""
    service = CallService(ctx, ctx.blobs)
    opened = service.open_object(
        call_id, TRANSCRIPT_ORIGINAL, AuditAction.TRANSCRIPT_READ_UNREDACTED
    )
    document = json.loads(b"".join(opened.blob.iter_plaintext()))
    text = document.get("text") if isinstance(document.get("text"), str) else ""
    return render(
        request,
        "call_original_transcript.html",
        principal=ctx.principal,
        call_id=call_id,
        text=text,
        audited=AUDITED,
    )


@router.get("/calls/{call_id}/recording/original")
def original_recording_page(
    call_id: ObjectId,
    request: Request,
    ctx: Annotated[Ctx, Depends(page(Permission.RECORDING_PLAY_UNREDACTED))],
) -> Response:
    """A player for the recording as uploaded: each request for it is audited by the
    API route it plays from."""
    call = CallService(ctx, ctx.blobs).get(call_id)
    return render(
        request,
        "call_original_recording.html",
        principal=ctx.principal,
        call=call,
        src=f"/api/v1/calls/{call.id}/recording/original" if call.recording_original else None,
        audited=AUDITED,
    )

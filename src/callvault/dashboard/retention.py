"""/retention (``retention:admin``): the tenant's retention periods in one form, and the
changes that wait for a second person's approval, through ``RetentionService`` (as
``/api/v1/retention`` does).

A change that keeps everything as long or longer applies at once. One that deletes
anything sooner needs a fresh step-up (the gate's ``StepUpRequired`` sends the person to
``/account/step-up`` and back) and then waits for another person's approval. A form
POSTs, then redirects back with ``?notice=<key>``; bad input shows the form again (422)
with the message on the field, and nothing is changed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, text
from callvault.dashboard.rendering import render
from callvault.errors import (
    CallVaultError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StepUpRequired,
)
from callvault.lifecycle.datatypes import MAX_DAYS, DataType, Periods
from callvault.lifecycle.retention import PendingChange, RetentionService, parse_periods
from callvault.web.context import RequestContext

router = page_router()

# The page reads the policy through the service, which audits the read (a write).
RetentionPage = Annotated[RequestContext, Depends(page(Permission.RETENTION_ADMIN, writes=True))]
RetentionForm = Annotated[RequestContext, Depends(form(Permission.RETENTION_ADMIN))]
ChangeId = Annotated[str, Form(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

KEEP = "keep"
DAYS_RULE = f'Enter a whole number of days from 1 to {MAX_DAYS:,}, or "keep".'

LABELS: dict[DataType, str] = {
    DataType.RECORDING_ORIGINAL: "Recordings as uploaded",
    DataType.RECORDING_SCRUBBED: "Scrubbed recordings",
    DataType.TRANSCRIPT_ORIGINAL: "Transcripts as uploaded",
    DataType.TRANSCRIPT_REDACTED: "Redacted transcripts",
    DataType.CALL_PHI: "Caller details (number, name, notes)",
    DataType.CALL_METADATA: "Call records without PHI (attribution)",
    DataType.EXPORT: "Exports",
}

NOTICES = {
    "applied": "The retention periods were saved and apply now.",
    "pending": "The change deletes data sooner: it waits for a second person's approval.",
    "approved": "The change was approved and applies now.",
    "withdrawn": "The change was withdrawn.",
}


def shown(days: int | None) -> str:
    """A period as the form shows it: days, or "keep"."""
    return KEEP if days is None else str(days)


def read_periods(values: dict[str, str]) -> tuple[Periods, dict[str, str]]:
    """The form's periods, or a message per field that is not a period."""
    periods: Periods = {}
    errors: dict[str, str] = {}
    for data_type in DataType:
        value = values[data_type.value].strip().lower()
        if value in ("", KEEP):
            periods[data_type] = None
        elif value.isdecimal() and 1 <= int(value) <= MAX_DAYS:
            periods[data_type] = int(value)
        else:
            errors[data_type.value] = DAYS_RULE
    return periods, errors


def differences(change: PendingChange, current: Periods) -> list[tuple[str, str, str]]:
    """What a pending change would change: (label, now, then), in the form's order."""
    return [
        (LABELS[t], shown(current.get(t)), shown(change.periods[t]))
        for t in DataType
        if t in change.periods and change.periods[t] != current.get(t)
    ]


def _retention_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: str | None = None,
) -> Response:
    service = RetentionService(ctx)
    current = service.get()
    pending = service.pending()
    return render(
        request,
        "retention.html",
        principal=ctx.principal,
        status=status,
        labels=LABELS,
        values=values or {t.value: shown(d) for t, d in current.items()},
        errors=errors or {},
        refusal=refusal,
        notice=NOTICES.get(request.query_params.get("notice", "")),
        pending=[(c, differences(c, current)) for c in pending],
        me=ctx.principal.actor_id,
        max_days=MAX_DAYS,
    )


def _back(notice: str) -> Response:
    return RedirectResponse(f"/retention?notice={notice}", status_code=303)


@router.get("/retention")
def retention_page(request: Request, ctx: RetentionPage) -> Response:
    return _retention_page(request, ctx)


@router.post("/retention")
def save_retention(request: Request, ctx: RetentionForm, fields: Fields) -> Response:
    values = {t.value: text(fields, t.value)[:20] for t in DataType}
    periods, errors = read_periods(values)
    if errors:
        return _retention_page(request, ctx, status=422, values=values, errors=errors)
    try:  # the service's own check, as the API's PUT runs it
        periods = parse_periods({t.value: d for t, d in periods.items()})
    except InvalidInput as exc:
        return _retention_page(request, ctx, status=422, values=values, refusal=exc.detail)
    outcome = RetentionService(ctx).change(periods)  # StepUpRequired: the step-up page
    return _back("pending" if outcome.change_id else "applied")


@router.post("/retention/approve")
def approve_change(request: Request, ctx: RetentionForm, change_id: ChangeId) -> Response:
    try:
        RetentionService(ctx).approve(change_id)
    except StepUpRequired:
        raise
    except (PermissionDenied, Conflict, NotFound) as exc:  # the requester, say
        return _refused(request, ctx, exc)
    return _back("approved")


@router.post("/retention/withdraw")
def withdraw_change(request: Request, ctx: RetentionForm, change_id: ChangeId) -> Response:
    try:
        RetentionService(ctx).withdraw(change_id)
    except (Conflict, NotFound) as exc:  # decided meanwhile, or not this tenant's
        return _refused(request, ctx, exc)
    return _back("withdrawn")


def _refused(request: Request, ctx: RequestContext, exc: CallVaultError) -> Response:
    """The page again, saying why the service refused (nothing was changed)."""
    ctx.session.rollback()
    return _retention_page(request, ctx, status=exc.status, refusal=exc.detail)

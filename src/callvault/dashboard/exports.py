"""/exports (``export:create``): ask for an export, see one's own, and download each
once when built; /exports/queue (``export:approve``): the tenant's exports, with
Approve and Reject for those waiting. Both through ``ExportService``, as
``/api/v1/exports`` (docs/exports.md).

The request form is checked by the API's own body model (``ExportIn``). Asking and
approving need a fresh step-up (the gate's ``StepUpRequired`` sends the person to
``/account/step-up`` and back). Download makes a one-time link and redirects to it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, checked_model, text
from callvault.dashboard.rendering import render
from callvault.errors import (
    CallVaultError,
    Conflict,
    Gone,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StepUpRequired,
    TooManyRequests,
)
from callvault.lifecycle.exports import MAX_CALLS, MAX_REQUESTS_PER_DAY, ExportService
from callvault.lifecycle.exports_api import ExportIn, ExportOut
from callvault.web.context import RequestContext

router = page_router()

# Listing is audited (a write), as the API's listing is.
RequesterPage = Annotated[RequestContext, Depends(page(Permission.EXPORT_CREATE, writes=True))]
RequesterForm = Annotated[RequestContext, Depends(form(Permission.EXPORT_CREATE))]
ApproverPage = Annotated[RequestContext, Depends(page(Permission.EXPORT_APPROVE, writes=True))]
ApproverForm = Annotated[RequestContext, Depends(form(Permission.EXPORT_APPROVE))]
ExportId = Annotated[str, Form(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

TEXT_FIELDS = ("reason", "recipient_name", "recipient_id", "since", "until", "campaign")
FIELD_LIMIT = 600  # longer than any field the API takes: its model names the rule
NOTICES = {
    "requested": "The export was requested: it waits for a second person's approval.",
    "approved": "The export was approved: it is built in a moment.",
    "rejected": "The export was rejected.",
}
_REFUSED = (PermissionDenied, Conflict, NotFound, Gone, InvalidInput, TooManyRequests)


def _page(
    request: Request,
    ctx: RequestContext,
    *,
    queue: bool,
    status: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    refusal: str | None = None,
) -> Response:
    service = ExportService(ctx, ctx.blobs)
    rows = service.everyone() if queue else service.mine()
    return render(
        request,
        "exports.html",
        principal=ctx.principal,
        status=status,
        queue=queue,
        exports=[ExportOut.of(row) for row in rows],
        me=ctx.principal.actor_id,
        values=values or {"parts": ["transcripts"]},
        errors=errors or {},
        refusal=refusal,
        notice=NOTICES.get(request.query_params.get("notice", "")),
        max_calls=MAX_CALLS,
        max_a_day=MAX_REQUESTS_PER_DAY,
    )


@router.get("/exports")
def exports_page(request: Request, ctx: RequesterPage) -> Response:
    return _page(request, ctx, queue=False)


@router.get("/exports/queue")
def exports_queue(request: Request, ctx: ApproverPage) -> Response:
    return _page(request, ctx, queue=True)


@router.post("/exports")
def request_export(request: Request, ctx: RequesterForm, fields: Fields) -> Response:
    values: dict[str, Any] = {name: text(fields, name)[:FIELD_LIMIT] for name in TEXT_FIELDS}
    values["parts"] = [p for p in fields.getlist("parts") if isinstance(p, str)][:2]
    values["originals"] = text(fields, "originals") == "yes"
    body, errors = export_body(values | {"passphrase": text(fields, "passphrase")[:2000]})
    if body is None:
        return _page(request, ctx, queue=False, status=422, values=values, errors=errors)
    try:
        ExportService(ctx, ctx.blobs).request(body.ask())
    except StepUpRequired:
        raise
    except _REFUSED as exc:  # no match, too many, the daily limit, originals
        return _refused(request, ctx, exc, queue=False, values=values)
    return RedirectResponse("/exports?notice=requested", status_code=303)


@router.post("/exports/download")
def download(request: Request, ctx: RequesterForm, export_id: ExportId) -> Response:
    """A one-time link, followed at once: the browser downloads the sealed file."""
    try:
        link = ExportService(ctx, ctx.blobs).create_link(export_id)
    except _REFUSED as exc:
        return _refused(request, ctx, exc, queue=False)
    return RedirectResponse(link.url, status_code=303)


@router.post("/exports/approve")
def approve(request: Request, ctx: ApproverForm, export_id: ExportId) -> Response:
    try:
        ExportService(ctx, ctx.blobs).approve(export_id)
    except StepUpRequired:
        raise
    except _REFUSED as exc:  # the requester, say
        return _refused(request, ctx, exc, queue=True)
    return RedirectResponse("/exports/queue?notice=approved", status_code=303)


@router.post("/exports/reject")
def reject(request: Request, ctx: ApproverForm, export_id: ExportId) -> Response:
    try:
        ExportService(ctx, ctx.blobs).reject(export_id)
    except _REFUSED as exc:
        return _refused(request, ctx, exc, queue=True)
    return RedirectResponse("/exports/queue?notice=rejected", status_code=303)


def export_body(values: dict[str, Any]) -> tuple[ExportIn | None, dict[str, str]]:
    """The form as the API's body (days as whole UTC days, ``until`` included), checked
    by ``ExportIn``; else a message per field."""
    data: dict[str, Any] = {
        name: values[name]
        for name in ("reason", "recipient_name", "recipient_id", "passphrase", "parts")
    }
    data["originals"] = values["originals"]
    for name, clock in (("since", "T00:00:00Z"), ("until", "T23:59:59.999999Z")):
        if values[name].strip():
            day = _day(values[name])
            if day is None:
                return None, {name: "Pick a date (YYYY-MM-DD)."}
            data[name] = f"{day}{clock}"
    if values["campaign"].strip():
        data["campaign"] = values["campaign"]
    body, errors = checked_model(ExportIn, data)
    if "form" in errors:  # the model's own rules: a filter, and since before until
        errors["since"] = errors.pop("form").removeprefix("Value error, ")
    return body, errors


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _refused(
    request: Request,
    ctx: RequestContext,
    exc: CallVaultError,
    *,
    queue: bool,
    values: dict[str, Any] | None = None,
) -> Response:
    """The page again, saying why the service refused (nothing was changed)."""
    ctx.session.rollback()
    return _page(request, ctx, queue=queue, status=exc.status, values=values, refusal=exc.detail)

"""/holds (``hold:admin``): the legal holds (active or released), a form to place one,
a Release button per active hold, and the export for counsel, through ``HoldService``
(as ``/api/v1/holds`` does).

The form is checked by the API's own body model (``HoldIn``), so a hold placed here is
held to the same rules: one selector, a reason and a matter. A date range is picked as
whole days in UTC, both ends included, as the API's range is.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, checked_model, text
from callvault.dashboard.rendering import PAGE_HEADERS, render
from callvault.errors import Conflict, InvalidInput, NotFound
from callvault.lifecycle.holds_schemas import Covers, HoldIn, HoldStatus
from callvault.lifecycle.holds_service import HoldService
from callvault.web.context import RequestContext
from callvault.web.params import free_text_query

router = page_router()

HoldPage = Annotated[RequestContext, Depends(page(Permission.HOLD_ADMIN))]
HoldForm = Annotated[RequestContext, Depends(form(Permission.HOLD_ADMIN))]
HoldId = Annotated[str, Form(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

COVERS_LABELS = {
    Covers.CALL: "One call",
    Covers.CALLER: "Every call from a caller's number (later calls too)",
    Covers.DATE_RANGE: "Every call that started in a date range",
    Covers.CAMPAIGN: "Every call of a campaign (later calls too)",
}
NOTICES = {
    "placed": "The hold was placed: nothing it covers is destroyed until it is released.",
    "released": "The hold was released: the next retention sweep destroys what is overdue.",
}
TEXT_FIELDS = (
    "reason",
    "matter",
    "covers",
    "call_id",
    "caller_number",
    "campaign",
    "since",
    "until",
)
FIELD_LIMIT = 600  # longer than any field the API takes: its model names the rule


def _holds_page(
    request: Request,
    ctx: RequestContext,
    status_filter: HoldStatus = HoldStatus.ACTIVE,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: str | None = None,
) -> Response:
    holds = HoldService(ctx).list_holds(status_filter).items
    return render(
        request,
        "holds.html",
        principal=ctx.principal,
        status=status,
        holds=holds,
        shown_status=status_filter.value,
        statuses=list(HoldStatus),
        covers=COVERS_LABELS,
        values=values or {"covers": Covers.CALL.value},
        errors=errors or {},
        refusal=refusal,
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


@router.get("/holds")
def holds_page(
    request: Request,
    ctx: HoldPage,
    status: Annotated[str | None, free_text_query(16)] = None,
) -> Response:
    try:
        chosen = HoldStatus(status or HoldStatus.ACTIVE.value)
    except ValueError:
        raise InvalidInput("status must be active, released or all") from None
    return _holds_page(request, ctx, chosen)


@router.get("/holds/export")
def export_for_counsel(ctx: HoldPage) -> Response:
    """Every hold, and the calls each active one covers (no PHI), as a JSON download."""
    export = HoldService(ctx).export()
    name = f"legal-holds-{export.generated_at:%Y%m%dT%H%M%SZ}.json"
    return Response(
        export.model_dump_json(indent=2),
        media_type="application/json",
        headers={**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/holds")
def place_hold(request: Request, ctx: HoldForm, fields: Fields) -> Response:
    values = {name: text(fields, name)[:FIELD_LIMIT] for name in TEXT_FIELDS}
    body, errors = hold_body(values)
    if body is None:
        return _holds_page(request, ctx, status=422, values=values, errors=errors)
    try:
        HoldService(ctx).place(body)
    except (InvalidInput, NotFound) as exc:  # a number that is no number; not our call
        ctx.session.rollback()
        named = "caller_number" if isinstance(exc, InvalidInput) else "call_id"
        errors = {named: exc.detail}
        return _holds_page(request, ctx, status=exc.status, values=values, errors=errors)
    return RedirectResponse("/holds?notice=placed", status_code=303)


@router.post("/holds/release")
def release_hold(request: Request, ctx: HoldForm, hold_id: HoldId) -> Response:
    try:
        HoldService(ctx).release(hold_id)
    except (Conflict, NotFound) as exc:  # released meanwhile, or not this tenant's
        ctx.session.rollback()
        return _holds_page(request, ctx, status=exc.status, refusal=exc.detail)
    return RedirectResponse("/holds?notice=released", status_code=303)


def hold_body(values: dict[str, str]) -> tuple[HoldIn | None, dict[str, str]]:
    """The form as the API's body: the chosen selector only (the other fields of the
    form may hold leftovers), checked by ``HoldIn``; else a message per field."""
    data: dict[str, Any] = {"reason": values["reason"], "matter": values["matter"]}
    covers = values["covers"]
    if covers == Covers.DATE_RANGE:
        since, until = _day(values["since"]), _day(values["until"])
        if since is None or until is None:
            name = "since" if since is None else "until"
            return None, {name: "Pick a date (YYYY-MM-DD)."}
        data["since"], data["until"] = f"{since}T00:00:00Z", f"{until}T23:59:59.999999Z"
    elif covers in (Covers.CALL, Covers.CALLER, Covers.CAMPAIGN):
        name = {"call": "call_id", "caller": "caller_number", "campaign": "campaign"}[covers]
        data[name] = values[name] or None
        if data[name] is None:
            return None, {name: "Fill this in for the hold you chose."}
    else:
        return None, {"covers": "Choose what the hold covers."}
    body, errors = checked_model(HoldIn, data)
    if "form" in errors:  # the model's own rule: since after until
        errors["since"] = errors.pop("form").removeprefix("Value error, ")
    return body, errors


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None

"""/incidents (``incident:admin``): breach incidents with the days left on their clock
and a form to open one; an incident's page with its scope queries and the counts per
State they give, the notices owed, the timeline (notes and notices sent), closing, and
the evidence download, all through ``IncidentService`` (as ``/api/v1/incidents`` does).

Each form is checked by the API's own body model. Times of a scope window are picked as
UTC date and time. A form POSTs, then redirects with ``?notice=<key>``; bad input shows
the page again (422) with the message on the field, and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, checked_model, text
from callvault.dashboard.rendering import PAGE_HEADERS, render
from callvault.errors import Conflict, InvalidInput
from callvault.incidents.clock import Duty
from callvault.incidents.schemas import IncidentIn, ScopeQueryIn, TimelineIn
from callvault.incidents.service import IncidentService
from callvault.phone_states import JURISDICTIONS
from callvault.web.context import RequestContext
from callvault.web.params import ObjectId

router = page_router()

IncidentPage = Annotated[RequestContext, Depends(page(Permission.INCIDENT_ADMIN))]
# The evidence download signs a tree head and appends to the timeline: a write.
EvidencePage = Annotated[RequestContext, Depends(page(Permission.INCIDENT_ADMIN, writes=True))]
IncidentForm = Annotated[RequestContext, Depends(form(Permission.INCIDENT_ADMIN))]

DUTY_LABELS = {
    Duty.INDIVIDUALS: "Individuals",
    Duty.SECRETARY: "HHS Secretary (500 or more)",
    Duty.SECRETARY_ANNUAL_LOG: "HHS Secretary, annual log (fewer than 500)",
    Duty.MEDIA: "Media in a State (more than 500 residents)",
}
NOTICES = {
    "created": "The incident was opened: its 60-day clock runs from the discovery date.",
    "scoped": "The scope query was added and the scope computed again.",
    "noted": "The entry was added to the timeline.",
    "closed": "The incident was closed.",
}
FIELD_LIMIT = 1100  # longer than any field the API takes: its model names the rule


def _values(fields: Fields, *names: str) -> dict[str, str]:
    return {name: text(fields, name).strip()[:FIELD_LIMIT] for name in names}


def _list_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "incidents.html",
        principal=ctx.principal,
        status=status,
        incidents=IncidentService(ctx).list_incidents().items,
        values=values or {},
        errors=errors or {},
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


def _incident_page(
    request: Request,
    ctx: RequestContext,
    incident_id: str,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: str | None = None,
) -> Response:
    return render(
        request,
        "incident.html",
        principal=ctx.principal,
        status=status,
        incident=IncidentService(ctx).get(incident_id),
        duty_labels=DUTY_LABELS,
        states=JURISDICTIONS,
        values=values or {},
        errors=errors or {},
        refusal=refusal,
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


@router.get("/incidents")
def incidents_page(request: Request, ctx: IncidentPage) -> Response:
    return _list_page(request, ctx)


@router.post("/incidents")
def open_incident(request: Request, ctx: IncidentForm, fields: Fields) -> Response:
    values = _values(fields, "title", "discovered_on")
    body, errors = checked_model(IncidentIn, values)
    if body is None:
        return _list_page(request, ctx, status=422, values=values, errors=errors)
    try:
        incident = IncidentService(ctx).create(body)
    except InvalidInput as exc:  # a discovery date in the future
        ctx.session.rollback()
        errors = {"discovered_on": exc.detail}
        return _list_page(request, ctx, status=422, values=values, errors=errors)
    return RedirectResponse(f"/incidents/{incident.id}?notice=created", status_code=303)


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, incident_id: ObjectId, ctx: IncidentPage) -> Response:
    return _incident_page(request, ctx, incident_id)


@router.get("/incidents/{incident_id}/evidence")
def download_evidence(incident_id: ObjectId, ctx: EvidencePage) -> Response:
    bundle = IncidentService(ctx).evidence(incident_id)
    name = f"incident-{incident_id}-evidence.json"
    return Response(
        bundle.model_dump_json(indent=2),
        media_type="application/json",
        headers={**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/incidents/{incident_id}/scope")
def add_scope_query(
    request: Request, incident_id: ObjectId, ctx: IncidentForm, fields: Fields
) -> Response:
    values = _values(fields, "actor_id", "network", "since", "until")
    data, errors = _in_utc({name: value for name, value in values.items() if value})
    body = None
    if not errors:
        body, errors = checked_model(ScopeQueryIn, data)
    if body is None:
        errors = _form_level(errors, "scope")
        return _incident_page(request, ctx, incident_id, status=422, values=values, errors=errors)
    return _done(
        request, ctx, incident_id, "scoped", values, lambda s: s.add_scope_query(incident_id, body)
    )


@router.post("/incidents/{incident_id}/timeline")
def add_to_timeline(
    request: Request, incident_id: ObjectId, ctx: IncidentForm, fields: Fields
) -> Response:
    values = _values(fields, "kind", "note", "duty", "state", "sent_on")
    data = {name: value for name, value in values.items() if value}
    body, errors = checked_model(TimelineIn, data)
    if body is None:
        errors = _form_level(errors, "timeline")
        return _incident_page(request, ctx, incident_id, status=422, values=values, errors=errors)
    return _done(
        request, ctx, incident_id, "noted", values, lambda s: s.add_to_timeline(incident_id, body)
    )


@router.post("/incidents/{incident_id}/close")
def close_incident(request: Request, incident_id: ObjectId, ctx: IncidentForm) -> Response:
    return _done(request, ctx, incident_id, "closed", {}, lambda s: s.close(incident_id))


def _done(
    request: Request,
    ctx: RequestContext,
    incident_id: str,
    notice: str,
    values: dict[str, str],
    change: Callable[[IncidentService], object],
) -> Response:
    """Make ``change``, then back to the incident; a refusal shows the page again."""
    try:
        change(IncidentService(ctx))
    except Conflict as exc:  # closed, here or meanwhile
        ctx.session.rollback()
        return _incident_page(request, ctx, incident_id, status=409, refusal=exc.detail)
    except InvalidInput as exc:  # the service's own date rule: a notice's sent_on
        ctx.session.rollback()
        errors = {"sent_on": exc.detail}
        return _incident_page(request, ctx, incident_id, status=422, values=values, errors=errors)
    return RedirectResponse(f"/incidents/{incident_id}?notice={notice}", status_code=303)


def _in_utc(data: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The window's ``datetime-local`` values read as UTC, in ISO 8601 with an offset
    (as the API takes them); or a message for each that is no date and time."""
    converted, errors = dict(data), dict[str, str]()
    for name in ("since", "until"):
        if name not in data:
            continue
        try:
            moment = datetime.fromisoformat(data[name])
        except ValueError:
            errors[name] = "Pick a date and time (UTC)."
            continue
        converted[name] = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
    return converted, errors


def _form_level(errors: dict[str, str], form_name: str) -> dict[str, str]:
    """A rule of the whole body (``since`` before ``until``; a notice's fields) shown
    at the top of the form it came from."""
    if "form" in errors:
        errors[form_name] = errors.pop("form").removeprefix("Value error, ")
    return errors

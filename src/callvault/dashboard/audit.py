"""The audit pages: search the trail, see the latest signed tree head and how far
``callvault audit verify`` last got, and one event with its inclusion proof, which the
page checks in the browser (``static/proof.js``) against the signed head.

Every read goes through ``AuditReader``, the service behind ``/api/v1/audit``, so a page
view is audited exactly as the API's reads are (``audit:read`` events, committed before
the page goes out, failing closed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Request, Response

from callvault.audit.actions import AuditAction
from callvault.audit.encoding import FIELDS
from callvault.audit.query import AuditReader, EventFilters, encode_cursor, parse_term
from callvault.audit.schemas import iso_ms
from callvault.audit.service import Outcome
from callvault.audit.verify import checkpoint_path
from callvault.authz.permissions import Permission
from callvault.dashboard.access import page, page_router
from callvault.dashboard.rendering import render
from callvault.errors import InvalidInput
from callvault.web.context import RequestContext
from callvault.web.params import free_text_query

router = page_router()

PAGE_SIZE = 50


# Like the API's proof and head reads, these pages may sign a fresh tree head.
AuditPage = Annotated[RequestContext, Depends(page(Permission.AUDIT_READ, writes=True))]


@dataclass(frozen=True)
class LastVerification:
    """The head ``callvault audit verify`` last accepted for the tenant, from its
    checkpoint in the data directory (``Settings.audit_checkpoint_dir``)."""

    tree_size: int
    root_hash: str
    head_timestamp: str
    verified_at: str

    @property
    def last_seq(self) -> int:
        return self.tree_size - 1


def last_verification(directory: Path, tenant_id: str) -> LastVerification | None:
    """The checkpoint ``audit verify`` writes (``<tenant id>.json``), or None when this
    data directory has never verified the tenant's log (or the file is unreadable)."""
    path = checkpoint_path(directory, tenant_id)
    try:
        data = json.loads(path.read_text())
        stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        return LastVerification(
            tree_size=int(data["tree_size"]),
            root_hash=str(data["root_hash"]),
            head_timestamp=iso_ms(int(data["at_ms"])),
            verified_at=stamp.strftime("%Y-%m-%d %H:%M UTC"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _moment(text: str, name: str) -> datetime:
    """A time from the form: ``datetime-local`` text (read as UTC) or ISO 8601."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name} is not a date and time (YYYY-MM-DDTHH:MM)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


Text64 = Annotated[str | None, free_text_query(64)]
Text32 = Annotated[str | None, free_text_query(32)]
Text100 = Annotated[str | None, free_text_query(100)]


@router.get("/audit")
def audit_page(
    request: Request,
    ctx: AuditPage,
    actor: Text64 = None,
    action: Text64 = None,
    resource_type: Text32 = None,
    resource: Text64 = None,
    outcome: Text32 = None,
    since: Text32 = None,
    until: Text32 = None,
    term: Text100 = None,
    cursor: Text100 = None,
) -> Response:
    form = {
        "actor": (actor or "").strip(),
        "action": (action or "").strip(),
        "resource_type": (resource_type or "").strip(),
        "resource": (resource or "").strip(),
        "outcome": (outcome or "").strip(),
        "since": (since or "").strip(),
        "until": (until or "").strip(),
        "term": (term or "").strip(),
    }
    errors: list[str] = []
    filters: EventFilters | None = None
    try:
        filters = _filters(form, cursor or None, errors)
        page = AuditReader(ctx).events(filters) if filters is not None else None
    except InvalidInput as exc:
        errors.append(exc.detail or "the search is not valid")
        page = None
    if page is None:
        ctx.session.rollback()
        return _audit_html(request, ctx, form, errors=errors, status=422)
    head = AuditReader(ctx).tree_head()
    query = {name: value for name, value in form.items() if value}
    next_url = None
    if page.has_more and page.next_cursor:
        next_url = "/audit?" + urlencode({**query, "cursor": page.next_cursor})
    return _audit_html(
        request,
        ctx,
        form,
        page=page,
        head=head,
        next_url=next_url,
        first_url=("/audit?" + urlencode(query)) if cursor else None,
        verification=last_verification(ctx.settings.audit_checkpoint_dir, ctx.tenant_id),
    )


def _filters(form: dict[str, str], cursor: str | None, errors: list[str]) -> EventFilters | None:
    found_outcome: Outcome | None = None
    if form["outcome"]:
        try:
            found_outcome = Outcome(form["outcome"])
        except ValueError:
            errors.append("outcome must be one of " + ", ".join(o.value for o in Outcome))
    moments: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        moments[name] = None
        if form[name]:
            try:
                moments[name] = _moment(form[name], name)
            except InvalidInput as exc:
                errors.append(exc.detail or f"{name} is not valid")
    if form["term"]:
        try:
            parse_term(form["term"])
        except InvalidInput as exc:
            errors.append(exc.detail or "term is not valid")
    if errors:
        return None
    return EventFilters(
        actor=form["actor"] or None,
        action=form["action"] or None,
        resource_type=form["resource_type"] or None,
        resource=form["resource"] or None,
        outcome=found_outcome,
        since=moments["since"],
        until=moments["until"],
        term=form["term"] or None,
        cursor=cursor,
        limit=PAGE_SIZE,
    )


def _audit_html(
    request: Request,
    ctx: RequestContext,
    form: dict[str, str],
    *,
    status: int = 200,
    **values: object,
) -> Response:
    return render(
        request,
        "audit.html",
        principal=ctx.principal,
        status=status,
        form=form,
        actions=sorted(a.value for a in AuditAction),
        outcomes=[o.value for o in Outcome],
        **{"errors": [], "page": None, "head": None, "verification": None, **values},
    )


@router.get("/audit/events/{seq}")
def audit_event_page(request: Request, seq: str, ctx: AuditPage) -> Response:
    # ``seq`` is text, as in the API: a path that names no event is a 404 page.
    reader = AuditReader(ctx)
    proof = reader.inclusion(seq)
    number = proof.leaf_index
    after = encode_cursor(number - 1) if number > 0 else None
    found = reader.events(EventFilters(cursor=after, limit=1)).items
    event = found[0] if found and found[0].seq == number else None
    fields: dict[str, object] = {}
    if event is not None:
        fields = event.model_dump()
        fields["tenant_id"] = ctx.tenant_id
        fields["hashed_terms"] = " ".join(event.hashed_terms) or None
    return render(
        request,
        "audit_event.html",
        principal=ctx.principal,
        event=event,
        proof=proof,
        encoded=[(name, fields.get(name)) for name in FIELDS],
    )

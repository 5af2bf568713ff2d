"""A call's lifecycle, on its page, for those who manage it: the "Legal hold" badge
(``retention:admin`` or ``hold:admin``) and the "Shred…" form (``retention:admin``),
which calls ``shred_now`` as ``POST /api/v1/calls/{id}/shred`` does: a fresh step-up
first (the step-up page, then back to the call), refused while a legal hold covers the
call, and a deletion certificate for each piece destroyed.

Everyone else sees the call page as it was: ``lifecycle_panel`` is None for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page_router
from callvault.dashboard.admin import Fields, choices, text
from callvault.dashboard.rendering import render
from callvault.dashboard.retention import LABELS
from callvault.errors import Conflict, NotFound
from callvault.lifecycle.datatypes import DataType, parse_data_type
from callvault.lifecycle.holds import is_call_held
from callvault.lifecycle.manual import call_exists, shred_now
from callvault.lifecycle.shredding import Certificate
from callvault.web.context import RequestContext
from callvault.web.params import ObjectId

router = page_router()

ShredForm = Annotated[RequestContext, Depends(form(Permission.RETENTION_ADMIN))]

CHOOSE = "Choose at least one kind of data to shred."
CONFIRM = "Tick the box to confirm: shredding cannot be undone."


@dataclass(frozen=True)
class LifecyclePanel:
    """What the call page shows of the call's lifecycle to this principal."""

    held: bool
    may_shred: bool

    @property
    def labels(self) -> dict[DataType, str]:
        return LABELS


def lifecycle_panel(ctx: RequestContext, call_id: str) -> LifecyclePanel | None:
    may_shred = ctx.may(Permission.RETENTION_ADMIN)
    if not (may_shred or ctx.may(Permission.HOLD_ADMIN)):
        return None
    return LifecyclePanel(is_call_held(ctx.session, ctx.tenant_id, call_id), may_shred)


@router.post("/calls/{call_id}/shred")
def shred_call(call_id: ObjectId, request: Request, ctx: ShredForm, fields: Fields) -> Response:
    """Shred the ticked data of the call now, then show its deletion certificates."""
    named = choices(fields, "data_types")
    data_types = [t for t in map(parse_data_type, named) if t is not None]
    problem = None
    if not data_types or len(data_types) != len(named):
        problem = CHOOSE
    elif text(fields, "confirm") != "yes":
        problem = CONFIRM
    if problem is not None:
        if not call_exists(ctx, call_id):  # another tenant's call looks like no call at all
            raise NotFound("no such call")
        return _shred_page(request, ctx, call_id, 422, error=problem, chosen=data_types)
    try:
        certificates = shred_now(ctx, call_id, data_types)  # StepUpRequired: step-up page
    except Conflict as exc:  # a legal hold covers the call: audited, nothing destroyed
        return _shred_page(request, ctx, call_id, 409, error=exc.detail, held=True)
    return _shred_page(request, ctx, call_id, 200, certificates=certificates, chosen=data_types)


def _shred_page(
    request: Request,
    ctx: RequestContext,
    call_id: str,
    status: int,
    *,
    error: str | None = None,
    held: bool = False,
    chosen: list[DataType] | None = None,
    certificates: list[Certificate] | None = None,
) -> Response:
    return render(
        request,
        "call_shred.html",
        principal=ctx.principal,
        status=status,
        call_id=call_id,
        error=error,
        held=held,
        chosen=chosen or [],
        labels=LABELS,
        certificates=certificates,
        call_gone=DataType.CALL_METADATA in (chosen or []) and certificates is not None,
    )

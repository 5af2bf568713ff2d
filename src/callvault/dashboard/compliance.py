"""/compliance (``compliance:read``): the live compliance status, each check with its
badge, evidence and HIPAA section (as ``GET /api/v1/compliance/status`` gives them),
a link to the risk analysis report (``GET /api/v1/compliance/report``, PDF), and, for
``training:admin``, the workforce training records with a form to record a
completion (through ``TrainingService``, as ``/api/v1/training`` does).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, checked_model, text
from callvault.dashboard.rendering import render
from callvault.errors import InvalidInput, NotFound
from callvault.identity.models import User
from callvault.identity.training.schemas import TrainingIn
from callvault.identity.training.service import TrainingService, training_records
from callvault.safeguards.service import status_report
from callvault.web.context import RequestContext

router = page_router()

# One audited read per page (``compliance:status_read``, which covers the training
# records shown with it), through a read-only session as the API's reads.
CompliancePage = Annotated[RequestContext, Depends(page(Permission.COMPLIANCE_READ))]
TrainingForm = Annotated[RequestContext, Depends(form(Permission.TRAINING_ADMIN))]

TRAINING_FIELDS = ("user_id", "course", "completed_on")
FIELD_LIMIT = 300  # longer than any field the API takes: its model names the rule
NOTICES = {"recorded": "The training completion was recorded."}


def _compliance_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    manages_training = ctx.may(Permission.TRAINING_ADMIN)
    records = training_records(ctx.session) if manages_training else []
    people = _people(ctx) if manages_training else {}
    # The audited read comes last: it ends the transaction, and the form's write
    # session must not begin another (holding the write lock) while the event waits for
    # its commit at the end of the request.
    report = status_report(ctx, ctx.settings)
    return render(
        request,
        "compliance.html",
        principal=ctx.principal,
        status=status,
        report=report,
        manages_training=manages_training,
        records=records,
        people=people,
        values=values or {},
        errors=errors or {},
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


def _people(ctx: RequestContext) -> dict[str, str]:
    """The tenant's active workforce by id, with their e-mail addresses (staff, not PHI)."""
    rows = ctx.session.execute(
        select(User.id, User.email).where(User.active.is_(True)).order_by(User.email)
    )
    return {user_id: email for user_id, email in rows}


@router.get("/compliance")
def compliance_page(request: Request, ctx: CompliancePage) -> Response:
    return _compliance_page(request, ctx)


@router.post("/compliance/training")
def record_training(request: Request, ctx: TrainingForm, fields: Fields) -> Response:
    values = {name: text(fields, name).strip()[:FIELD_LIMIT] for name in TRAINING_FIELDS}
    body, errors = checked_model(TrainingIn, {k: v for k, v in values.items() if v})
    if body is None:
        return _compliance_page(request, ctx, status=422, values=values, errors=errors)
    try:
        TrainingService(ctx).record(body)
    except (InvalidInput, NotFound) as exc:  # a future date; a user not of this tenant
        ctx.session.rollback()
        field = "completed_on" if isinstance(exc, InvalidInput) else "user_id"
        errors = {field: exc.detail}
        return _compliance_page(request, ctx, status=exc.status, values=values, errors=errors)
    return RedirectResponse("/compliance?notice=recorded", status_code=303)

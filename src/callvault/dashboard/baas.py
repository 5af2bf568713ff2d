"""/baas (``baa:admin``): the tenant's business associate agreements, whether each
opens the PHI gate today, a form to record one, and Activate / Terminate buttons,
through ``BaaService`` (as ``/api/v1/baas`` does; the form is checked by its body
model, ``BaaIn``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.compliance.schemas import BaaChange, BaaIn
from callvault.compliance.service import BaaService
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, checked_model, text
from callvault.dashboard.rendering import render
from callvault.errors import Conflict, InvalidInput, NotFound
from callvault.tenants.agreements import AgreementKind
from callvault.web.context import RequestContext

router = page_router()

BaaPage = Annotated[RequestContext, Depends(page(Permission.BAA_ADMIN))]
BaaForm = Annotated[RequestContext, Depends(form(Permission.BAA_ADMIN))]
BaaId = Annotated[str, Form(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
DocumentHash = Annotated[str, Form(max_length=100)]

KIND_LABELS = {
    AgreementKind.COVERED_ENTITY: "Covered entity (the clinic)",
    AgreementKind.STORAGE: "Storage provider",
    AgreementKind.TRANSCRIPTION: "Transcription vendor",
    AgreementKind.SIEM: "SIEM (audit log receiver)",
    AgreementKind.TELEPHONY: "Telephony (Twilio, ...)",
    AgreementKind.AD_PLATFORM: "Ad platform",
}
NOTICES = {
    "recorded": "The agreement was recorded as a draft: activate it once it is signed.",
    "activated": "The agreement is active: what it covers is open from its effective date.",
    "terminated": "The agreement was terminated: what it covered is closed from now on.",
}
TEXT_FIELDS = ("kind", "counterparty", "effective_on", "ends_on", "document_sha256")
FIELD_LIMIT = 300  # longer than any field the API takes: its model names the rule


def _baas_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: str | None = None,
) -> Response:
    return render(
        request,
        "baas.html",
        principal=ctx.principal,
        status=status,
        agreements=BaaService(ctx).list_agreements().items,
        kinds=KIND_LABELS,
        values=values or {"kind": AgreementKind.COVERED_ENTITY.value},
        errors=errors or {},
        refusal=refusal,
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


@router.get("/baas")
def baas_page(request: Request, ctx: BaaPage) -> Response:
    return _baas_page(request, ctx)


@router.post("/baas")
def record_baa(request: Request, ctx: BaaForm, fields: Fields) -> Response:
    values = {name: text(fields, name).strip()[:FIELD_LIMIT] for name in TEXT_FIELDS}
    # Blank fields are absent; the hash is taken in either case, as sha256sum prints it.
    data: dict[str, Any] = {k: v for k, v in values.items() if v}
    if "document_sha256" in data:
        data["document_sha256"] = data["document_sha256"].lower()
    body, errors = checked_model(BaaIn, data)
    if body is None:
        return _baas_page(request, ctx, status=422, values=values, errors=errors)
    try:
        BaaService(ctx).create(body)
    except InvalidInput as exc:  # ends before it starts
        ctx.session.rollback()
        errors = {"ends_on": exc.detail}
        return _baas_page(request, ctx, status=exc.status, values=values, errors=errors)
    return RedirectResponse("/baas?notice=recorded", status_code=303)


@router.post("/baas/activate")
def activate_baa(
    request: Request, ctx: BaaForm, baa_id: BaaId, document_sha256: DocumentHash = ""
) -> Response:
    """Sets the document's hash first when one is typed in, then activates."""
    digest = document_sha256.strip().lower()
    service = BaaService(ctx)
    try:
        if digest:
            change, errors = checked_model(BaaChange, {"document_sha256": digest})
            if change is None:
                return _baas_page(request, ctx, status=422, refusal=errors["document_sha256"])
            service.change(baa_id, change)
        service.activate(baa_id)
    except (Conflict, InvalidInput, NotFound) as exc:
        ctx.session.rollback()
        return _baas_page(request, ctx, status=exc.status, refusal=exc.detail)
    return RedirectResponse("/baas?notice=activated", status_code=303)


@router.post("/baas/terminate")
def terminate_baa(request: Request, ctx: BaaForm, baa_id: BaaId) -> Response:
    try:
        BaaService(ctx).terminate(baa_id)
    except (Conflict, NotFound) as exc:  # terminated meanwhile, or not this tenant's
        ctx.session.rollback()
        return _baas_page(request, ctx, status=exc.status, refusal=exc.detail)
    return RedirectResponse("/baas?notice=terminated", status_code=303)

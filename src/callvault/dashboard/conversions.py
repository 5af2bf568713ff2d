"""/tracking/conversions (``tracking:admin``): the tenant's conversion destinations, a
form to add one, and for each a dry run (the exact payloads, nothing sent), a send, or
the Google Ads CSV download, all through ``ConversionService`` as the API does (the
same gate, the same audit). A refusal for want of an ``ad_platform`` BAA is shown on
the page with its 403."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import Fields, checked, checked_model, text, whole_number
from callvault.dashboard.rendering import render
from callvault.errors import CallVaultError
from callvault.tracking.conversion_models import DestinationKind
from callvault.tracking.conversion_schemas import DestinationIn, Preview, SendResult
from callvault.tracking.conversion_service import ConversionService
from callvault.web.context import RequestContext
from callvault.web.params import ObjectId

router = page_router()

ConversionsPage = Annotated[RequestContext, Depends(page(Permission.TRACKING_ADMIN))]
ConversionsForm = Annotated[RequestContext, Depends(form(Permission.TRACKING_ADMIN))]
PATH = "/tracking/conversions"
TEXT_FIELDS = ("name", "kind", "conversion_name", "value", "currency", "url", "measurement_id")
ADDED = "The destination was added."
FIELD_LIMIT = 2048  # the longest field the API takes (a URL): its model names the rule


def _service(ctx: RequestContext) -> ConversionService:
    return ConversionService(ctx, ctx.settings.conversions_ca_bundle)


def _page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    preview: Preview | None = None,
) -> Response:
    return render(
        request,
        "conversions.html",
        principal=ctx.principal,
        status=status,
        destinations=_service(ctx).list().items,
        kinds=[kind.value for kind in DestinationKind],
        values=values or {},
        errors=errors or {},
        notice=notice or (ADDED if "added" in request.query_params else None),
        preview=preview,
        shown=lambda body: body if isinstance(body, str) else json.dumps(body, indent=2),
    )


@router.get(PATH)
def conversions_page(request: Request, ctx: ConversionsPage) -> Response:
    return _page(request, ctx)


@router.post(PATH)
def add_destination(request: Request, ctx: ConversionsForm, fields: Fields) -> Response:
    values: dict[str, Any] = {n: text(fields, n).strip()[:FIELD_LIMIT] for n in TEXT_FIELDS}
    data: dict[str, Any] = {name: value for name, value in values.items() if value}
    minimum = text(fields, "min_duration_seconds").strip()
    if minimum:
        data["min_duration_seconds"] = whole_number(minimum)
    data["answered_only"] = checked(fields, "answered_only")
    data["deidentified"] = checked(fields, "deidentified")
    secret = text(fields, "secret")[:FIELD_LIMIT]  # never put back in the form
    if secret:
        data["secret"] = secret
    values |= {"min_duration_seconds": minimum}
    body, errors = checked_model(DestinationIn, data)
    if body is None:
        return _page(request, ctx, status=422, values=values, errors=errors)
    try:
        _service(ctx).create(body)
    except CallVaultError as exc:  # a URL that may not be called, or a name taken
        ctx.session.rollback()
        named = "url" if exc.status == 422 else "name"
        return _page(request, ctx, status=exc.status, values=values, errors={named: exc.detail})
    return RedirectResponse(f"{PATH}?added=1", status_code=303)


@router.post(PATH + "/{destination_id}/preview")
def preview(request: Request, ctx: ConversionsForm, destination_id: ObjectId) -> Response:
    try:
        shown = _service(ctx).preview(destination_id)
    except CallVaultError as exc:
        return _refused(request, ctx, exc)
    count = len(shown.payloads)
    notice = f"Dry run: {count} payload(s) would be sent now. Nothing was sent."
    return _page(request, ctx, notice=notice, preview=shown)


@router.post(PATH + "/{destination_id}/send")
def send(request: Request, ctx: ConversionsForm, destination_id: ObjectId) -> Response:
    try:
        result = _service(ctx).send(destination_id)
    except CallVaultError as exc:
        return _refused(request, ctx, exc)
    return _page(request, ctx, notice=_sent(result))


@router.post(PATH + "/{destination_id}/export.csv")
def export_csv(request: Request, ctx: ConversionsForm, destination_id: ObjectId) -> Response:
    try:
        upload = _service(ctx).export_csv(destination_id)
    except CallVaultError as exc:
        return _refused(request, ctx, exc)
    return Response(
        upload,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="google-ads-conversions.csv"'},
    )


def _refused(request: Request, ctx: RequestContext, exc: CallVaultError) -> Response:
    """The page again with the refusal (no BAA, no such destination, wrong kind)."""
    ctx.session.rollback()
    return _page(request, ctx, status=exc.status, errors={"action": exc.detail or exc.title})


def _sent(result: SendResult) -> str:
    failed = "; ".join(f"{f.sha256[:12]}…: {f.reason}" for f in result.failed)
    return f"Sent {result.sent} payload(s)." + (f" Not taken: {failed}" if failed else "")

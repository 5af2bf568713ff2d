"""``GET /api/v1/compliance/status`` (``compliance:read``): every safeguard checked now;
``GET /api/v1/compliance/report``: the risk analysis report made of them, PDF or HTML."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from callvault.authz.permissions import Permission
from callvault.safeguards.documents import ReportFormat, risk_report_document
from callvault.safeguards.schemas import StatusReport
from callvault.safeguards.service import status_report
from callvault.web.context import RequestContext, require
from callvault.web.pools import PooledRoute
from callvault.web.responses import model_response

router = APIRouter(prefix="/api/v1/compliance", tags=["compliance"], route_class=PooledRoute)

ComplianceReader = Annotated[RequestContext, Depends(require(Permission.COMPLIANCE_READ))]


@router.get("/status", response_model=StatusReport)
def compliance_status(ctx: ComplianceReader) -> Response:
    """Each check's ``status`` (pass, warn, fail), evidence and HIPAA section, computed
    from the system at this moment; ``status`` on top is the worst of them."""
    return model_response(status_report(ctx, ctx.settings))


@router.get(
    "/report",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "text/html": {}}}},
)
def compliance_report(
    ctx: ComplianceReader,
    report_format: Annotated[ReportFormat, Query(alias="format")] = ReportFormat.PDF,
) -> Response:
    """The risk analysis report (45 CFR 164.308(a)(1)(ii)(A)): the live checks, the
    configuration and the audit statistics under each Security Rule standard; its
    making is audited with the document's SHA-256 (also in ``X-Content-SHA256``)."""
    document = risk_report_document(ctx, ctx.settings, report_format)
    return Response(
        document.content,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            "Cache-Control": "no-store",
            "X-Content-SHA256": document.sha256,
        },
    )

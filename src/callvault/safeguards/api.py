"""``GET /api/v1/compliance/status`` (``compliance:read``): every safeguard checked now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from callvault.authz.permissions import Permission
from callvault.safeguards.schemas import StatusReport
from callvault.safeguards.service import status_report
from callvault.web.context import RequestContext, require
from callvault.web.responses import model_response

router = APIRouter(prefix="/api/v1/compliance", tags=["compliance"])


@router.get("/status", response_model=StatusReport)
def compliance_status(
    ctx: Annotated[RequestContext, Depends(require(Permission.COMPLIANCE_READ))],
) -> Response:
    """Each check's ``status`` (pass, warn, fail), evidence and HIPAA section, computed
    from the system at this moment; ``status`` on top is the worst of them."""
    return model_response(status_report(ctx, ctx.settings))

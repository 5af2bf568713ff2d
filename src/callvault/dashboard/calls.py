"""The calls pages: the table of calls and one call's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from callvault.authz.permissions import Permission
from callvault.calls.service import CallService, SearchFilters
from callvault.dashboard.access import page, page_router
from callvault.dashboard.rendering import render
from callvault.web.context import RequestContext

router = page_router()


@router.get("/calls")
def calls_page(
    request: Request, ctx: Annotated[RequestContext, Depends(page(Permission.CALL_READ))]
) -> Response:
    found = CallService(ctx, ctx.blobs).search(SearchFilters(limit=50))
    return render(request, "calls.html", principal=ctx.principal, page=found)

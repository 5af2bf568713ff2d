"""``GET /metrics`` (``metrics:read``): the Prometheus text exposition, and the
middleware that counts every request under its route template.

On the API's own port, behind a permission rather than on a port of its own: nothing
unauthenticated ever reaches it, and a Prometheus server scrapes it with an API token
of a role holding ``metrics:read`` (an admin's token narrowed to that one scope is the
usual scrape token; docs/metrics.md). A scrape reads operational counters only (no PHI,
no tenant names or ids), so it is not audited; a refused one is, by the gate.

Requests are labelled with the template of the route that answered them
(``/api/v1/calls/{call_id}``), never the path, which carries ids and may carry phone
numbers; a path no route matches is counted as ``unmatched``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from starlette.types import Scope

from callvault.authz.permissions import Permission
from callvault.metrics import (
    CONTENT_TYPE,
    HTTP_REQUEST_SECONDS,
    HTTP_REQUESTS,
    UNMATCHED_ROUTE,
    method_label,
    render,
)
from callvault.web.context import RequestContext, require
from callvault.web.openapi import FORBIDDEN, NOT_AUTHENTICATED
from callvault.web.pools import PooledRoute
from callvault.web.queue import QueueCollector

router = APIRouter(tags=["metrics"], route_class=PooledRoute)

MetricsReader = Annotated[RequestContext, Depends(require(Permission.METRICS_READ))]


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics: request rates and latencies, audit batches, job queue",
    responses={
        200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}}},
        **NOT_AUTHENTICATED,
        **FORBIDDEN,
    },
)
def metrics(ctx: MetricsReader) -> Response:
    """Every process's counters and histograms, and the job queue's depth read now;
    the metrics and their labels are listed in docs/metrics.md."""
    body = render([QueueCollector(ctx.session.connection())])
    return Response(body, media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def count_request(method: str, route: str, status: int, seconds: float) -> None:
    """One answered request (``web.app.RequestLogMiddleware`` counts each as it logs it,
    outside the other middleware: the status is the one the client got, a 503 from a
    failed audit included, and a streamed response is timed to its last byte)."""
    label = method_label(method)
    HTTP_REQUESTS.labels(label, route, str(status)).inc()
    HTTP_REQUEST_SECONDS.labels(label, route).observe(seconds)


def route_label(scope: Scope) -> str:
    """The template of the route that matched (``/api/v1/calls/{call_id}``), or
    ``unmatched``: never anything taken from the path itself."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE

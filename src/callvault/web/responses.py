"""Answers serialised once.

FastAPI validates and serialises what a route returns against its ``response_model``,
and for a plain ``def`` route it does so in another trip through the worker pool. A
hot route that already holds the validated model answers with ``model_response``
instead: one ``model_dump_json`` in the route's own thread. The decorator keeps its
``response_model``, which still documents the answer in the OpenAPI description.
"""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import Response


def model_response(
    model: BaseModel, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        model.model_dump_json(),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )

"""Request bodies: bounded before they are buffered, JSON only where JSON is expected,
and parsed so that validation errors name fields and never echo values (PHI)."""

from __future__ import annotations

from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from callvault.errors import PayloadTooLarge, UnsupportedMediaType
from callvault.web.problems import invalid_body

DEFAULT_JSON_LIMIT = 64 * 1024

Model = TypeVar("Model", bound=BaseModel)


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it passes ``limit`` bytes (and at
    once when Content-Length already says so): uvicorn itself sets no limit."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the body is over {limit} bytes")
    return bytes(body)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def require_json(request: Request, *accepted: str) -> None:
    if media_type(request) not in (accepted or ("application/json",)):
        raise UnsupportedMediaType("send the body as application/json")


async def parse_json_body(
    request: Request, model: type[Model], limit: int = DEFAULT_JSON_LIMIT
) -> Model:
    """``model`` from a JSON body: 415 if not JSON, 413 if too large, 422 if invalid."""
    require_json(request)
    raw = await read_limited_body(request, limit)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise invalid_body(exc) from None

"""Request bodies: bounded before they are buffered, JSON only where JSON is expected,
and parsed so that validation errors name fields and never echo values (PHI).

The rule for blocking work in the web layer: **a route handler is a plain ``def``**
(its ``PooledRoute`` runs it in a worker pool: the narrow read-only one when the request
only reads, ``web/pools.py``), and its JSON body comes from the one async
dependency ``json_body(Model, limit)``, which reads the body on the event loop (that
is waiting on the network, not work) and validates it off the loop when it is large.
Only routes that stream a body (recording uploads) are ``async``; everything blocking
they do goes through ``run_in_threadpool``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

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


# Below this size validation takes microseconds: a thread hop would cost more than it.
INLINE_VALIDATION_BYTES = 64 * 1024
# Set on a dependency that parses a JSON body: the model, for the OpenAPI description.
REQUEST_MODEL_ATTRIBUTE = "__callvault_request_model__"


def json_body(
    model: type[Model],
    limit: int | Callable[[Request], int] = DEFAULT_JSON_LIMIT,
    media_types: tuple[str, ...] = ("application/json",),
) -> Callable[[Request], Awaitable[Model]]:
    """A dependency: the request's body as ``model``, with ``parse_json_body``'s answers
    (415, 413, 422); ``limit`` in bytes, or read from the request (a setting). Declare
    it after the route's ``require(...)``, so that an unauthenticated request is
    refused before its body is read. The model is kept on the dependency
    (``REQUEST_MODEL_ATTRIBUTE``) for the OpenAPI description."""

    async def dependency(request: Request) -> Model:
        size = limit(request) if callable(limit) else limit
        return await parse_json_body(request, model, size, media_types)

    setattr(dependency, REQUEST_MODEL_ATTRIBUTE, model)
    return dependency


def body_bytes(limit: int) -> Callable[[Request], Awaitable[bytes]]:
    """A dependency: the raw body, refused with 413 past ``limit`` bytes; for a route
    that parses its body its own way (SCIM answers in its own error format)."""

    async def dependency(request: Request) -> bytes:
        return await read_limited_body(request, limit)

    return dependency


def validate_json(model: type[Model], raw: bytes) -> Model:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise invalid_body(exc) from None


async def parse_json_body(
    request: Request,
    model: type[Model],
    limit: int = DEFAULT_JSON_LIMIT,
    media_types: tuple[str, ...] = ("application/json",),
) -> Model:
    """``model`` from a JSON body: 415 if not JSON, 413 if too large, 422 if invalid."""
    require_json(request, *media_types)
    raw = await read_limited_body(request, limit)
    if len(raw) <= INLINE_VALIDATION_BYTES:
        return validate_json(model, raw)
    return await run_in_threadpool(validate_json, model, raw)

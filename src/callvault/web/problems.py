"""RFC 9457 problem details: the one place where errors become HTTP responses.

Validation errors name the field and the rule, never the value sent: a value in a
caller-number field is PHI. ``Problem`` is the body's schema as the OpenAPI
description publishes it (``web/openapi.py``).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from callvault.errors import CallVaultError, InvalidInput, RangeNotSatisfiable, TooManyRequests
from callvault.web.context import authorize_pending
from callvault.web.pages import page_errors

log = logging.getLogger("callvault.web")

PROBLEM_JSON = "application/problem+json"


def _no_null_defaults(schema: dict[str, Any]) -> None:
    # Absent members are left out of the body, never sent as null: say only that.
    for member in schema.get("properties", {}).values():
        if member.get("default", ...) is None:
            del member["default"]


class FieldError(BaseModel):
    """One invalid input: where it is (``body.caller_number``, ``query.limit``) and
    which rule it broke. Never the value that was sent."""

    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem: ``type`` is ``about:blank`` (``title`` is then the HTTP
    status phrase's equivalent) unless the problem needs telling apart from others of
    its status (``urn:callvault:problem:no-active-baa``); ``detail`` says what to fix.
    ``errors`` (an extension member) lists the invalid fields of a 422."""

    model_config = ConfigDict(json_schema_extra=_no_null_defaults)

    type: str = Field(json_schema_extra={"format": "uri-reference"})
    title: str
    status: int = Field(ge=400, le=599)
    detail: str | SkipJsonSchema[None] = None
    instance: str | SkipJsonSchema[None] = None
    errors: list[FieldError] | SkipJsonSchema[None] = None


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    problem_type: str = "about:blank",
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": problem_type, "title": title, "status": status}
    if detail and detail != title:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def validation_errors(errors: Any) -> list[dict[str, str]]:
    """Field locations and messages only; pydantic's ``input`` and ``ctx`` are dropped."""
    return [
        {"field": ".".join(str(p) for p in err.get("loc", ())), "message": str(err.get("msg", ""))}
        for err in errors
    ]


def invalid_body(exc: ValidationError) -> InvalidInput:
    error = InvalidInput("the request body does not match the schema")
    error.errors = validation_errors(exc.errors(include_input=False))  # type: ignore[attr-defined]
    return error


async def _callvault_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CallVaultError)
    if exc.status >= 500:
        log.error("request failed", extra={"error": type(exc).__name__, "path": _route(request)})
    renderer = page_errors(request)
    if renderer is not None:
        page = renderer(request, exc.status, exc.title, exc.detail, exc)
        if isinstance(exc, TooManyRequests):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    extra: dict[str, Any] = {}
    errors = getattr(exc, "errors", None)
    if errors:
        extra["errors"] = errors
    response = problem(exc.status, exc.title, exc.detail, exc.problem_type, **extra)
    if isinstance(exc, RangeNotSatisfiable):
        response.headers["Content-Range"] = f"bytes */{exc.size}"
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _request_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    try:  # who may not ask learns that first, as when authorization comes first
        await authorize_pending(request)
    except CallVaultError as refused:
        return await _callvault_error(request, refused)
    except SQLAlchemyError as failed:
        return await _database_error(request, failed)
    renderer = page_errors(request)
    if renderer is not None:
        return renderer(request, 422, "Invalid input", "the form or address is not valid")
    return problem(
        422,
        "Invalid input",
        "the request parameters are not valid",
        errors=validation_errors(exc.errors()),
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed"}
    title = titles.get(exc.status_code, "Request refused")
    renderer = page_errors(request)
    response = (
        problem(exc.status_code, title)
        if renderer is None
        else renderer(request, exc.status_code, title, None)
    )
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on this path. Starlette's own ``Allow`` names
    only the first route that matched the path, and each method is its own route here."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.path_regex.match(request.scope["path"]):
            methods |= route.methods or set()
    return sorted(methods)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("database error", extra={"error": type(exc).__name__, "path": _route(request)})
    return problem(503, "Service unavailable", "the database is unavailable")


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The exception text may hold anything (even PHI from a driver): log its type only.
    log.error("unexpected error", extra={"error": type(exc).__name__, "path": _route(request)})
    return problem(500, "Internal error")


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path", "?")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CallVaultError, _callvault_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)

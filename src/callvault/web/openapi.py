"""The published OpenAPI description, made to tell the truth about errors.

FastAPI documents what a handler returns when all goes well, plus a 422 in a shape
this server never sends. ``install_openapi`` rewrites each operation's error answers
from what its route *is*, as the bodies ``web/problems.py`` really sends:

    the route declares a permission (``require``)    401, 403, 503 (audit fails closed)
    it reaches the database (``db_session``)         503
    it has path parameters                           404
    a parameter with a type or constraints           422 (400 under SCIM)
    it takes a body                                  413, 415 (422 for JSON)

Codes that follow from what a handler does rather than from its shape are declared
on its decorator with the constants below: ``responses=CONFLICT | TOO_MANY_REQUESTS``.

A body FastAPI cannot see (the handler reads it itself) is described either by a
dependency that carries its model in ``REQUEST_MODEL_ATTRIBUTE``, or on the decorator
with ``openapi_extra=json_request(Model)`` / ``binary_request(...)``: clients, and
fuzzers, then know what to send.

A route class may set ``error_format`` (an ``ErrorFormat``) when its errors have
another body, as SCIM's ``application/scim+json`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel

from callvault.authz.permissions import STEP_UP_PERMISSIONS
from callvault.web.bodies import REQUEST_MODEL_ATTRIBUTE
from callvault.web.context import PERMISSION_ATTRIBUTE, db_session
from callvault.web.problems import PROBLEM_JSON, Problem

Responses = dict[int | str, dict[str, Any]]

REF_TEMPLATE = "#/components/schemas/{model}"
ERROR_FORMAT_ATTRIBUTE = "error_format"
# Component schemas a route brings along with its request body (see ``json_request``).
_SCHEMAS_KEY = "x-callvault-schemas"


@dataclass(frozen=True)
class ErrorFormat:
    """How a family of routes answers errors: the body's media type and schema, the
    status of a request that fails validation, and whether a body's media type is
    checked (415) before it is read."""

    media_type: str
    schema: type[BaseModel]
    invalid_status: int = 422
    checks_media_type: bool = True


PROBLEMS = ErrorFormat(PROBLEM_JSON, Problem)

# Answered by the app's own handlers and middleware (database down, audit log down),
# outside any route class: always a problem, whatever the route's format.
APP_LEVEL_STATUSES = frozenset({503})

REASONS: dict[int, str] = {
    400: "The request is not valid",
    401: "Not signed in, or the credentials are not valid",
    403: "Not allowed: the role, the network policy, the CSRF token or a step-up is missing",
    404: "No such object (an object of another tenant is not found either)",
    409: "The object's current state does not allow it",
    410: "It existed and is no more (a one-time download already taken)",
    413: "The body is over the size limit",
    415: "The body is not of an accepted media type",
    416: "The range is outside the object",
    422: "The input is not valid: `errors` names the fields (never the values sent)",
    429: "Too many attempts: wait for `Retry-After` seconds",
    503: "A dependency (database, audit log, keys, storage) is unavailable: nothing was done",
}

HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}},
    416: {
        "Content-Range": {
            "description": "`bytes */<size>`: the size of the whole object",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


def reason(status: int) -> str:
    """What an error status means here (the HTTP phrase for any other)."""
    if status in REASONS:
        return REASONS[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def declared(status: int, description: str | None = None) -> Responses:
    """``responses=`` entry for a status the route's shape does not imply; the body
    schema is filled in by ``install_openapi``."""
    return {status: {"description": description or reason(status)}}


NOT_AUTHENTICATED = declared(401)
FORBIDDEN = declared(403)
NOT_FOUND = declared(404)
CONFLICT = declared(409)
GONE = declared(410)
RANGE_NOT_SATISFIABLE = declared(416)
INVALID_INPUT = declared(422)
TOO_MANY_REQUESTS = declared(429)
SERVICE_UNAVAILABLE = declared(503)


def json_request(model: type[BaseModel], *media_types: str) -> dict[str, Any]:
    """``openapi_extra`` for a route that parses ``model`` from a JSON body itself
    (so FastAPI cannot see it): the body, and the schemas it refers to."""
    schemas = _component_schemas(model)
    ref = {"$ref": REF_TEMPLATE.format(model=model.__name__)}
    content = {media_type: {"schema": ref} for media_type in media_types or ("application/json",)}
    return {"requestBody": {"required": True, "content": content}, _SCHEMAS_KEY: schemas}


def binary_content(*media_types: str) -> dict[str, Any]:
    """Content of raw bytes in any of ``media_types`` (a request's or a response's)."""
    return {
        media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types
    }


def binary_request(*media_types: str) -> dict[str, Any]:
    """``openapi_extra`` for a route that streams a raw body of one of ``media_types``."""
    return {"requestBody": {"required": True, "content": binary_content(*media_types)}}


def install_openapi(app: FastAPI) -> None:
    """Replace ``app.openapi`` with one that documents every error answer truthfully."""
    generate = app.openapi  # FastAPI's: cached, made again only if the routes change
    rewritten: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        spec = generate()
        if not rewritten or rewritten[-1] is not spec:
            tell_the_truth(spec, app)
            rewritten[:] = [spec]
        return spec

    setattr(app, "openapi", openapi)  # noqa: B010  # mypy refuses assigning to a method


def tell_the_truth(spec: dict[str, Any], app: FastAPI) -> None:
    """Rewrite ``spec`` (FastAPI's description of ``app``) in place."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    formats = {PROBLEMS}
    for route, operation in _operations(spec, app):
        model = _request_model(route)
        if model is not None and "requestBody" not in operation:
            operation.update(json_request(model))
        _merge_schemas(schemas, operation.pop(_SCHEMAS_KEY, {}))
        error_format = getattr(route.original_route, ERROR_FORMAT_ATTRIBUTE, PROBLEMS)
        formats.add(error_format)
        _document_errors(operation, error_statuses(route, operation, error_format), error_format)
        _name_the_permission(operation, _permission(route))
    for error_format in formats:
        _merge_schemas(schemas, _component_schemas(error_format.schema))
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422, never sent
        schemas.pop(unused, None)


def error_statuses(route: RouteContext, operation: dict[str, Any], fmt: ErrorFormat) -> set[int]:
    """The error statuses ``route`` can answer: derived from its shape, plus those
    declared on its decorator."""
    statuses = {int(code) for code in operation.get("responses", {}) if code.isdigit()}
    statuses = {code for code in statuses if code >= 400}
    statuses.discard(422)  # FastAPI adds it for any parameter; decided below instead
    if _permission(route) is not None:
        statuses |= {401, 403, 503}
    if any(dependant.call is db_session for dependant in _dependants(route.dependant)):
        statuses.add(503)
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        statuses.add(404)
    if any(_constrained(p.get("schema", {})) for p in parameters):
        statuses.add(fmt.invalid_status)
    statuses |= _body_statuses(operation.get("requestBody"), fmt)
    if route.responses and 422 in route.responses:
        statuses.add(fmt.invalid_status)
    return statuses


def _name_the_permission(operation: dict[str, Any], permission: Any) -> None:
    """The 403 of a route that declares a permission says which one (and whether a
    step-up is needed too)."""
    forbidden = operation["responses"].get("403")
    if permission is None or forbidden is None or forbidden["description"] != reason(403):
        return
    step_up = " and a TOTP code re-entered (POST /api/v1/auth/step-up) in the last minutes"
    needs = f"`{permission}`" + (step_up if permission in STEP_UP_PERMISSIONS else "")
    forbidden["description"] = (
        f"Not allowed: this needs {needs}; a session also needs its CSRF token on changes, "
        "and the tenant's network policy may refuse the address"
    )


def _body_statuses(body: dict[str, Any] | None, fmt: ErrorFormat) -> set[int]:
    if body is None:
        return set()
    statuses = {413}
    if fmt.checks_media_type:
        statuses.add(415)
    if any("json" in media_type for media_type in body.get("content", {})):
        statuses.add(fmt.invalid_status)
    return statuses


def _constrained(schema: dict[str, Any]) -> bool:
    """Whether a parameter of this schema can be refused: anything but free text."""
    variants = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    free_text = {"type", "title", "description", "default"}
    return any(s.get("type") != "string" or set(s) - free_text for s in variants)


def _document_errors(operation: dict[str, Any], statuses: set[int], fmt: ErrorFormat) -> None:
    responses = operation.setdefault("responses", {})
    if 422 not in statuses:
        responses.pop("422", None)  # FastAPI's, for a parameter that cannot be invalid
    for status in sorted(statuses):
        response = responses.setdefault(str(status), {})
        if not response.get("description") or response["description"] == "Validation Error":
            response["description"] = reason(status)
        if fmt.media_type not in response.get("content", {}):  # else declared more precisely
            response["content"] = _error_content(status, fmt)
        if status in HEADERS:
            response["headers"] = {**HEADERS[status], **response.get("headers", {})}
    operation["responses"] = dict(sorted(responses.items()))


def _error_content(status: int, fmt: ErrorFormat) -> dict[str, Any]:
    formats = [fmt, PROBLEMS] if status in APP_LEVEL_STATUSES else [fmt]
    return {
        f.media_type: {"schema": {"$ref": REF_TEMPLATE.format(model=f.schema.__name__)}}
        for f in formats
    }


def _operations(
    spec: dict[str, Any], app: FastAPI
) -> Iterator[tuple[RouteContext, dict[str, Any]]]:
    """Each API route (as included, prefixes and all) with its operations in ``spec``."""
    paths = spec.get("paths", {})
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            for method in sorted(route.methods or ()):
                operation = paths.get(route.path_format, {}).get(method.lower())
                if operation is not None:
                    yield route, operation


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    for child in dependant.dependencies:
        yield child
        yield from _dependants(child)


def _permission(route: RouteContext) -> Any:
    return _dependency_attribute(route, PERMISSION_ATTRIBUTE)


def _request_model(route: RouteContext) -> type[BaseModel] | None:
    model = _dependency_attribute(route, REQUEST_MODEL_ATTRIBUTE)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _dependency_attribute(route: RouteContext, name: str) -> Any:
    for dependant in _dependants(route.dependant):
        value = getattr(dependant.call, name, None)
        if value is not None:
            return value
    return None


def _component_schemas(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    return {model.__name__: schema, **schema.pop("$defs", {})}


def _merge_schemas(schemas: dict[str, Any], new: dict[str, Any]) -> None:
    for name, schema in new.items():
        if schemas.setdefault(name, schema) != schema:
            # Two models of one name would share one component: rename one of them.
            raise ValueError(f"two different schemas are both named {name!r}")

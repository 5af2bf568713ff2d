"""The published OpenAPI description, read without a server: every operation says which
errors it can answer, and every error it documents is the problem body the server
sends (SCIM's own error body under /scim). Cheap, so it also guards routes added later."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.settings import load_settings
from callvault.web.app import create_app

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
SCIM_ERROR = {"application/scim+json": {"schema": {"$ref": "#/components/schemas/ScimError"}}}
# Health checks and the DNI script take no input and need nobody signed in: no client
# error is possible.
CANNOT_FAIL_THE_CLIENT = {"GET /healthz", "GET /readyz", "GET /dni.js"}
# Reachable without a principal (tests/authz/test_route_inventory.py pins the list).
# The Twilio webhooks take no session or token (a signature instead): public, no 401.
TWILIO_WEBHOOKS = {
    f"POST /webhooks/twilio/{{tenant}}/{hook}"
    for hook in ("voice", "voice-status", "recording-status")
}
# Dynamic number insertion's session endpoint: any website visitor, origin-checked.
DNI_SESSIONS = {"POST /dni/sessions", "OPTIONS /dni/sessions"}
PUBLIC = (
    {"POST /api/v1/auth/login", "POST /api/v1/auth/mfa"}
    | CANNOT_FAIL_THE_CLIENT
    | TWILIO_WEBHOOKS
    | DNI_SESSIONS
)

Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = load_settings(tmp_path_factory.mktemp("openapi"), environ={})
    LocalKeyFileProvider.create(settings.root_key_path)
    description: dict[str, Any] = create_app(settings).openapi()
    return description


def operations(spec: dict[str, Any]) -> Iterator[Operation]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", path, operation


def errors(operation: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(s): r for s, r in operation["responses"].items() if s.isdigit() and int(s) >= 400}


def test_every_operation_documents_its_client_errors(spec: dict[str, Any]) -> None:
    silent = [
        name
        for name, _, operation in operations(spec)
        if name not in CANNOT_FAIL_THE_CLIENT and not any(400 <= s < 500 for s in errors(operation))
    ]
    assert len(spec["paths"]) >= 20
    assert silent == []


def test_every_documented_error_is_a_problem(spec: dict[str, Any]) -> None:
    wrong = []
    for name, path, operation in operations(spec):
        own = SCIM_ERROR if path.startswith("/scim/") else PROBLEM
        for status, response in errors(operation).items():
            expected = {**own, **PROBLEM} if status == 503 else own  # 503: also app-level
            content = response.get("content", {})
            if set(content) != set(expected) or not all(
                content[media] == expected[media] or extends_problem(spec, content[media])
                for media in content
            ):
                wrong.append(f"{name} {status}: {sorted(content)}")
    assert wrong == []


def extends_problem(spec: dict[str, Any], content: dict[str, Any]) -> bool:
    """A problem body with members of its own (``/readyz``'s ``checks``, say)."""
    schema = content.get("schema", {})
    if "$ref" in schema:
        schema = spec["components"]["schemas"].get(schema["$ref"].rsplit("/", 1)[-1], {})
    problem = spec["components"]["schemas"]["Problem"]
    return set(problem["required"]) <= set(schema.get("required", ()))


def test_fastapis_validation_error_shape_is_gone(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    problem = schemas["Problem"]
    assert set(problem["required"]) == {"type", "title", "status"}
    assert {"detail", "instance", "errors"} <= set(problem["properties"])


def test_what_a_route_is_decides_what_it_documents(spec: dict[str, Any]) -> None:
    """Routes that need a principal: 401 (with WWW-Authenticate), 403, 503. Path parameters: 404.
    A body: 413, and 415 plus 422 for a JSON one (SCIM: 400, and any media type)."""
    missing = []
    for name, path, operation in operations(spec):
        documented = errors(operation)
        invalid = 400 if path.startswith("/scim/") else 422
        wanted = set() if name in PUBLIC else {401, 403, 503}
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            wanted.add(404)
        content = operation.get("requestBody", {}).get("content", {})
        if content:
            wanted.add(413)
            wanted |= {invalid} if any("json" in m for m in content) else set()
            wanted |= set() if path.startswith("/scim/") else {415}
        missing += [f"{name}: {s}" for s in sorted(wanted - set(documented))]
        if 401 in documented and "WWW-Authenticate" not in documented[401].get("headers", {}):
            missing.append(f"{name}: 401 without WWW-Authenticate")
    assert missing == []


def test_no_text_parameter_takes_a_nul(spec: dict[str, Any]) -> None:
    """PostgreSQL cannot hold a NUL in text: every text parameter refuses control
    characters by its pattern (or is an enum, or has a format that excludes them)."""
    open_ended = []
    for name, _, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            for variant in schema.get("anyOf", [schema]):
                if variant.get("type") != "string" or {"enum", "const", "format"} & set(variant):
                    continue
                pattern = variant.get("pattern") or schema.get("pattern")
                if pattern is None or re.search(pattern, "id\x00") is not None:
                    open_ended.append(f"{name} {parameter['in']} {parameter['name']}")
    assert open_ended == []


def test_every_json_body_is_described(spec: dict[str, Any]) -> None:
    undescribed = []
    for name, _, operation in operations(spec):
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            if "json" in media_type and "$ref" not in content.get("schema", {}):
                undescribed.append(f"{name} {media_type}")
    assert undescribed == []


def test_every_reference_resolves(spec: dict[str, Any]) -> None:
    names = set(spec["components"]["schemas"])
    dangling = sorted(
        ref for ref in references(spec) if ref.removeprefix("#/components/schemas/") not in names
    )
    assert dangling == []


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def test_the_description_is_plain_json(spec: dict[str, Any]) -> None:
    """Nothing private (the schemas a request body brings along) is left in it."""
    text = json.dumps(spec)
    assert "x-callvault" not in text
    assert "application/problem+json" in text

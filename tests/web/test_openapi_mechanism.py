"""``web/openapi.py`` on routes made up for the test: a new route gets its error answers
from what it is, with no ``responses=`` of its own."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Query, Request
from pydantic import BaseModel, Field

from callvault.authz.permissions import Permission
from callvault.web.context import RequestContext, require
from callvault.web.openapi import (
    REQUEST_MODEL_ATTRIBUTE,
    SERVICE_UNAVAILABLE,
    TOO_MANY_REQUESTS,
    install_openapi,
)


class ResetIn(BaseModel):
    reason: Annotated[str, Field(min_length=3)]


async def reset_body(request: Request) -> ResetIn:
    return ResetIn.model_validate_json(await request.body())


setattr(reset_body, REQUEST_MODEL_ATTRIBUTE, ResetIn)  # as a shared body dependency would


def make_app() -> FastAPI:
    app = FastAPI()
    install_openapi(app)

    @app.post("/users/{user_id}/password-reset", responses=TOO_MANY_REQUESTS)
    def reset(
        user_id: str,
        ctx: Annotated[RequestContext, Depends(require(Permission.USER_ADMIN))],
        body: Annotated[ResetIn, Depends(reset_body)],
    ) -> dict[str, str]:
        return {}

    @app.get("/things")
    def things(
        ctx: Annotated[RequestContext, Depends(require(Permission.CALL_READ))],
        name: str | None = None,
        limit: Annotated[int, Query(ge=1)] = 10,
    ) -> list[str]:
        return []

    @app.get("/readyz", responses=SERVICE_UNAVAILABLE)
    def ready() -> dict[str, str]:
        return {}

    return app


@pytest.fixture(scope="module")
def paths() -> dict[str, Any]:
    spec: dict[str, Any] = make_app().openapi()
    return spec["paths"]


def statuses(operation: dict[str, Any]) -> list[str]:
    return sorted(operation["responses"])


def test_a_new_route_is_described_from_its_shape(paths: dict[str, Any]) -> None:
    reset = paths["/users/{user_id}/password-reset"]["post"]

    assert statuses(reset) == ["200", "401", "403", "404", "413", "415", "422", "429", "503"]
    assert reset["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ResetIn"
    }
    assert "Retry-After" in reset["responses"]["429"]["headers"]
    assert "`user:admin`" in reset["responses"]["403"]["description"]


def test_only_a_parameter_that_can_be_wrong_brings_a_422(paths: dict[str, Any]) -> None:
    things = paths["/things"]["get"]

    assert statuses(things) == ["200", "401", "403", "422", "503"]
    problem = things["responses"]["422"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}


def test_a_route_that_needs_nobody_gets_only_what_it_declares(paths: dict[str, Any]) -> None:
    assert statuses(paths["/readyz"]["get"]) == ["200", "503"]

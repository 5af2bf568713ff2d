"""A read is authorized at the start of its handler's trip through the worker pool
(``web.context``, ``web.pools.ResolvedInTrip``): one trip and one transaction a read.
Who may not ask still learns that before anything about the route's parameters, and a
route whose handler does not take the context itself never defers its authorization."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.audit.models import AuditEvent
from callvault.authz.permissions import Permission
from callvault.settings import Settings
from callvault.web.context import RequestContext, require
from callvault.web.pools import PooledRoute
from tests._vault import TokenFactory
from tests.authz.test_route_inventory import flatten
from tests.identity.test_auth_support import store

BAD_LIMIT = "/api/v1/calls?limit=0"  # ``limit`` must be at least 1


def denials(vault: Settings) -> int:
    with store(vault) as db:
        return db.scalar(select(func.count()).where(AuditEvent.outcome == "denied")) or 0


def test_reads_of_calls_are_authorized_in_their_handlers_trip(app: FastAPI) -> None:
    routes = {
        (r.path, m): r for r in flatten(app.routes) if isinstance(r, PooledRoute) for m in r.methods
    }
    assert routes[("/api/v1/calls/{call_id}", "GET")].resolves_in_trip
    assert routes[("/api/v1/calls", "GET")].resolves_in_trip


def test_without_credentials_invalid_parameters_are_a_401(client: TestClient) -> None:
    answer = client.get(BAD_LIMIT)
    assert answer.status_code == 401
    assert "errors" not in answer.json()


def test_without_the_permission_invalid_parameters_are_an_audited_403(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    before = denials(vault)
    answer = client.get(BAD_LIMIT, headers=auth("scim"))  # provisioning only
    assert answer.status_code == 403
    assert denials(vault) == before + 1


def test_with_the_permission_invalid_parameters_are_a_422_naming_the_field(
    client: TestClient, auth: TokenFactory
) -> None:
    answer = client.get(BAD_LIMIT, headers=auth("supervisor"))
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["query.limit"]


# At module level: with postponed annotations, FastAPI resolves ``Depends(_read)`` in
# the module's namespace.
_read = require(Permission.CALL_READ)
_router = APIRouter(route_class=PooledRoute)


def _again(ctx: Annotated[RequestContext, Depends(_read)]) -> RequestContext:
    return ctx


@_router.get("/route-level", dependencies=[Depends(_read)])
def _route_level() -> None: ...


@_router.get("/nested")
def _nested(
    ctx: Annotated[RequestContext, Depends(_read)],
    again: Annotated[RequestContext, Depends(_again)],
) -> None: ...


@_router.get("/async")
async def _in_the_loop(ctx: Annotated[RequestContext, Depends(_read)]) -> None: ...


@_router.get("/taken")
def _taken(ctx: Annotated[RequestContext, Depends(_read)]) -> None: ...


def test_a_context_not_taken_by_the_handler_itself_is_never_deferred() -> None:
    deferred = {r.path: r.resolves_in_trip for r in _router.routes if isinstance(r, PooledRoute)}
    assert deferred == {"/route-level": False, "/nested": False, "/async": False, "/taken": True}


_included = APIRouter(route_class=PooledRoute)


@_included.get("/test-only/included")
def _included_read(ctx: Annotated[RequestContext, Depends(_read)]) -> dict[str, str]:
    return {"tenant": ctx.tenant_id}


def test_a_dependency_added_by_include_router_is_still_authorized(
    app: FastAPI, auth: TokenFactory
) -> None:
    """Not known when the route was built: it keeps its own trip, and refuses."""
    app.include_router(_included, dependencies=[Depends(require(Permission.AUDIT_READ))])
    with TestClient(app, raise_server_exceptions=False) as client:
        # A supervisor may read calls (the handler's own permission), not the audit trail.
        assert client.get("/test-only/included", headers=auth("supervisor")).status_code == 403

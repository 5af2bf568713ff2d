"""What a request works with: the app's resources and, per request, a
``RequestContext``: the ``ServiceContext`` every service takes (a session scoped to the
authorized principal's tenant, the request facts, the keyring, ``audit()``), plus the
blob store and settings.

Who is asking, and whether they may, is decided by ``AppResources.gate``
(``callvault.identity.gate``, wired in by ``web/app.py``), so this toolkit, which every
capability's routes import, imports no capability.

Every route declares its permission with ``Depends(require(Permission.X))``; the
route-inventory test fails on a route that does not.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.credentials import COOKIE_NAME, CSRF_HEADER, SAFE_METHODS, Credentials
from callvault.authz.permissions import Permission
from callvault.authz.principal import Principal
from callvault.blobs.interface import BlobStore
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.crypto.keyring import KeyCache, Keyring
from callvault.settings import Settings
from callvault.web.pools import (
    IN_HANDLER_TRIP,
    ResolvedInTrip,
    mark_read_only,
    run_blocking,
    run_read_only,
)

PERMISSION_ATTRIBUTE = "__callvault_permission__"
FORM_CSRF = "form_csrf_token"


class Gate(Protocol):
    """Authenticates ``credentials`` and authorizes ``permission`` (auditing a denial),
    or raises: ``callvault.identity.gate.authorize_request``, wired in by the app."""

    def __call__(
        self,
        session: Session,
        credentials: Credentials,
        permission: Permission,
        request: RequestInfo,
        route: str,
    ) -> Principal: ...


@dataclass
class AppResources:
    """``sessions`` write (SQLite: ``BEGIN IMMEDIATE``); ``read_sessions`` only read
    (``callvault.db.base``): safe-method requests (GET, HEAD) work in the latter."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    root_key: RootKeyProvider
    blobs: BlobStore
    read_sessions: sessionmaker[Session]
    gate: Gate
    key_cache: KeyCache = field(default_factory=KeyCache)

    def keyring(self, session: Session) -> Keyring:
        return Keyring(session, self.root_key, self.key_cache)


@dataclass
class RequestContext(ServiceContext):
    """A service context (session scoped to the principal's tenant, request facts,
    keyring, ``audit()``) plus what routes also need: the blob store and settings."""

    blobs: BlobStore
    settings: Settings


def resources(request: Request) -> AppResources:
    res: AppResources = request.app.state.resources
    return res


def db_session(request: Request) -> Iterator[Session]:
    session = resources(request).sessions()
    try:
        yield session
    finally:
        session.close()


def request_info(request: Request) -> RequestInfo:
    request_id = getattr(request.state, "request_id", None) or uuid.uuid4().hex
    return RequestInfo(
        source_ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        request_id=request_id,
    )


def credentials(request: Request) -> Credentials:
    return Credentials(
        authorization=request.headers.get("authorization"),
        session_cookie=request.cookies.get(COOKIE_NAME),
        # An HTML form cannot set a header: a page's form sends its token as a field,
        # which the page's dependency puts here (``callvault.dashboard.access``).
        csrf_token=request.headers.get(CSRF_HEADER) or getattr(request.state, FORM_CSRF, None),
        method=request.method,
        source_ip=request.client.host if request.client else None,
    )


def require(
    permission: Permission, *, writes: bool | None = None
) -> Callable[..., AsyncIterator[RequestContext]]:
    """A dependency that authenticates, authorizes ``permission`` and builds the context.

    The gate audits (and commits) a denial before the 403 goes out; permissions in
    ``STEP_UP_PERMISSIONS`` also need a TOTP code re-entered within the last minutes.

    Authorization only reads. A safe-method request (GET, HEAD) keeps that read-only
    session for its work, unless the route says it ``writes``; any other gets a write
    session, whose transaction (and, on SQLite, the write lock) begins only when the
    work does: never while a body is still arriving.

    It is async on purpose: the blocking database work runs in one threadpool hop,
    instead of one per sync dependency and two more for a session generator. A read
    whose plain-``def`` handler takes the context saves that hop too: it is authorized
    at the start of the handler's own (``_authorizes_in_handler_trip``)."""

    async def dependency(request: Request) -> AsyncIterator[RequestContext]:
        if _authorizes_in_handler_trip(request, writes, dependency):
            async with _deferred(request, permission) as deferred:
                yield deferred  # type: ignore[misc]  # resolved by the handler's trip
            return
        async with authorized(request, permission, writes) as ctx:
            yield ctx

    setattr(dependency, PERMISSION_ATTRIBUTE, permission)
    setattr(dependency, IN_HANDLER_TRIP, True)
    return dependency


def _authorizes_in_handler_trip(
    request: Request, writes: bool | None, dependency: Callable[..., Any]
) -> bool:
    """A read with no body, by the dependency that the route's plain-``def`` handler
    takes itself (``PooledRoute.in_trip_dependency``): authorized at the start of the
    handler's trip, in the handler's transaction (one trip, one transaction). Never a
    request with a body: that is authorized before the body is read."""
    route = request.scope.get("route")
    return (
        request.method in SAFE_METHODS
        and not writes
        and getattr(route, "in_trip_dependency", None) is dependency
    )


class _DeferredAuthorization(ResolvedInTrip):
    """``require``'s work for a read, done by the handler's trip (``web.pools``) or, if
    the request's parameters are invalid, by the 422 handler first, so that a client
    who may not ask learns that before anything about the route's parameters."""

    def __init__(self, request: Request, permission: Permission) -> None:
        self._request = request
        self._permission = permission
        self._resources = resources(request)
        self.session = self._resources.read_sessions()

    def resolve(self) -> RequestContext:
        # Called once: by the handler's trip, or by the 422 handler (the handler then
        # never runs).
        return _authorize(
            self._request, self._resources, self.session, self._permission, end_read=False
        )


PENDING_AUTHORIZATION = "callvault_pending_authorization"


@asynccontextmanager
async def _deferred(
    request: Request, permission: Permission
) -> AsyncIterator[_DeferredAuthorization]:
    deferred = _DeferredAuthorization(request, permission)
    setattr(request.state, PENDING_AUTHORIZATION, deferred)
    mark_read_only(True)
    try:
        yield deferred
    finally:
        await _close(deferred.session)


async def authorize_pending(request: Request) -> None:
    """Do a deferred authorization now, if the request has one (the 422 handler's
    first step); raises what authorization raises."""
    deferred = getattr(request.state, PENDING_AUTHORIZATION, None)
    if deferred is not None:
        await run_read_only(deferred.resolve)


@asynccontextmanager
async def authorized(
    request: Request, permission: Permission, writes: bool | None = None
) -> AsyncIterator[RequestContext]:
    """``require``'s work, for a dependency of another shape (a page's, say)."""
    ctx = await _context(request, resources(request), permission, writes)
    try:
        yield ctx
    finally:
        await _close(ctx.session)


async def _context(
    request: Request, res: AppResources, permission: Permission, writes: bool | None
) -> RequestContext:
    session = res.read_sessions()
    try:
        ctx = await run_read_only(_authorize, request, res, session, permission)
    except BaseException:
        await _close(session)
        raise
    if writes is None:
        writes = request.method not in SAFE_METHODS
    mark_read_only(not writes)  # the handler's work runs in the pool this picks
    return _for_writing(ctx, res) if writes else ctx


async def _close(session: Session) -> None:
    if session.in_transaction():  # a rollback is I/O: keep it off the event loop
        await run_blocking(session.close)
    else:
        session.close()


def _for_writing(ctx: RequestContext, res: AppResources) -> RequestContext:
    """The context moved from its read-only session (whose read ``_authorize`` ended,
    so closing it does no I/O) to a fresh write session, which has not begun yet."""
    ctx.session.close()
    writer = res.sessions()
    return replace(ctx, session=writer, keyring=res.keyring(writer))


def _authorize(
    request: Request,
    res: AppResources,
    session: Session,
    permission: Permission,
    *,
    end_read: bool = True,
) -> RequestContext:
    info = request_info(request)
    principal = res.gate(session, credentials(request), permission, info, _route_name(request))
    if end_read:
        # The connection goes back to the pool while the request waits for its next
        # trip through the worker pool (the work begins a transaction of its own).
        session.commit()
    return RequestContext(
        session=session,
        principal=principal,
        request=info,
        keyring=res.keyring(session),
        blobs=res.blobs,
        settings=res.settings,
    )


def _route_name(request: Request) -> str:
    route: Any = request.scope.get("route")
    return str(getattr(route, "name", "?"))[:64]

"""What a request works with: the app's resources and, per request, an authorized
principal with services already bound to its tenant.

Every route declares its permission with ``Depends(require(Permission.X))``; the
route-inventory test fails on a route that does not.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.authz.decision import Denied, decide
from callvault.authz.permissions import STEP_UP_PERMISSIONS, Permission
from callvault.authz.principal import Principal
from callvault.blobs.interface import BlobStore
from callvault.calls.service import CallService
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.crypto.keyring import KeyCache, Keyring
from callvault.errors import PermissionDenied, StepUpRequired
from callvault.identity.authn import SAFE_METHODS, Credentials, authenticate
from callvault.identity.elevation.service import record_grant_use
from callvault.identity.models import UserSession
from callvault.identity.sessions import COOKIE_NAME, CSRF_HEADER, is_stepped_up
from callvault.settings import Settings

PERMISSION_ATTRIBUTE = "__callvault_permission__"


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
    key_cache: KeyCache = field(default_factory=KeyCache)

    def keyring(self, session: Session) -> Keyring:
        return Keyring(session, self.root_key, self.key_cache)


@dataclass
class RequestContext:
    principal: Principal
    session: Session
    keyring: Keyring
    blobs: BlobStore
    settings: Settings
    request: RequestInfo

    def may(self, permission: Permission) -> bool:
        return self.principal.may(permission)

    def calls(self) -> CallService:
        return CallService(self.session, self.keyring, self.blobs, self.principal, self.request)


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
        csrf_token=request.headers.get(CSRF_HEADER),
        method=request.method,
        source_ip=request.client.host if request.client else None,
    )


def _deny(session: Session, principal: Principal, permission: Permission, request: Request) -> None:
    session.rollback()
    record_event(
        session,
        principal,
        permission,
        resource_type="route",
        resource_id=_route_name(request),
        outcome=Outcome.DENIED,
        request=request_info(request),
    )
    session.commit()


def require(
    permission: Permission, *, writes: bool | None = None
) -> Callable[..., AsyncIterator[RequestContext]]:
    """A dependency that authenticates, authorizes ``permission`` and builds the context.

    A denial is itself audited (and committed) before the 403 goes out. Permissions in
    ``STEP_UP_PERMISSIONS`` also need a TOTP code re-entered within the last minutes.

    Authorization only reads. A safe-method request (GET, HEAD) keeps that read-only
    session for its work, unless the route says it ``writes``; any other gets a write
    session, whose transaction (and, on SQLite, the write lock) begins only when the
    work does: never while a body is still arriving.

    It is async on purpose: the blocking database work runs in one threadpool hop,
    instead of one per sync dependency and two more for a session generator."""

    async def dependency(request: Request) -> AsyncIterator[RequestContext]:
        ctx = await _context(request, resources(request), permission, writes)
        try:
            yield ctx
        finally:
            await _close(ctx.session)

    setattr(dependency, PERMISSION_ATTRIBUTE, permission)
    return dependency


async def _context(
    request: Request, res: AppResources, permission: Permission, writes: bool | None
) -> RequestContext:
    session = res.read_sessions()
    try:
        ctx = await run_in_threadpool(_authorize, request, res, session, permission)
    except BaseException:
        await _close(session)
        raise
    if writes is None:
        writes = request.method not in SAFE_METHODS
    return _for_writing(ctx, res) if writes else ctx


async def _close(session: Session) -> None:
    if session.in_transaction():  # a rollback is I/O: keep it off the event loop
        await run_in_threadpool(session.close)
    else:
        session.close()


def _for_writing(ctx: RequestContext, res: AppResources) -> RequestContext:
    """The context moved from its read-only session (whose read ``_authorize`` ended,
    so closing it does no I/O) to a fresh write session, which has not begun yet."""
    ctx.session.close()
    writer = res.sessions()
    return replace(ctx, session=writer, keyring=res.keyring(writer))


def _authorize(
    request: Request, res: AppResources, session: Session, permission: Permission
) -> RequestContext:
    principal = authenticate(session, credentials(request))
    decision = decide(principal.policy, permission)
    if isinstance(decision, Denied):
        _deny(session, principal, permission, request)
        raise PermissionDenied(f"the role does not grant {permission}")
    if permission in STEP_UP_PERMISSIONS and not _stepped_up(session, principal):
        _deny(session, principal, permission, request)
        raise StepUpRequired("re-enter a TOTP code (POST /api/v1/auth/step-up) first")
    info = request_info(request)
    record_grant_use(session, principal, permission, info)
    # End the read: the connection goes back to the pool while the request waits for
    # its next trip through the worker pool (the work begins a transaction of its own).
    session.commit()
    return RequestContext(
        principal=principal,
        session=session,
        keyring=res.keyring(session),
        blobs=res.blobs,
        settings=res.settings,
        request=info,
    )


def _stepped_up(session: Session, principal: Principal) -> bool:
    """Sessions need a recent step-up; service tokens cannot step up and are refused."""
    if principal.session_id is None:
        return False
    row = session.get(UserSession, principal.session_id)
    return row is not None and is_stepped_up(row)


def _route_name(request: Request) -> str:
    route: Any = request.scope.get("route")
    return str(getattr(route, "name", "?"))[:64]

"""What a request works with: the app's resources and, per request, an authorized
principal with services already bound to its tenant.

Every route declares its permission with ``Depends(require(Permission.X))``; the
route-inventory test fails on a route that does not.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.authz.decision import Denied, decide
from callvault.authz.permissions import Permission
from callvault.authz.roles import get_role
from callvault.blobs.interface import BlobStore
from callvault.calls.service import CallService
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.crypto.keyring import Keyring
from callvault.errors import NotAuthenticated, PermissionDenied
from callvault.identity.tokens import Principal, authenticate_token
from callvault.settings import Settings

PERMISSION_ATTRIBUTE = "__callvault_permission__"


@dataclass
class AppResources:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    root_key: RootKeyProvider
    blobs: BlobStore


@dataclass
class RequestContext:
    principal: Principal
    session: Session
    keyring: Keyring
    blobs: BlobStore
    settings: Settings
    request: RequestInfo

    def may(self, permission: Permission) -> bool:
        return not isinstance(decide(get_role(self.principal.role), permission), Denied)

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


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("a bearer token is required")
    return token.strip()


def require(permission: Permission) -> Callable[..., RequestContext]:
    """A dependency that authenticates, authorizes ``permission`` and builds the context.

    A denial is itself audited (and committed) before the 403 goes out."""

    def dependency(request: Request, session: Session = Depends(db_session)) -> RequestContext:
        principal = authenticate_token(session, _bearer(request))
        if principal is None:
            raise NotAuthenticated("the token is not valid")
        info = request_info(request)
        decision = decide(get_role(principal.role), permission)
        if isinstance(decision, Denied):
            session.rollback()
            record_event(
                session,
                principal,
                permission,
                resource_type="route",
                resource_id=_route_name(request),
                outcome=Outcome.DENIED,
                request=info,
            )
            session.commit()
            raise PermissionDenied(f"the role does not grant {permission}")
        res = resources(request)
        return RequestContext(
            principal=principal,
            session=session,
            keyring=Keyring(session, res.root_key),
            blobs=res.blobs,
            settings=res.settings,
            request=info,
        )

    setattr(dependency, PERMISSION_ATTRIBUTE, permission)
    return dependency


def _route_name(request: Request) -> str:
    route: Any = request.scope.get("route")
    return str(getattr(route, "name", "?"))[:64]

"""Sign-in API: password, then TOTP; logout; step-up; who am I; password change.

``/login`` and ``/mfa`` are public (nobody is signed in yet) and so cannot declare a
permission; they are pinned in ``PUBLIC_PATHS``. The other routes need a signed-in
session and declare ``session:self``. Bodies must be ``application/json``: a plain
HTML form cannot send that cross-site without a CORS preflight, which closes login CSRF.

``/login``, ``/mfa``, ``/step-up`` and ``/password`` are throttled per source address
and per account (``callvault.identity.signin.throttle``): ``429`` with ``Retry-After``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from callvault.authz.credentials import COOKIE_NAME
from callvault.authz.permissions import Permission
from callvault.crypto.keyring import Keyring
from callvault.db.base import utcnow
from callvault.identity.sessions import IssuedSession
from callvault.identity.signin.flow import AuthFlow
from callvault.identity.signin.own_session import SessionService, step_up_deadline
from callvault.identity.signin.password_change import PasswordChange
from callvault.identity.signin.schemas import (
    LoginIn,
    LoginOut,
    MfaIn,
    PasswordChangeIn,
    SessionOut,
    StepUpIn,
    StepUpOut,
    WhoAmI,
)
from callvault.identity.signin.service import AuthService
from callvault.identity.signin.throttle import SignInThrottle
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, db_session, request_info, require, resources
from callvault.web.openapi import NOT_AUTHENTICATED, TOO_MANY_REQUESTS
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=PooledRoute)

MAX_AUTH_BODY = 4096
Body = TypeVar("Body", bound=BaseModel)


def strict_cookie(name: str, value: str, max_age: int) -> str:
    """A cookie never readable by scripts, never sent over plain HTTP, never sent on a
    cross-site request."""
    return f"{name}={value}; Max-Age={max_age}; Path=/; Secure; HttpOnly; SameSite=Strict"


def seconds_left(expires_at: datetime) -> int:
    return max(0, int((expires_at - utcnow()).total_seconds()))


def session_cookie(secret: str, expires_at: datetime) -> str:
    """The session cookie; it lasts as long as the session's absolute lifetime."""
    return strict_cookie(COOKIE_NAME, secret, seconds_left(expires_at))


def cleared_cookie() -> str:
    return strict_cookie(COOKIE_NAME, "", 0)


def auth_body(model: type[Body]) -> Any:
    """``Annotated[Model, auth_body(Model)]``: the JSON body, at most ``MAX_AUTH_BODY``."""
    return Depends(json_body(model, MAX_AUTH_BODY))


def throttle(request: Request) -> SignInThrottle:
    """The app's sign-in throttle (its state is in the database), made on first use."""
    found: SignInThrottle | None = getattr(request.app.state, "signin_throttle", None)
    if found is None:
        res = resources(request)
        found = SignInThrottle.from_settings(res.settings.signin_throttle, res.root_key)
        request.app.state.signin_throttle = found
    return found


def public_service(request: Request, db: Session) -> AuthService:
    keyring = Keyring(db, resources(request).root_key)
    return AuthService(
        db,
        keyring,
        request_info(request),
        reads=resources(request).read_sessions,
        throttle=throttle(request),
    )


Flow = TypeVar("Flow", bound=AuthFlow)


def signed_in(flow: type[Flow], request: Request, ctx: RequestContext) -> Flow:
    """``flow`` (``SessionService``, ``PasswordChange``) for the request's principal."""
    return flow(
        ctx.session,
        ctx.keyring,
        ctx.request,
        reads=resources(request).read_sessions,
        throttle=throttle(request),
    )


def context_service(request: Request, ctx: RequestContext) -> SessionService:
    return signed_in(SessionService, request, ctx)


def _issue(response: Response, issued: IssuedSession) -> None:
    response.headers["Set-Cookie"] = session_cookie(issued.secret, issued.row.expires_at)
    response.headers["Cache-Control"] = "no-store"


@router.post(
    "/login",
    response_model=LoginOut,
    response_model_exclude_none=True,
    responses=NOT_AUTHENTICATED | TOO_MANY_REQUESTS,
)
def login(
    request: Request,
    response: Response,
    body: Annotated[LoginIn, auth_body(LoginIn)],
    db: Annotated[Session, Depends(db_session)],
) -> LoginOut:
    """E-mail and password -> a challenge for ``/mfa`` (and, before enrolment, the
    authenticator's ``otpauth://`` URI and QR code)."""
    answer = public_service(request, db).login(body.email, body.password)
    response.headers["Cache-Control"] = "no-store"
    return answer


@router.post(
    "/mfa",
    response_model=SessionOut,
    response_model_exclude_none=True,
    responses=NOT_AUTHENTICATED | TOO_MANY_REQUESTS,
)
def mfa(
    request: Request,
    response: Response,
    body: Annotated[MfaIn, auth_body(MfaIn)],
    db: Annotated[Session, Depends(db_session)],
) -> SessionOut:
    """Challenge and code -> a new session cookie (a cookie sent along is ignored)."""
    signed_in = public_service(request, db).complete_mfa(body.challenge, body.code)
    _issue(response, signed_in.session)
    row = signed_in.session.row
    return SessionOut(
        csrf_token=signed_in.session.csrf_token,
        expires_at=row.expires_at,
        idle_timeout_seconds=row.idle_seconds,
        recovery_codes=signed_in.recovery_codes,
    )


@router.post("/logout", status_code=204)
def logout(
    request: Request, ctx: Annotated[RequestContext, Depends(require(Permission.SESSION_SELF))]
) -> Response:
    """End this session now; the cookie is cleared too."""
    context_service(request, ctx).logout(ctx.principal)
    return Response(status_code=204, headers={"Set-Cookie": cleared_cookie()})


@router.post("/step-up", response_model=StepUpOut, responses=TOO_MANY_REQUESTS)
def step_up(
    request: Request,
    response: Response,
    ctx: Annotated[RequestContext, Depends(require(Permission.SESSION_SELF))],
    body: Annotated[StepUpIn, auth_body(StepUpIn)],
) -> StepUpOut:
    """Re-enter a TOTP code: a new session id and CSRF token, stepped up for 5 minutes."""
    issued = context_service(request, ctx).step_up(ctx.principal, body.code)
    _issue(response, issued)
    return StepUpOut(
        csrf_token=issued.csrf_token,
        expires_at=issued.row.expires_at,
        idle_timeout_seconds=issued.row.idle_seconds,
        stepped_up_until=step_up_deadline(issued.row),
    )


@router.get("/session", response_model=WhoAmI)
def current_session(
    request: Request,
    response: Response,
    ctx: Annotated[RequestContext, Depends(require(Permission.SESSION_SELF))],
) -> WhoAmI:
    """Who is signed in, in which tenant, with which roles, until when."""
    response.headers["Cache-Control"] = "no-store"
    return context_service(request, ctx).whoami(ctx.principal)


@router.post("/password", status_code=204, responses=TOO_MANY_REQUESTS)
def change_password(
    request: Request,
    ctx: Annotated[RequestContext, Depends(require(Permission.SESSION_SELF))],
    body: Annotated[PasswordChangeIn, auth_body(PasswordChangeIn)],
) -> Response:
    """Current password, new password and a fresh TOTP code -> ``204``; the user's other
    sessions end. A wrong password or code is a ``403`` (and counts as a failure); a new
    password that fails the password rules is a ``422`` naming ``new_password``."""
    change = signed_in(PasswordChange, request, ctx)
    change.change(ctx.principal, body.current_password, body.new_password, body.code)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})

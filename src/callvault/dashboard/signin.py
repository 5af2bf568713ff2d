"""Signing in and out in a browser: password, then TOTP (enrolling on the first
sign-in, with the recovery codes shown once), through the API's own sign-in service.

The forms carry a sign-in token that must match a ``SameSite=Strict`` cookie set with
the form, so another site cannot post a sign-in into a visitor's browser (login CSRF).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, local_path, page, page_router
from callvault.dashboard.rendering import CSRF_COOKIE, NAVIGATION, render
from callvault.errors import NotAuthenticated, PermissionDenied
from callvault.identity.sessions import IssuedSession
from callvault.identity.signin.api import (
    cleared_cookie,
    context_service,
    public_service,
    seconds_left,
    session_cookie,
    strict_cookie,
)
from callvault.identity.signin.schemas import LoginOut
from callvault.identity.totp import qr_data_uri
from callvault.web.context import RequestContext, db_session

router = page_router()

SIGNIN_COOKIE = "callvault_signin"
FIELD_LIMIT = 256  # e-mail, password, challenge and code are all far shorter


def set_session_cookies(response: Response, issued: IssuedSession) -> None:
    """A new (or rotated) session's cookie, and its CSRF token for the pages' forms,
    both for the session's lifetime."""
    lifetime = seconds_left(issued.row.expires_at)
    response.headers.append("Set-Cookie", session_cookie(issued.secret, issued.row.expires_at))
    response.headers.append("Set-Cookie", strict_cookie(CSRF_COOKIE, issued.csrf_token, lifetime))
    response.headers["Cache-Control"] = "no-store"


def _signin_token_ok(request: Request, token: str) -> bool:
    expected = request.cookies.get(SIGNIN_COOKIE, "")
    return bool(expected) and hmac.compare_digest(expected, token)


def _signin_page(request: Request, *, status: int = 200, error: str | None = None) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "signin.html",
        status=status,
        error=error,
        signin_token=token,
        next=local_path(request.query_params.get("next")),
    )
    response.headers.append("Set-Cookie", strict_cookie(SIGNIN_COOKIE, token, 900))
    return response


@router.get("/")
def home(ctx: Annotated[RequestContext, Depends(page(Permission.SESSION_SELF))]) -> Response:
    """The first page of the menu this person may open (a visitor without a session is
    sent to sign in first, and comes back here)."""
    first = next((item.href for item in NAVIGATION if ctx.may(item.permission)), None)
    return RedirectResponse(first or "/account/password", status_code=303)


@router.get("/signin")
def signin_form(request: Request) -> Response:
    return _signin_page(request)


Field = Annotated[str, Form(max_length=FIELD_LIMIT)]


@router.post("/signin")
def signin(
    request: Request,
    db: Annotated[Session, Depends(db_session)],
    email: Field,
    password: Field,
    signin_token: Field,
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    if not _signin_token_ok(request, signin_token):
        return _signin_page(request, status=403, error="The sign-in form expired. Try again.")
    try:
        answer = public_service(request, db).login(email, password)
    except NotAuthenticated:
        return _signin_page(request, status=401, error="The e-mail or password is not right.")
    # A temporary password (an admin's reset): the session may only change it.
    after = "/account/password" if answer.password_change_required else local_path(next)
    return _code_page(request, answer, signin_token, after)


def _code_page(
    request: Request,
    answer: LoginOut,
    signin_token: str,
    next_path: str,
    *,
    status: int = 200,
    error: str | None = None,
) -> Response:
    qr = qr_data_uri(answer.otpauth_uri) if answer.otpauth_uri else None
    return render(
        request,
        "mfa.html",
        status=status,
        error=error,
        answer=answer,
        qr_data_uri=qr,
        signin_token=signin_token,
        next=next_path,
    )


@router.post("/signin/mfa")
def signin_mfa(
    request: Request,
    db: Annotated[Session, Depends(db_session)],
    challenge: Field,
    code: Field,
    signin_token: Field,
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    if not _signin_token_ok(request, signin_token):
        return _signin_page(request, status=403, error="The sign-in form expired. Try again.")
    try:
        signed_in = public_service(request, db).complete_mfa(challenge, code.strip())
    except (NotAuthenticated, PermissionDenied):
        # The challenge is spent or wrong: start again from the password.
        return _signin_page(request, status=401, error="That code did not work. Sign in again.")
    response: Response
    if signed_in.recovery_codes:
        response = render(
            request,
            "recovery_codes.html",
            codes=signed_in.recovery_codes,
            next=local_path(next),
        )
    else:
        response = RedirectResponse(local_path(next), status_code=303)
    set_session_cookies(response, signed_in.session)
    response.headers.append("Set-Cookie", strict_cookie(SIGNIN_COOKIE, "", 0))
    return response


@router.post("/signout")
def signout(
    request: Request, ctx: Annotated[RequestContext, Depends(form(Permission.SESSION_SELF))]
) -> Response:
    context_service(request, ctx).logout(ctx.principal)
    response = RedirectResponse("/signin", status_code=303)
    response.headers.append("Set-Cookie", cleared_cookie())
    response.headers.append("Set-Cookie", strict_cookie(CSRF_COOKIE, "", 0))
    return response

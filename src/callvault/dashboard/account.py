"""A signed-in person's own account (``session:self``), through the sign-in API's
services:

- ``/account/step-up``: re-enter a TOTP code (``SessionService.step_up``, as
  ``POST /api/v1/auth/step-up``). The session id and its CSRF token rotate, so both
  cookies are set again; then back to ``next``, a path on this site. An action that
  needs a step-up it has not had is sent here (``access.render_error``).
- ``/account/password``: change one's password with the current one and a fresh TOTP
  code (``PasswordChange``, as ``POST /api/v1/auth/password``). A sign-in with a
  temporary password (an admin's reset) lands here: that session may do nothing else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, local_path, page, page_router
from callvault.dashboard.admin import Fields, back, checked_model, error_fields, page_of, text
from callvault.dashboard.signin import set_session_cookies
from callvault.errors import InvalidInput, PermissionDenied, StepUpRequired
from callvault.identity.models import User
from callvault.identity.signin.api import context_service, signed_in
from callvault.identity.signin.password_change import PasswordChange
from callvault.identity.signin.schemas import PasswordChangeIn, StepUpIn
from callvault.web.context import RequestContext

router = page_router()

SelfPage = Annotated[RequestContext, Depends(page(Permission.SESSION_SELF))]
SelfForm = Annotated[RequestContext, Depends(form(Permission.SESSION_SELF))]

DEFAULT_NEXT = "/"
WRONG_CODE = "That code did not work: wait for the next one and try again."


# -- step-up -------------------------------------------------------------------------


def _step_up_page(
    request: Request,
    ctx: RequestContext,
    next_path: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    return page_of(
        request,
        "account_step_up.html",
        ctx.principal,
        status=status,
        errors=errors,
        next=next_path,
    )


@router.get("/account/step-up")
def step_up_page(request: Request, ctx: SelfPage) -> Response:
    return _step_up_page(request, ctx, local_path(request.query_params.get("next"), DEFAULT_NEXT))


@router.post("/account/step-up")
def step_up(request: Request, ctx: SelfForm, fields: Fields) -> Response:
    next_path = local_path(text(fields, "next"), DEFAULT_NEXT)
    body, errors = checked_model(StepUpIn, {"code": text(fields, "code").strip()})
    if body is None:
        return _step_up_page(request, ctx, next_path, status=422, errors=errors)
    try:
        issued = context_service(request, ctx).step_up(ctx.principal, body.code)
    except StepUpRequired:  # the code is wrong or used (counted as a failure)
        return _step_up_page(request, ctx, next_path, status=403, errors={"code": WRONG_CODE})
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookies(response, issued)
    return response


# -- password ------------------------------------------------------------------------


def _password_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    user = ctx.session.get(User, ctx.principal.actor_id)
    return page_of(
        request,
        "account_password.html",
        ctx.principal,
        status=status,
        errors=errors,
        must_change=user is not None and user.password_change_required,
    )


@router.get("/account/password")
def password_page(request: Request, ctx: SelfPage) -> Response:
    return _password_page(request, ctx)


@router.post("/account/password")
def change_password(request: Request, ctx: SelfForm, fields: Fields) -> Response:
    data = {
        "current_password": text(fields, "current_password"),
        "new_password": text(fields, "new_password"),
        "code": text(fields, "code").strip(),
    }
    body, errors = checked_model(PasswordChangeIn, data)
    if body is None:
        return _password_page(request, ctx, status=422, errors=errors)
    change = signed_in(PasswordChange, request, ctx)
    try:
        change.change(ctx.principal, body.current_password, body.new_password, body.code)
    except PermissionDenied as exc:  # the current password or the code is wrong
        ctx.session.rollback()
        return _password_page(request, ctx, status=403, errors={"form": exc.detail})
    except InvalidInput as exc:  # the password rules, named on ``new_password``
        ctx.session.rollback()
        return _password_page(request, ctx, status=422, errors=error_fields(exc, "new_password"))
    return back("/account/password", "password-changed")

"""/admin/users: the tenant's users, through ``UserAdmin`` and ``CredentialReset``, as
``/api/v1/users`` does (``callvault.identity.admin.api``).

Creating a user with roles and changing a user's roles need ``role:admin`` and a fresh
step-up; so do the password and MFA resets. A refused step-up sends the admin to
``/account/step-up`` (``access.render_error``), which brings them back here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response

from callvault.authz.permissions import Permission
from callvault.dashboard.access import form, page, page_router
from callvault.dashboard.admin import (
    Fields,
    back,
    checked_model,
    choices,
    error_fields,
    page_of,
    text,
)
from callvault.errors import Conflict, InvalidInput
from callvault.identity.admin.credential_reset import CredentialReset
from callvault.identity.admin.schemas import RolesIn, UserCreate, UserPatch
from callvault.identity.admin.service import RoleAdmin, UserAdmin
from callvault.web.context import RequestContext
from callvault.web.params import ObjectId, free_text_query

router = page_router()

UsersPage = Annotated[RequestContext, Depends(page(Permission.USER_ADMIN))]
UsersForm = Annotated[RequestContext, Depends(form(Permission.USER_ADMIN))]
RolesForm = Annotated[RequestContext, Depends(form(Permission.ROLE_ADMIN))]
Cursor = Annotated[str | None, free_text_query(64)]

PAGE_SIZE = 50


def _role_names(ctx: RequestContext) -> list[str]:
    return [role.name for role in RoleAdmin(ctx).catalog().items]


def _users_page(
    request: Request,
    ctx: RequestContext,
    cursor: str | None = None,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    return page_of(
        request,
        "admin_users.html",
        ctx.principal,
        status=status,
        errors=errors,
        users=UserAdmin(ctx).page(PAGE_SIZE, cursor),
        role_names=_role_names(ctx),
        values=values or {"roles": []},
    )


@router.get("/admin/users")
def users_page(request: Request, ctx: UsersPage, cursor: Cursor = None) -> Response:
    return _users_page(request, ctx, cursor)


@router.post("/admin/users")
def create_user(request: Request, ctx: UsersForm, fields: Fields) -> Response:
    data: dict[str, Any] = {
        "email": text(fields, "email").strip(),
        "password": text(fields, "password"),
        "roles": choices(fields, "roles"),
    }
    if family_name := text(fields, "family_name").strip():
        data["family_name"] = family_name
    kept = {k: v for k, v in data.items() if k != "password"}  # never shown back
    body, errors = checked_model(UserCreate, data)
    if body is None:
        return _users_page(request, ctx, status=422, errors=errors, values=kept)
    try:
        user_id = UserAdmin(ctx).create(ctx.keyring, body)
    except Conflict as exc:
        ctx.session.rollback()
        return _users_page(request, ctx, status=409, errors={"email": exc.detail}, values=kept)
    except InvalidInput as exc:  # the password rules (too common, too few characters)
        ctx.session.rollback()
        errors = error_fields(exc, "password")
        return _users_page(request, ctx, status=422, errors=errors, values=kept)
    return back(f"/admin/users/{user_id}", "user-created")


def _user_page(
    request: Request,
    ctx: RequestContext,
    user_id: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    **values: Any,
) -> Response:
    return page_of(
        request,
        "admin_user.html",
        ctx.principal,
        status=status,
        errors=errors,
        user=UserAdmin(ctx).get(user_id),
        role_names=_role_names(ctx),
        is_self=ctx.principal.actor_id == user_id,
        **values,
    )


@router.get("/admin/users/{user_id}")
def user_page(request: Request, ctx: UsersPage, user_id: ObjectId) -> Response:
    return _user_page(request, ctx, user_id)


@router.post("/admin/users/{user_id}/deactivate")
def deactivate_user(request: Request, ctx: UsersForm, user_id: ObjectId) -> Response:
    try:
        UserAdmin(ctx).patch(user_id, UserPatch(active=False))
    except Conflict as exc:  # one's own account
        ctx.session.rollback()
        return _user_page(request, ctx, user_id, status=409, errors={"active": exc.detail})
    return back(f"/admin/users/{user_id}", "user-deactivated")


@router.post("/admin/users/{user_id}/activate")
def activate_user(request: Request, ctx: UsersForm, user_id: ObjectId) -> Response:
    UserAdmin(ctx).patch(user_id, UserPatch(active=True))
    return back(f"/admin/users/{user_id}", "user-activated")


@router.post("/admin/users/{user_id}/unlock")
def unlock_user(request: Request, ctx: UsersForm, user_id: ObjectId) -> Response:
    UserAdmin(ctx).patch(user_id, UserPatch(unlock=True))
    return back(f"/admin/users/{user_id}", "user-unlocked")


@router.post("/admin/users/{user_id}/roles")
def set_user_roles(request: Request, ctx: RolesForm, user_id: ObjectId, fields: Fields) -> Response:
    body, errors = checked_model(RolesIn, {"roles": choices(fields, "roles")})
    if body is None:
        return _user_page(request, ctx, user_id, status=422, errors=errors)
    UserAdmin(ctx).set_roles(user_id, body.roles)
    return back(f"/admin/users/{user_id}", "roles-saved")


@router.post("/admin/users/{user_id}/password-reset")
def reset_password(request: Request, ctx: UsersForm, user_id: ObjectId) -> Response:
    """The temporary password is in this answer only (``no-store``): shown once."""
    temporary = CredentialReset(ctx).reset_password(user_id)
    return _user_page(request, ctx, user_id, temporary=temporary)


@router.post("/admin/users/{user_id}/mfa-reset")
def reset_mfa(request: Request, ctx: UsersForm, user_id: ObjectId) -> Response:
    CredentialReset(ctx).reset_mfa(user_id)
    return back(f"/admin/users/{user_id}", "mfa-reset")

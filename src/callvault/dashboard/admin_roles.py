"""/admin/roles and /admin/tokens: the role catalog and the tenant's custom roles
(``RoleAdmin``), and the service accounts' API tokens (``TokenAdmin``), as
``/api/v1/roles`` and ``/api/v1/tokens`` do.

Reading roles needs ``user:admin``; changing them ``role:admin`` with a fresh step-up.
A new token's secret is in the answer to its form only (``no-store``): shown once.
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
    whole_number,
)
from callvault.errors import Conflict, InvalidInput, NotFound
from callvault.identity.admin.schemas import CustomRoleIn, CustomRoleUpdate, RoleOut, TokenCreate
from callvault.identity.admin.service import TOKEN_BUILTIN_ROLES, RoleAdmin, TokenAdmin
from callvault.web.context import RequestContext
from callvault.web.params import ObjectId, free_text_query

router = page_router()

RolesPage = Annotated[RequestContext, Depends(page(Permission.USER_ADMIN))]
RolesForm = Annotated[RequestContext, Depends(form(Permission.ROLE_ADMIN))]
TokensPage = Annotated[RequestContext, Depends(page(Permission.TOKEN_ADMIN))]
TokensForm = Annotated[RequestContext, Depends(form(Permission.TOKEN_ADMIN))]
Cursor = Annotated[str | None, free_text_query(64)]

PERMISSIONS = sorted(str(p) for p in Permission)
PAGE_SIZE = 50

# -- roles ---------------------------------------------------------------------------


def _roles_page(
    request: Request,
    ctx: RequestContext,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    return page_of(
        request,
        "admin_roles.html",
        ctx.principal,
        status=status,
        errors=errors,
        roles=RoleAdmin(ctx).catalog().items,
        permissions=PERMISSIONS,
        values=values or {"allow": [], "deny": []},
    )


def _role_page(
    request: Request,
    ctx: RequestContext,
    role: RoleOut,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    return page_of(
        request,
        "admin_role.html",
        ctx.principal,
        status=status,
        errors=errors,
        role=role,
        permissions=PERMISSIONS,
    )


def _role(ctx: RequestContext, name: str) -> RoleOut:
    for role in RoleAdmin(ctx).catalog().items:
        if role.name == name:
            return role
    raise NotFound("no such role")


def _lists(fields: Any) -> dict[str, list[str]]:
    return {"allow": choices(fields, "allow"), "deny": choices(fields, "deny")}


@router.get("/admin/roles")
def roles_page(request: Request, ctx: RolesPage) -> Response:
    return _roles_page(request, ctx)


@router.post("/admin/roles")
def create_role(request: Request, ctx: RolesForm, fields: Fields) -> Response:
    data = {"name": text(fields, "name").strip(), **_lists(fields)}
    body, errors = checked_model(CustomRoleIn, data)
    if body is None:
        return _roles_page(request, ctx, status=422, errors=errors, values=data)
    try:
        RoleAdmin(ctx).create(body)
    except Conflict as exc:
        ctx.session.rollback()
        return _roles_page(request, ctx, status=409, errors={"name": exc.detail}, values=data)
    return back("/admin/roles", "role-created")


@router.get("/admin/roles/{name}")
def role_page(request: Request, ctx: RolesPage, name: ObjectId) -> Response:
    return _role_page(request, ctx, _role(ctx, name))


@router.post("/admin/roles/{name}")
def update_role(request: Request, ctx: RolesForm, name: ObjectId, fields: Fields) -> Response:
    body, errors = checked_model(CustomRoleUpdate, _lists(fields))
    if body is None:
        return _role_page(request, ctx, _role(ctx, name), status=422, errors=errors)
    try:
        RoleAdmin(ctx).update(name, body)
    except Conflict as exc:
        ctx.session.rollback()
        return _role_page(request, ctx, _role(ctx, name), status=409, errors={"allow": exc.detail})
    return back(f"/admin/roles/{name}", "role-saved")


@router.post("/admin/roles/{name}/delete")
def delete_role(request: Request, ctx: RolesForm, name: ObjectId) -> Response:
    try:
        RoleAdmin(ctx).delete(name)
    except Conflict as exc:
        ctx.session.rollback()
        return _role_page(request, ctx, _role(ctx, name), status=409, errors={"delete": exc.detail})
    return back("/admin/roles", "role-deleted")


# -- tokens --------------------------------------------------------------------------


def _token_roles(ctx: RequestContext) -> list[str]:
    """The roles a token may take: integration, scim, and the custom roles."""
    return [
        role.name
        for role in RoleAdmin(ctx).catalog().items
        if not role.builtin or role.name in TOKEN_BUILTIN_ROLES
    ]


def _tokens_page(
    request: Request,
    ctx: RequestContext,
    cursor: str | None = None,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    created: Any = None,
) -> Response:
    return page_of(
        request,
        "admin_tokens.html",
        ctx.principal,
        status=status,
        errors=errors,
        tokens=TokenAdmin(ctx).page(PAGE_SIZE, cursor),
        token_roles=_token_roles(ctx),
        permissions=PERMISSIONS,
        values=values or {"scopes": [], "expires_in_days": 90},
        created=created,
    )


@router.get("/admin/tokens")
def tokens_page(request: Request, ctx: TokensPage, cursor: Cursor = None) -> Response:
    return _tokens_page(request, ctx, cursor)


@router.post("/admin/tokens")
def create_token(request: Request, ctx: TokensForm, fields: Fields) -> Response:
    """The token is in this answer only: the page says to copy it now."""
    scopes = choices(fields, "scopes")
    data: dict[str, Any] = {
        "name": text(fields, "name").strip(),
        "role": text(fields, "role"),
        "expires_in_days": whole_number(text(fields, "expires_in_days") or "90"),
    }
    if scopes:
        data["scopes"] = scopes
    body, errors = checked_model(TokenCreate, data)
    values = {"scopes": scopes, **data}
    if body is None:
        return _tokens_page(request, ctx, status=422, errors=errors, values=values)
    try:
        created = TokenAdmin(ctx).create(body)
    except InvalidInput as exc:  # a role a token may not hold, scopes wider than the role
        ctx.session.rollback()
        errors = error_fields(exc, "scopes" if scopes and "scope" in exc.detail else "role")
        return _tokens_page(request, ctx, status=422, errors=errors, values=values)
    return _tokens_page(request, ctx, created=created)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(request: Request, ctx: TokensForm, token_id: ObjectId) -> Response:
    TokenAdmin(ctx).revoke(token_id)
    return back("/admin/tokens", "token-revoked")

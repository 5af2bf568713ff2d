"""Administration API: the tenant's users, roles and API tokens.

Thin routes: each declares one permission, parses its body strictly and calls one
service method. Reading roles needs only ``user:admin`` (an admin assigning roles
must see them); changing roles or role assignments needs ``role:admin``, which is a
step-up permission, so a session must have re-entered a TOTP code and a service
token can never do it. Credential resets (``/users/{id}/password-reset``,
``/mfa-reset``) need ``user:admin`` and a fresh step-up too, which
``callvault.identity.admin.credential_reset`` checks.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel

from callvault.authz.permissions import Permission
from callvault.identity.admin.credential_reset import CredentialReset
from callvault.identity.admin.schemas import (
    Created,
    CustomRoleIn,
    CustomRoleUpdate,
    RoleCatalog,
    RoleOut,
    RolesIn,
    TemporaryPassword,
    TokenCreate,
    TokenCreated,
    TokenPage,
    UserCreate,
    UserOut,
    UserPage,
    UserPatch,
)
from callvault.identity.admin.service import RoleAdmin, TokenAdmin, UserAdmin
from callvault.web.bodies import json_body
from callvault.web.context import RequestContext, require
from callvault.web.openapi import CONFLICT, TOO_MANY_REQUESTS
from callvault.web.params import ObjectId, free_text_query
from callvault.web.pools import PooledRoute

router = APIRouter(prefix="/api/v1", tags=["identity"], route_class=PooledRoute)

MAX_BODY = 16 * 1024
_Body = TypeVar("_Body", bound=BaseModel)

Limit = Annotated[int, Query(ge=1)]
Cursor = Annotated[str | None, free_text_query(64)]


def body_of(model: type[_Body]) -> Any:
    """``Annotated[Model, body_of(Model)]``: the JSON body, small as a form's."""
    return Depends(json_body(model, MAX_BODY))


def users(ctx: RequestContext) -> UserAdmin:
    return UserAdmin(ctx)


def resets(ctx: RequestContext) -> CredentialReset:
    return CredentialReset(ctx)


def roles(ctx: RequestContext) -> RoleAdmin:
    return RoleAdmin(ctx)


def tokens(ctx: RequestContext) -> TokenAdmin:
    return TokenAdmin(ctx)


UserAdminCtx = Annotated[RequestContext, Depends(require(Permission.USER_ADMIN))]
RoleAdminCtx = Annotated[RequestContext, Depends(require(Permission.ROLE_ADMIN))]
TokenAdminCtx = Annotated[RequestContext, Depends(require(Permission.TOKEN_ADMIN))]

# -- users ---------------------------------------------------------------------------
# (The context parameter comes first: authentication runs before the body is read.)


@router.get("/users", response_model=UserPage)
def list_users(ctx: UserAdminCtx, limit: Limit = 50, cursor: Cursor = None) -> UserPage:
    return users(ctx).page(limit, cursor)


@router.post("/users", status_code=201, response_model=Created, responses=CONFLICT)
def create_user(ctx: UserAdminCtx, body: Annotated[UserCreate, body_of(UserCreate)]) -> Created:
    return Created(id=users(ctx).create(ctx.keyring, body))


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(ctx: UserAdminCtx, user_id: ObjectId) -> UserOut:
    return users(ctx).get(user_id)


@router.patch("/users/{user_id}", response_model=UserOut, responses=CONFLICT)
def patch_user(
    ctx: UserAdminCtx, user_id: ObjectId, body: Annotated[UserPatch, body_of(UserPatch)]
) -> UserOut:
    return users(ctx).patch(user_id, body)


@router.put("/users/{user_id}/roles", response_model=UserOut)
def put_user_roles(
    ctx: RoleAdminCtx, user_id: ObjectId, body: Annotated[RolesIn, body_of(RolesIn)]
) -> UserOut:
    return users(ctx).set_roles(user_id, body.roles)


@router.post(
    "/users/{user_id}/password-reset", response_model=TemporaryPassword, responses=TOO_MANY_REQUESTS
)
def reset_password(ctx: UserAdminCtx, user_id: ObjectId, response: Response) -> TemporaryPassword:
    """A one-time temporary password (shown once, valid 24 h) that must be changed at
    the next sign-in; the user's sessions end. Needs a step-up; never one's own."""
    response.headers["Cache-Control"] = "no-store"
    return resets(ctx).reset_password(user_id)


@router.post("/users/{user_id}/mfa-reset", status_code=204)
def reset_mfa(ctx: UserAdminCtx, user_id: ObjectId) -> Response:
    """Forget the user's authenticator and recovery codes: the next sign-in enrols
    again; the user's sessions end. Needs a step-up; never one's own."""
    resets(ctx).reset_mfa(user_id)
    return Response(status_code=204)


# -- roles ---------------------------------------------------------------------------


@router.get("/roles", response_model=RoleCatalog)
def list_roles(ctx: UserAdminCtx) -> RoleCatalog:
    return roles(ctx).catalog()


@router.post("/roles", status_code=201, response_model=RoleOut, responses=CONFLICT)
def create_role(ctx: RoleAdminCtx, body: Annotated[CustomRoleIn, body_of(CustomRoleIn)]) -> RoleOut:
    return roles(ctx).create(body)


@router.put("/roles/{name}", response_model=RoleOut, responses=CONFLICT)
def update_role(
    ctx: RoleAdminCtx, name: ObjectId, body: Annotated[CustomRoleUpdate, body_of(CustomRoleUpdate)]
) -> RoleOut:
    return roles(ctx).update(name, body)


@router.delete("/roles/{name}", status_code=204, responses=CONFLICT)
def delete_role(ctx: RoleAdminCtx, name: ObjectId) -> Response:
    roles(ctx).delete(name)
    return Response(status_code=204)


# -- tokens --------------------------------------------------------------------------


@router.get("/tokens", response_model=TokenPage)
def list_tokens(ctx: TokenAdminCtx, limit: Limit = 50, cursor: Cursor = None) -> TokenPage:
    return tokens(ctx).page(limit, cursor)


@router.post("/tokens", status_code=201, response_model=TokenCreated)
def create_token(
    ctx: TokenAdminCtx, body: Annotated[TokenCreate, body_of(TokenCreate)], response: Response
) -> TokenCreated:
    response.headers["Cache-Control"] = "no-store"  # the secret is in this body, once
    return tokens(ctx).create(body)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(ctx: TokenAdminCtx, token_id: ObjectId) -> Response:
    tokens(ctx).revoke(token_id)
    return Response(status_code=204)

"""Request and response bodies of the administration API (users, roles, tokens).

Request models refuse unknown fields (``extra="forbid"``): a body cannot slip in
``roles``, ``tenant_id`` or ``id`` where they are not part of the contract (no mass
assignment). They are parsed with ``model_validate_json`` so that errors name the
field and never echo the value sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from callvault.authz.permissions import Permission
from callvault.identity.passwords import MAX_LENGTH, MIN_LENGTH
from callvault.identity.users import EMAIL_PATTERN
from callvault.inputs import InputModel

ROLE_NAME_PATTERN = r"^[a-z][a-z0-9_-]{1,63}$"
MAX_PAGE_SIZE = 200

RoleRef = Annotated[str, Field(pattern=ROLE_NAME_PATTERN)]  # built-in and custom alike
RoleNames = Annotated[list[RoleRef], Field(max_length=20)]
PermissionList = Annotated[list[Permission], Field(max_length=len(Permission))]


class _Strict(InputModel):
    # No whitespace stripping: a password is taken exactly as typed.
    model_config = ConfigDict(extra="forbid", strict=True)


class UserCreate(_Strict):
    """``password`` must also not be one of the 30,000 most common (nor use fewer than
    four different characters): a 422 says so."""

    email: Annotated[str, Field(min_length=3, max_length=254, pattern=EMAIL_PATTERN)]
    password: Annotated[str, Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]
    roles: RoleNames = Field(default=[])
    family_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class UserPatch(_Strict):
    """Only these two switches: everything else about a user has its own route."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    # (null is taken as "not sent"; the schema leaves it out so that it asks for one)
    active: bool | SkipJsonSchema[None] = None
    unlock: Literal[True] | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _something_to_do(self) -> UserPatch:
        if self.active is None and self.unlock is None:
            raise ValueError("send active and/or unlock")
        return self


class RolesIn(_Strict):
    roles: RoleNames


class CustomRoleIn(_Strict):
    name: Annotated[str, Field(pattern=ROLE_NAME_PATTERN)]
    allow: PermissionList = Field(default=[])
    deny: PermissionList = Field(default=[])


class CustomRoleUpdate(_Strict):
    allow: PermissionList = Field(default=[])
    deny: PermissionList = Field(default=[])


class TokenCreate(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    role: RoleRef
    scopes: PermissionList | None = None
    expires_in_days: Annotated[int, Field(ge=1, le=365)] = 90


class Created(BaseModel):
    id: str


class TokenCreated(BaseModel):
    """The only response that ever carries the token: it is shown once."""

    id: str
    token: str


class UserOut(BaseModel):
    id: str
    email: str
    roles: list[str]
    active: bool
    enrolled: bool
    # An admin reset gave a temporary password that has not been changed yet.
    password_change_required: bool
    locked_until: datetime | None
    failed_logins: int
    created_at: datetime
    deactivated_at: datetime | None


class UserPage(BaseModel):
    items: list[UserOut]
    next_cursor: str | None


class RoleOut(BaseModel):
    name: str
    builtin: bool
    allow: list[str]
    deny: list[str]


class RoleCatalog(BaseModel):
    items: list[RoleOut]


class TemporaryPassword(BaseModel):
    """The only response that ever carries a temporary password: shown once."""

    temporary_password: str
    expires_at: datetime


class TokenOut(BaseModel):
    """Everything about a token except its secret and the secret's hash."""

    id: str
    name: str | None
    role: str
    scopes: list[str] | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenPage(BaseModel):
    items: list[TokenOut]
    next_cursor: str | None

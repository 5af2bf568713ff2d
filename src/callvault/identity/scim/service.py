"""SCIM 2.0 user provisioning (RFC 7643/7644, the subset identity providers use).

An identity provider, holding an API token of the ``scim`` role, creates users,
reads them, finds one by ``userName eq "..."``, deactivates them with a PATCH and
deletes them. Deactivation and deletion end access within the same request: the
user's sessions and the API tokens they created are revoked in that transaction.

Provisioned users get a random password nobody knows and an unconfirmed TOTP
secret: they can sign in only after an admin sets a password (SCIM password
attributes are not accepted here), and must enrol TOTP at first sign-in.

A deleted user keeps its row (audit events refer to it) but loses its roles, its
TOTP secret and its e-mail, which becomes a tombstone (``deleted+<id>@invalid``, an
address ``normalise_email`` never accepts) so that the address can be reused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.db.base import utcnow
from callvault.errors import InvalidInput, NotFound
from callvault.identity.models import ApiToken, User, UserRole
from callvault.identity.passwords import unusable_password_hash
from callvault.identity.sessions import revoke_user_sessions
from callvault.identity.users import create_user, normalise_email, user_roles

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
MAX_PAGE = 100

# Attribute names and operators are case-insensitive (RFC 7644 3.4.2.2); the value is
# a JSON string, so it may hold escaped quotes.
_USERNAME_EQ = re.compile(r'^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


class ScimInvalid(InvalidInput):
    """A request SCIM calls bad (400), with its ``scimType`` keyword."""

    status = 400

    def __init__(self, detail: str, scim_type: str = "invalidValue") -> None:
        super().__init__(detail)
        self.scim_type = scim_type


@dataclass(frozen=True)
class NewUser:
    user_name: str
    active: bool = True
    external_id: str | None = None
    roles: tuple[str, ...] = ()
    family_name: str | None = None


@dataclass(frozen=True)
class Change:
    """What a PatchOp asks for: only ``active`` and ``externalId`` may change."""

    active: bool | None = None
    external_id: str | None = None
    set_external_id: bool = False


def tombstone(user_id: str) -> str:
    return f"deleted+{user_id}@invalid"


def is_deleted(user: User) -> bool:
    return user.email == tombstone(user.id)


def parse_username_filter(expression: str) -> str:
    """The e-mail in ``userName eq "x"``; any other filter is refused."""
    match = _USERNAME_EQ.fullmatch(expression)
    if match is None:
        raise ScimInvalid('only the filter userName eq "..." is supported', "invalidFilter")
    return re.sub(r"\\(.)", r"\1", match.group(1))


def _as_bool(value: Any) -> bool:
    # Azure AD sends "True"/"False" strings in some of its PATCH requests.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ScimInvalid("active must be a boolean")


def _as_external_id(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and 0 < len(value) <= 200):
        return value
    raise ScimInvalid("externalId must be a string of 1-200 characters")


def parse_patch(operations: list[dict[str, Any]]) -> Change:
    """RFC 7644 PatchOp, ``replace``/``add`` of ``active`` or ``externalId``, either
    with a ``path`` or (Azure AD's form) as a ``value`` object without one."""
    values: dict[str, Any] = {}
    for operation in operations:
        op = str(operation.get("op", "")).lower()
        if op not in ("replace", "add"):
            raise ScimInvalid("only replace and add operations are supported", "invalidPath")
        path, value = operation.get("path"), operation.get("value")
        if path is None and isinstance(value, dict):
            values.update(value)
        elif isinstance(path, str):
            values[path] = value
        else:
            raise ScimInvalid("an operation needs a path or an object value", "noTarget")
    return _change(values)


def _change(values: dict[str, Any]) -> Change:
    keys = {key.lower(): key for key in values}
    unknown = set(keys) - {"active", "externalid"}
    if unknown:
        raise ScimInvalid("only active and externalId can be changed", "invalidPath")
    active = _as_bool(values[keys["active"]]) if "active" in keys else None
    if "externalid" in keys:
        return Change(active, _as_external_id(values[keys["externalid"]]), True)
    return Change(active)


class ScimService:
    """Users of the token's tenant only: another tenant's user is not found."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def get(self, user_id: str) -> User:
        user = self._ctx.session.execute(
            select(User).where(User.id == user_id, User.tenant_id == self._ctx.tenant_id)
        ).scalar_one_or_none()
        if user is None or is_deleted(user):
            raise NotFound("no such user")
        return user

    def roles(self, user: User) -> list[str]:
        return sorted(user_roles(self._ctx.session, user.id))

    def find(self, user_name: str | None, start: int, count: int) -> tuple[int, list[User]]:
        """(total, page) of the tenant's live users, optionally by e-mail."""
        where = [User.tenant_id == self._ctx.tenant_id, ~_deleted_clause()]
        if user_name is not None:
            try:
                where.append(User.email == normalise_email(user_name))
            except InvalidInput:
                return 0, []  # not an e-mail: no user can have it
        total = self._ctx.session.execute(
            select(func.count()).select_from(User).where(*where)
        ).scalar_one()
        page = select(User).where(*where).order_by(User.created_at, User.id)
        users = self._ctx.session.execute(page.offset(start - 1).limit(count)).scalars()
        return total, list(users)

    def create(self, data: NewUser) -> User:
        # No password: sign-in needs an admin to set one first.
        user, _ = create_user(
            self._ctx.session,
            self._ctx.keyring,
            self._ctx.tenant_id,
            data.user_name,
            unusable_password_hash(),
            list(data.roles),
        )
        user.external_id = data.external_id
        user.family_name = data.family_name  # for the same-surname alert rule
        if not data.active:
            self._end_access(user)
        self._ctx.audit(AuditAction.USER_PROVISION, user.id)
        self._ctx.session.commit()
        return user

    def update(self, user_id: str, change: Change) -> User:
        user = self.get(user_id)
        if change.set_external_id:
            user.external_id = change.external_id
        if change.active is False:
            self._end_access(user)
            self._ctx.audit(AuditAction.USER_DEACTIVATE, user.id)
        elif change.active is True and not user.active:
            user.active, user.deactivated_at = True, None
            self._ctx.audit(AuditAction.USER_REACTIVATE, user.id)
        if change.set_external_id:
            self._ctx.audit(AuditAction.USER_UPDATE, user.id)
        self._ctx.session.commit()
        return user

    def delete(self, user_id: str) -> None:
        user = self.get(user_id)
        self._end_access(user)
        user.email = tombstone(user.id)
        user.external_id = None
        user.totp_secret_enc = None
        self._ctx.session.execute(delete(UserRole).where(UserRole.user_id == user.id))
        self._ctx.audit(AuditAction.USER_DELETE, user.id)
        self._ctx.session.commit()

    def _end_access(self, user: User) -> None:
        """Deactivate and, in the same transaction, revoke every session of the user
        and every token they created: the next request of either fails."""
        now = utcnow()
        if user.active:
            user.active, user.deactivated_at = False, now
        revoke_user_sessions(self._ctx.session, user.id)
        self._ctx.session.execute(
            update(ApiToken)
            .where(
                ApiToken.tenant_id == self._ctx.tenant_id,
                ApiToken.created_by == user.id,
                ApiToken.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )


def _deleted_clause() -> ColumnElement[bool]:
    return User.email.like("deleted+%@invalid")

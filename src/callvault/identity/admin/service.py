"""Administration of one tenant: its users, its custom roles and its API tokens.

Every service is bound to the acting principal's tenant: an object of another tenant
is simply not found (and the miss is audited). Every change records an audit event
in the same transaction, with ids only (never an e-mail or a password), and commits
before anything is returned.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.exc import IntegrityError

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.authz.permissions import Permission
from callvault.authz.principal import parse_permissions
from callvault.authz.roles import BUILTIN_ROLES, Role
from callvault.crypto.keyring import Keyring
from callvault.db.base import utcnow
from callvault.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StepUpRequired
from callvault.identity import users
from callvault.identity.admin.schemas import (
    MAX_PAGE_SIZE,
    CustomRoleIn,
    CustomRoleUpdate,
    RoleCatalog,
    RoleOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
    TokenPage,
    UserCreate,
    UserOut,
    UserPage,
    UserPatch,
)
from callvault.identity.custom_roles import resolve_roles
from callvault.identity.models import ApiToken, CustomRole, User, UserRole
from callvault.identity.passwords import hash_password
from callvault.identity.sessions import revoke_user_sessions, stepped_up_recently
from callvault.identity.tokens import create_token

# Service accounts are non-interactive ingest and integration identities: they never
# administer anything. Built-in roles for people are refused too.
TOKEN_BUILTIN_ROLES = frozenset({"integration", "scim"})
ADMIN_PERMISSIONS = frozenset(p for p in Permission if p.endswith(":admin"))

_ID = re.compile(r"^[0-9a-f]{32}$")
_Row = TypeVar("_Row", User, ApiToken)


class TenantService:
    """A service bound to the acting principal's tenant, auditing as it goes."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def _not_found(self, action: AuditAction, kind: str, resource_id: str) -> NotFound:
        """Audit the miss on its own (nothing else of the request is kept)."""
        self._ctx.audit_refusal(action, resource_id, outcome=Outcome.NOT_FOUND, resource_type=kind)
        return NotFound(f"no such {kind}")

    def _commit(self, conflict: str) -> None:
        # A concurrent request may have taken the same unique name in the meantime.
        try:
            self._ctx.session.commit()
        except IntegrityError:
            self._ctx.session.rollback()
            raise Conflict(conflict) from None

    def _page(
        self, stmt: Select[_Row], column: Any, limit: int, cursor: str | None
    ) -> tuple[list[_Row], str | None]:
        """Keyset pagination on the random id: the cursor is the last id of a page."""
        if cursor is not None:
            if not _ID.fullmatch(cursor):
                raise InvalidInput("cursor is not valid")
            stmt = stmt.where(column > cursor)
        limit = min(max(limit, 1), MAX_PAGE_SIZE)
        rows = list(self._ctx.session.execute(stmt.order_by(column).limit(limit + 1)).scalars())
        page = rows[:limit]
        return page, (page[-1].id if len(rows) > limit else None)


class UserAdmin(TenantService):
    """The tenant's users: list, create, (de)activate, unlock, assign roles."""

    def page(self, limit: int, cursor: str | None) -> UserPage:
        stmt = select(User).where(User.tenant_id == self._ctx.tenant_id)
        page, next_cursor = self._page(stmt, User.id, limit, cursor)
        roles = self._roles_of(u.id for u in page)
        return UserPage(items=[_user_out(u, roles[u.id]) for u in page], next_cursor=next_cursor)

    def get(self, user_id: str) -> UserOut:
        user = self._user(user_id, AuditAction.USER_READ)
        return _user_out(user, self._roles_of([user.id])[user.id])

    def create(self, keyring: Keyring, data: UserCreate) -> str:
        if data.roles:
            self._require_role_assignment()
        password_hash = hash_password(data.password)
        # The TOTP secret is made now but only shown to the user at first sign-in.
        user, _ = users.create_user(
            self._ctx.session, keyring, self._ctx.tenant_id, data.email, password_hash, data.roles
        )
        user.family_name = data.family_name  # for the same-surname alert rule
        self._ctx.audit(AuditAction.USER_CREATE, user.id)
        if data.roles:
            self._ctx.audit(AuditAction.ROLE_ASSIGN, user.id)
        self._commit("a user with that e-mail exists")
        return user.id

    def _require_role_assignment(self) -> None:
        """Giving a new account roles is a role change like any other: role:admin and a
        fresh step-up, so user:admin alone cannot mint an admin or a PHI reader."""
        if not self._ctx.principal.may(Permission.ROLE_ADMIN):
            raise PermissionDenied("creating a user with roles needs role:admin")
        if not stepped_up_recently(self._ctx.principal):
            raise StepUpRequired("re-enter a TOTP code (POST /api/v1/auth/step-up) first")

    def patch(self, user_id: str, data: UserPatch) -> UserOut:
        user = self._user(user_id, AuditAction.USER_UPDATE)
        if data.active is False and self._is_self(user):
            raise Conflict("you cannot deactivate your own account")
        if data.active is False and user.active:
            user.active, user.deactivated_at = False, utcnow()
            revoke_user_sessions(self._ctx.session, user.id)  # ends them at once
            self._ctx.audit(AuditAction.USER_DEACTIVATE, user.id)
        elif data.active is True and not user.active:
            user.active, user.deactivated_at = True, None
            self._ctx.audit(AuditAction.USER_ACTIVATE, user.id)
        if data.unlock:
            user.locked_until, user.failed_logins = None, 0
            self._ctx.audit(AuditAction.USER_UNLOCK, user.id)
        self._ctx.session.commit()
        return _user_out(user, self._roles_of([user.id])[user.id])

    def set_roles(self, user_id: str, roles: list[str]) -> UserOut:
        user = self._user(user_id, AuditAction.ROLE_ASSIGN)
        if self._is_self(user):
            # Separation of duties: nobody, not even an admin, grants themself a role.
            raise PermissionDenied("you cannot change your own roles: ask another admin")
        users.set_roles(self._ctx.session, user, roles)
        self._ctx.audit(AuditAction.ROLE_ASSIGN, user.id)
        self._ctx.session.commit()
        return _user_out(user, sorted(set(roles)))

    def _user(self, user_id: str, action: AuditAction) -> User:
        """The tenant's user, or a 404 whose miss is audited."""
        user = self._ctx.session.execute(
            select(User).where(User.id == user_id, User.tenant_id == self._ctx.tenant_id)
        ).scalar_one_or_none()
        if user is None:
            raise self._not_found(action, "user", user_id)
        return user

    def _is_self(self, user: User) -> bool:
        return self._ctx.principal.actor_type == "user" and self._ctx.principal.actor_id == user.id

    def _roles_of(self, user_ids: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        ids = list(user_ids)
        if ids:
            rows = self._ctx.session.execute(
                select(UserRole.user_id, UserRole.role)
                .where(UserRole.user_id.in_(ids))
                .order_by(UserRole.role)
            )
            for user_id, role in rows:
                found[user_id].append(role)
        return found


class RoleAdmin(TenantService):
    """Built-in roles (read only) and the tenant's custom roles."""

    def catalog(self) -> RoleCatalog:
        custom = self._ctx.session.execute(
            select(CustomRole)
            .where(CustomRole.tenant_id == self._ctx.tenant_id)
            .order_by(CustomRole.name)
        ).scalars()
        builtin = [_role_out(role, builtin=True) for role in BUILTIN_ROLES.values()]
        return RoleCatalog(items=builtin + [_role_out(_as_role(row)) for row in custom])

    def create(self, data: CustomRoleIn) -> RoleOut:
        if data.name in BUILTIN_ROLES or self._find(data.name) is not None:
            raise Conflict("a role with that name exists")
        row = CustomRole(tenant_id=self._ctx.tenant_id, name=data.name)
        _set_lists(row, data.allow, data.deny)
        self._ctx.session.add(row)
        self._ctx.audit(AuditAction.ROLE_CREATE, data.name)
        self._commit("a role with that name exists")
        return _role_out(_as_role(row))

    def update(self, name: str, data: CustomRoleUpdate) -> RoleOut:
        row = self._custom(name, AuditAction.ROLE_UPDATE)
        if ADMIN_PERMISSIONS & set(data.allow) and self._held_by_live_token(name):
            raise Conflict("a service token holds this role: it cannot get admin permissions")
        _set_lists(row, data.allow, data.deny)
        self._ctx.audit(AuditAction.ROLE_UPDATE, name)
        self._ctx.session.commit()
        return _role_out(_as_role(row))

    def delete(self, name: str) -> None:
        row = self._custom(name, AuditAction.ROLE_DELETE)
        if self._held_by_user(name) or self._held_by_live_token(name):
            raise Conflict("the role is in use: take it away from users and tokens first")
        self._ctx.session.delete(row)
        self._ctx.audit(AuditAction.ROLE_DELETE, name)
        self._ctx.session.commit()

    def _find(self, name: str) -> CustomRole | None:
        return self._ctx.session.execute(
            select(CustomRole).where(
                CustomRole.tenant_id == self._ctx.tenant_id, CustomRole.name == name
            )
        ).scalar_one_or_none()

    def _custom(self, name: str, action: AuditAction) -> CustomRole:
        if name in BUILTIN_ROLES:
            raise Conflict("built-in roles cannot be changed")
        row = self._find(name)
        if row is None:
            raise self._not_found(action, "role", name)
        return row

    def _held_by_user(self, name: str) -> bool:
        held = exists().where(
            UserRole.role == name,
            UserRole.user_id == User.id,
            User.tenant_id == self._ctx.tenant_id,
        )
        return bool(self._ctx.session.execute(select(held)).scalar())

    def _held_by_live_token(self, name: str) -> bool:
        held = exists().where(
            ApiToken.tenant_id == self._ctx.tenant_id,
            ApiToken.role == name,
            ApiToken.revoked_at.is_(None),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > utcnow()),
        )
        return bool(self._ctx.session.execute(select(held)).scalar())


class TokenAdmin(TenantService):
    """API tokens of service accounts: shown once, scoped, expiring, revocable."""

    def page(self, limit: int, cursor: str | None) -> TokenPage:
        stmt = select(ApiToken).where(ApiToken.tenant_id == self._ctx.tenant_id)
        page, next_cursor = self._page(stmt, ApiToken.id, limit, cursor)
        return TokenPage(items=[_token_out(t) for t in page], next_cursor=next_cursor)

    def create(self, data: TokenCreate) -> TokenCreated:
        role = self._token_role(data.role)
        scopes = None if data.scopes is None else frozenset(data.scopes)
        if scopes is not None and not scopes <= role.allow - role.deny:
            raise InvalidInput("scopes may only narrow the role: one is not granted by it")
        token = create_token(
            self._ctx.session,
            self._ctx.tenant_id,
            role.name,
            utcnow() + timedelta(days=data.expires_in_days),
            name=data.name,
            scopes=scopes,
            created_by=self._ctx.principal.actor_id,
        )
        token_id = token.split("_", 2)[1]  # cvt_<id>_<secret>
        self._ctx.audit(AuditAction.TOKEN_CREATE, token_id)
        self._ctx.session.commit()
        return TokenCreated(id=token_id, token=token)

    def revoke(self, token_id: str) -> None:
        row = self._ctx.session.execute(
            select(ApiToken).where(
                ApiToken.id == token_id, ApiToken.tenant_id == self._ctx.tenant_id
            )
        ).scalar_one_or_none()
        if row is None:
            raise self._not_found(AuditAction.TOKEN_REVOKE, "token", token_id)
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            self._ctx.audit(AuditAction.TOKEN_REVOKE, row.id)
        self._ctx.session.commit()

    def _token_role(self, name: str) -> Role:
        if name in BUILTIN_ROLES and name not in TOKEN_BUILTIN_ROLES:
            raise InvalidInput("tokens take the integration or scim role, or a custom role")
        found = resolve_roles(self._ctx.session, self._ctx.tenant_id, [name])
        if not found:
            raise InvalidInput("unknown role")
        if found[0].allow & ADMIN_PERMISSIONS:
            raise InvalidInput("a token cannot hold a role with admin permissions")
        return found[0]


def _user_out(user: User, roles: list[str]) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        roles=roles,
        active=user.active,
        enrolled=user.totp_confirmed_at is not None,
        password_change_required=user.password_change_required,
        locked_until=user.locked_until,
        failed_logins=user.failed_logins,
        created_at=user.created_at,
        deactivated_at=user.deactivated_at,
    )


def _as_role(row: CustomRole) -> Role:
    return Role(row.name, parse_permissions(row.allow), parse_permissions(row.deny))


def _role_out(role: Role, *, builtin: bool = False) -> RoleOut:
    return RoleOut(
        name=role.name, builtin=builtin, allow=sorted(role.allow), deny=sorted(role.deny)
    )


def _set_lists(row: CustomRole, allow: list[Permission], deny: list[Permission]) -> None:
    row.allow = json.dumps(sorted(set(allow)))
    row.deny = json.dumps(sorted(set(deny)))


def _token_out(row: ApiToken) -> TokenOut:
    scopes = None if row.scopes is None else [str(p) for p in sorted(parse_permissions(row.scopes))]
    return TokenOut(
        id=row.id,
        name=row.name,
        role=row.role,
        scopes=scopes,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )

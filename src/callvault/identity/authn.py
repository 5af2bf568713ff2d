"""Authentication: who is asking, from a bearer token or a session cookie.

Tokens are for service accounts, sessions for people; both are checked against the
tenant's IP allowlist. A session carries a CSRF secret that must come back in
``X-CSRF-Token`` on every state-changing request.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.authz.permissions import Permission, parse_permission
from callvault.authz.roles import Policy, Role, policy_for
from callvault.db.base import utcnow
from callvault.errors import NotAuthenticated, PermissionDenied
from callvault.identity.models import Elevation, User, UserRole, UserSession
from callvault.identity.principal import Principal, resolve_roles
from callvault.identity.sessions import csrf_matches, find_live_session
from callvault.identity.tenant_policy import load_access_policy
from callvault.identity.tokens import authenticate_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Credentials:
    authorization: str | None
    session_cookie: str | None
    csrf_token: str | None
    method: str
    source_ip: str | None


def authenticate(db: Session, credentials: Credentials) -> Principal:
    if credentials.authorization is not None:
        principal = _from_token(db, credentials.authorization)
    elif credentials.session_cookie:
        principal = _from_session(db, credentials)
    else:
        raise NotAuthenticated("sign in, or send a bearer token")
    if not load_access_policy(db, principal.tenant_id).allows_ip(credentials.source_ip):
        raise PermissionDenied("access from this network is not allowed for the tenant")
    return principal


def _from_token(db: Session, header: str) -> Principal:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("a bearer token is required")
    principal = authenticate_token(db, token.strip())
    if principal is None:
        raise NotAuthenticated("the token is not valid")
    return principal


def _from_session(db: Session, credentials: Credentials) -> Principal:
    row = find_live_session(db, credentials.session_cookie or "")
    if row is None:
        raise NotAuthenticated("the session has ended: sign in again")
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        raise NotAuthenticated("the session has ended: sign in again")
    if credentials.method not in SAFE_METHODS and not csrf_matches(row, credentials.csrf_token):
        raise PermissionDenied("a valid X-CSRF-Token header is required")
    return user_principal(db, user, row)


def user_principal(db: Session, user: User, row: UserSession | None = None) -> Principal:
    names = tuple(db.execute(select(UserRole.role).where(UserRole.user_id == user.id)).scalars())
    roles = resolve_roles(db, user.tenant_id, names)
    return Principal(
        tenant_id=user.tenant_id,
        actor_type="user",
        actor_id=user.id,
        roles=names,
        policy=_policy_of(db, user, roles),
        session_id=row.id if row is not None else None,
        stepped_up_at=row.stepped_up_at if row is not None else None,
    )


# -- password change pending (identity helper, issue 13) ------------------------------
# A session made with a temporary password (an admin reset) holds only session:self,
# whatever the roles: it can change the password (POST /auth/password; step-up refuses
# it), read /auth/session and log out; every other route answers 403 until then.
PASSWORD_CHANGE_ONLY = Policy(frozenset({Permission.SESSION_SELF}))


def _policy_of(db: Session, user: User, roles: list[Role]) -> Policy:
    if user.password_change_required:
        return PASSWORD_CHANGE_ONLY
    return policy_for(roles, active_grants(db, user.id))


def active_grants(db: Session, user_id: str) -> frozenset[Permission]:
    """Permissions from approved, unexpired break-glass elevations."""
    rows = db.execute(
        select(Elevation.permission).where(
            Elevation.requester_id == user_id,
            Elevation.status == "approved",
            Elevation.expires_at > utcnow(),
        )
    ).scalars()
    parsed = (parse_permission(value) for value in rows)
    return frozenset(p for p in parsed if p is not None)

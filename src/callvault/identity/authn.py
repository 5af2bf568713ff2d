"""Authentication: who is asking, from a bearer token or a session cookie.

Tokens are for service accounts, sessions for people; both are checked against the
tenant's IP allowlist. A session carries a CSRF secret that must come back in
``X-CSRF-Token`` on every state-changing request.

Every request passes through here, so a session is read with one Core statement (the
session, its user, the tenant's allowlist, the user's roles and live grants) rather than
ORM objects: on SQLite each ORM load costs about five times as much.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callvault.authz.credentials import SAFE_METHODS, Credentials
from callvault.authz.permissions import Permission, parse_permission
from callvault.authz.principal import Principal
from callvault.authz.roles import Policy, policy_for
from callvault.db.base import utcnow
from callvault.errors import NotAuthenticated, PermissionDenied
from callvault.identity.custom_roles import resolve_roles
from callvault.identity.policy.access import stored_allowlist_allows
from callvault.identity.sessions import LiveSession, csrf_matches, live_session
from callvault.identity.tokens import authenticate_token
from callvault.identity.training.rules import is_lapsed, suspend_phi


def authenticate(db: Session, credentials: Credentials) -> Principal:
    if credentials.authorization is not None:
        principal, allowlist = _from_token(db, credentials.authorization)
    elif credentials.session_cookie:
        principal, allowlist = _from_session(db, credentials)
    else:
        raise NotAuthenticated("sign in, or send a bearer token")
    if not stored_allowlist_allows(allowlist, credentials.source_ip):
        raise PermissionDenied("access from this network is not allowed for the tenant")
    return principal


def _from_token(db: Session, header: str) -> tuple[Principal, str | None]:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("a bearer token is required")
    found = authenticate_token(db, token.strip())
    if found is None:
        raise NotAuthenticated("the token is not valid")
    return found


def _from_session(db: Session, credentials: Credentials) -> tuple[Principal, str | None]:
    row = live_session(db, credentials.session_cookie or "")
    if row is None or not row.active:
        raise NotAuthenticated("the session has ended: sign in again")
    if credentials.method not in SAFE_METHODS and not csrf_matches(
        row.csrf_hash, credentials.csrf_token
    ):
        raise PermissionDenied("a valid X-CSRF-Token header is required")
    return _principal(db, row), row.ip_allowlist


def _principal(db: Session, row: LiveSession) -> Principal:
    names = row.roles
    grants = frozenset(p for p in map(parse_permission, row.granted) if p is not None)
    policy, suspended = _policy_of(db, row, names, grants), frozenset[Permission]()
    if is_lapsed(row.training_required, row.training_valid_until, utcnow().date()):
        policy, suspended = suspend_phi(policy)
    return Principal(
        tenant_id=row.tenant_id,
        actor_type="user",
        actor_id=row.user_id,
        roles=names,
        policy=policy,
        session_id=row.id,
        stepped_up_at=row.stepped_up_at,
        grants=grants,
        training_suspended=suspended,
        training_due=row.training_valid_until if row.training_required else None,
    )


# A session made with a temporary password (an admin reset) holds only session:self,
# whatever the roles: it can change the password (POST /auth/password; step-up refuses
# it), read /auth/session and log out; every other route answers 403 until then.
PASSWORD_CHANGE_ONLY = Policy(frozenset({Permission.SESSION_SELF}))


def _policy_of(
    db: Session, row: LiveSession, names: tuple[str, ...], grants: frozenset[Permission]
) -> Policy:
    if row.password_change_required:
        return PASSWORD_CHANGE_ONLY
    return policy_for(resolve_roles(db, row.tenant_id, names), grants)

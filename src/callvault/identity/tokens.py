"""API tokens for service accounts: ``cvt_<id>_<secret>``, shown once, stored hashed.

The secret has 256 bits of entropy, so a plain SHA-256 is a sufficient verifier
(a slow password hash buys nothing against a random secret).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from callvault.authz.permissions import Permission
from callvault.authz.principal import Principal, parse_permissions
from callvault.authz.roles import narrowed, policy_for
from callvault.db.base import new_id, utcnow, write_aside
from callvault.errors import InvalidInput
from callvault.identity.custom_roles import resolve_roles
from callvault.identity.models import ApiToken
from callvault.tenants.models import TenantPolicy

LAST_USED_RESOLUTION = timedelta(minutes=1)
_TOKEN = re.compile(r"^cvt_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def create_token(
    session: Session,
    tenant_id: str,
    role: str,
    expires_at: datetime | None = None,
    *,
    name: str | None = None,
    scopes: frozenset[Permission] | None = None,
    created_by: str | None = None,
) -> str:
    if not resolve_roles(session, tenant_id, [role]):
        raise InvalidInput("unknown role")
    token_id = new_id()
    secret = secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            id=token_id,
            tenant_id=tenant_id,
            role=role,
            secret_hash=_hash(secret),
            expires_at=expires_at,
            name=name,
            scopes=None if scopes is None else json.dumps(sorted(scopes)),
            created_by=created_by,
        )
    )
    return f"cvt_{token_id}_{secret}"


_TOKEN_ROW = (
    select(
        ApiToken.id,
        ApiToken.tenant_id,
        ApiToken.role,
        ApiToken.secret_hash,
        ApiToken.expires_at,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        ApiToken.scopes,
        TenantPolicy.ip_allowlist,
    )
    .outerjoin(TenantPolicy, TenantPolicy.tenant_id == ApiToken.tenant_id)
    .where(ApiToken.id == bindparam("token_id"))
)


def _mark_used(session: Session, token_id: str, now: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


class AuthenticatedToken(NamedTuple):
    principal: Principal
    ip_allowlist: str | None  # the tenant's, as stored: ``callvault.identity.authn`` checks it


def authenticate_token(session: Session, presented: str) -> AuthenticatedToken | None:
    """The principal for a valid, unexpired, unrevoked token, else None (read with one
    Core statement, with its tenant's IP allowlist: this runs on every request a
    service account makes)."""
    match = _TOKEN.fullmatch(presented)
    if match is None:
        return None
    token_id, secret = match.groups()
    row = session.connection().execute(_TOKEN_ROW, {"token_id": token_id}).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
        return None
    now = utcnow()
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    # Recorded to the minute, aside: a write on every request would serialise all readers.
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        write_aside(session, lambda writer: _mark_used(writer, row.id, now))
    roles = resolve_roles(session, row.tenant_id, [row.role])
    scopes = parse_permissions(row.scopes) if row.scopes is not None else None
    principal = Principal(
        tenant_id=row.tenant_id,
        actor_type="token",
        actor_id=row.id,
        roles=(row.role,),
        policy=narrowed(policy_for(roles), scopes),
    )
    return AuthenticatedToken(principal, row.ip_allowlist)

"""Server-side sessions.

The cookie holds a random secret; the database holds only its SHA-256, and the same
for the CSRF token. A session dies at the first of: logout or revocation, 15 minutes
idle (measured to ``LAST_SEEN_RESOLUTION``), 8 hours after login (a tenant may shorten
both), the user's deactivation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, literal_column, select, update
from sqlalchemy.orm import Session

from callvault.authz.principal import Principal
from callvault.db.base import utcnow, write_aside
from callvault.errors import StepUpRequired
from callvault.identity.models import Elevation, User, UserRole, UserSession
from callvault.identity.policy.access import AccessPolicy
from callvault.identity.training.models import TrainingPolicy
from callvault.tenants.models import TenantPolicy

STEP_UP_WINDOW = timedelta(minutes=5)
# How stale a session's idle clock may be: it may time out up to this much early.
LAST_SEEN_RESOLUTION = timedelta(seconds=30)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class IssuedSession:
    """What the client receives once: the cookie secret and the CSRF token."""

    secret: str
    csrf_token: str
    row: UserSession

    def __repr__(self) -> str:
        return f"IssuedSession(user_id={self.row.user_id!r})"


def start_session(
    db: Session,
    user: User,
    policy: AccessPolicy,
    *,
    source_ip: str | None,
    csrf_token: str | None = None,
    stepped_up_at: datetime | None = None,
) -> IssuedSession:
    """A brand-new session id (never one the client suggested: no fixation)."""
    now = utcnow()
    secret, csrf = new_secret(), csrf_token or new_secret()
    row = UserSession(
        id=secret_hash(secret),
        user_id=user.id,
        tenant_id=user.tenant_id,
        csrf_hash=secret_hash(csrf),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(minutes=policy.absolute_minutes),
        idle_seconds=policy.idle_minutes * 60,
        stepped_up_at=stepped_up_at,
        source_ip=source_ip,
    )
    db.add(row)
    return IssuedSession(secret=secret, csrf_token=csrf, row=row)


# Between the names aggregated into one column: no role or permission name holds it.
NAME_SEPARATOR = ","
# Each database's own aggregate, with the separator written into the statement:
# SQLAlchemy's portable ``aggregate_strings`` renders it at every execution instead.
_AGGREGATES = {"postgresql": func.string_agg, "sqlite": func.group_concat}


def _live_session_statement(
    aggregate: Callable[..., ColumnElement[str]],
) -> Select[*tuple[Any, ...]]:
    separator: ColumnElement[str] = literal_column(f"'{NAME_SEPARATOR}'")
    role_names = (
        select(aggregate(UserRole.role, separator))
        .where(UserRole.user_id == UserSession.user_id)
        .scalar_subquery()
    )
    granted_permissions = (
        select(aggregate(Elevation.permission, separator))
        .where(
            Elevation.requester_id == UserSession.user_id,
            Elevation.status == "approved",
            Elevation.expires_at > bindparam("now"),
        )
        .scalar_subquery()
    )
    return (
        select(
            UserSession.id,
            UserSession.user_id,
            UserSession.revoked_at,
            UserSession.expires_at,
            UserSession.last_seen_at,
            UserSession.idle_seconds,
            UserSession.stepped_up_at,
            UserSession.csrf_hash,
            User.tenant_id,
            User.active,
            User.password_change_required,
            User.training_valid_until,
            TrainingPolicy.required.label("training_required"),
            TenantPolicy.ip_allowlist,
            role_names.label("role_names"),
            granted_permissions.label("granted_permissions"),
        )
        .join(User, User.id == UserSession.user_id)
        .outerjoin(TrainingPolicy, TrainingPolicy.tenant_id == User.tenant_id)
        .outerjoin(TenantPolicy, TenantPolicy.tenant_id == User.tenant_id)
        .where(UserSession.id == bindparam("session_id"))
    )


_LIVE_SESSION = {name: _live_session_statement(agg) for name, agg in _AGGREGATES.items()}


@dataclass(frozen=True)
class LiveSession:
    """What authentication needs of a live session and its user."""

    id: str
    user_id: str
    tenant_id: str
    active: bool
    csrf_hash: str
    stepped_up_at: datetime | None
    password_change_required: bool
    training_valid_until: date | None = None
    training_required: bool = False
    ip_allowlist: str | None = None  # the tenant's, as stored
    roles: tuple[str, ...] = ()  # the user's role names, sorted
    granted: tuple[str, ...] = ()  # permissions of approved, unexpired elevations, as stored


def live_session(db: Session, secret: str) -> LiveSession | None:
    """The session for a cookie secret, with its user's tenant and ``active`` flag, if
    it is still alive, and the user's roles and break-glass grants (one statement: this
    runs on every signed-in request).

    Its idle clock is moved on at most every ``LAST_SEEN_RESOLUTION`` (a write on every
    request would serialise all readers), and a session found timed out is marked
    revoked; both are written aside (``write_aside``), so a read stays a read."""
    now = utcnow()
    connection = db.connection()
    statement = _LIVE_SESSION[connection.dialect.name]
    found = connection.execute(statement, {"session_id": secret_hash(secret), "now": now})
    row = found.first()
    if row is None or row.revoked_at is not None:
        return None
    if now >= row.expires_at or now - row.last_seen_at > timedelta(seconds=row.idle_seconds):
        write_aside(db, lambda writer: _mark(writer, row.id, revoked_at=now))
        return None
    if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
        write_aside(db, lambda writer: _mark(writer, row.id, last_seen_at=now))
    return LiveSession(
        row.id,
        row.user_id,
        row.tenant_id,
        row.active,
        row.csrf_hash,
        row.stepped_up_at,
        row.password_change_required,
        row.training_valid_until,
        bool(row.training_required),
        row.ip_allowlist,
        tuple(sorted(_names(row.role_names))),
        _names(row.granted_permissions),
    )


def _names(aggregated: str | None) -> tuple[str, ...]:
    return tuple(aggregated.split(NAME_SEPARATOR)) if aggregated else ()


def _mark(db: Session, session_id: str, **values: datetime) -> None:
    db.execute(update(UserSession).where(UserSession.id == session_id).values(**values))


def csrf_matches(csrf_hash: str, presented: str | None) -> bool:
    if not presented:
        return False
    return hmac.compare_digest(csrf_hash, secret_hash(presented))


def rotate_session(db: Session, row: UserSession, *, stepped_up: bool) -> IssuedSession:
    """Replace the session id (at step-up): the old cookie stops working at once."""
    now = utcnow()
    secret = new_secret()
    csrf = new_secret()
    replacement = UserSession(
        id=secret_hash(secret),
        user_id=row.user_id,
        tenant_id=row.tenant_id,
        csrf_hash=secret_hash(csrf),
        created_at=row.created_at,
        last_seen_at=now,
        expires_at=row.expires_at,
        idle_seconds=row.idle_seconds,
        stepped_up_at=now if stepped_up else row.stepped_up_at,
        source_ip=row.source_ip,
    )
    row.revoked_at = now
    db.add(replacement)
    return IssuedSession(secret=secret, csrf_token=csrf, row=replacement)


def revoke_session(row: UserSession) -> None:
    row.revoked_at = utcnow()


def revoke_user_sessions(db: Session, user_id: str) -> None:
    db.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def live_sessions(db: Session, user_id: str) -> list[UserSession]:
    return list(
        db.execute(
            select(UserSession).where(
                UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
            )
        ).scalars()
    )


def is_stepped_up(row: UserSession) -> bool:
    return row.stepped_up_at is not None and utcnow() - row.stepped_up_at <= STEP_UP_WINDOW


def stepped_up_recently(principal: Principal) -> bool:
    """Whether ``principal`` re-entered a TOTP code within the window (an API token
    never has: what needs step-up needs a person)."""
    stepped_up = principal.stepped_up_at
    return stepped_up is not None and utcnow() - stepped_up <= STEP_UP_WINDOW


def require_step_up(principal: Principal, doing: str) -> None:
    """StepUpRequired unless ``principal`` ``stepped_up_recently``."""
    if not stepped_up_recently(principal):
        raise StepUpRequired(f"{doing} needs a fresh TOTP code (POST /api/v1/auth/step-up)")

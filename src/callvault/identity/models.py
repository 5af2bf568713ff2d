from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class ApiToken(Base):
    """A bearer token for a service account. Only a hash of the secret is stored.

    ``scopes`` (JSON list of permissions, or NULL for the whole role) narrows what the
    token may do below its role: the token gets the intersection."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    role: Mapped[str] = mapped_column(String(64))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    scopes: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(32), nullable=True)


class User(Base):
    """A person. One e-mail, one account, across all tenants (no shared logins).

    The TOTP secret is field-encrypted with the tenant key; ``totp_last_step`` is the
    last accepted time step, so a code can never be used twice.

    After an admin reset the password is a temporary one: ``password_change_required``
    is set, it signs in once (``temp_password_used_at``) before
    ``temp_password_expires_at``, and that session may only change it."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Staff surname, for the same-surname alert rule (callvault.alerts); not PHI.
    family_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    password_change_required: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    temp_password_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    temp_password_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The first day (UTC) the user's workforce training no longer covers them: the latest
    # expiry of their training records (callvault.identity.training), kept here so the
    # check on every request reads it with the session's user row. None: never trained.
    training_valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)


class UserRole(Base):
    """A role held by a user: a built-in role name or a custom role of the tenant."""

    __tablename__ = "user_roles"
    __table_args__ = (PrimaryKeyConstraint("user_id", "role"),)

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(64))


class CustomRole(Base):
    """A tenant's own role: JSON lists of allowed and denied permissions."""

    __tablename__ = "custom_roles"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    allow: Mapped[str] = mapped_column(Text, default="[]")
    deny: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginChallenge(Base):
    """Issued after a correct password; exchanged once, within minutes, for a session
    by a TOTP code (or, before enrolment, by the first code of the new secret)."""

    __tablename__ = "login_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the secret
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failed_codes: Mapped[int] = mapped_column(Integer, default=0)


class UserSession(Base):
    """A server-side session. The cookie carries a secret; only its SHA-256 is stored,
    so a database reader cannot ride a session."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the secret
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    csrf_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idle_seconds: Mapped[int] = mapped_column(Integer)
    stepped_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    source_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Elevation(Base):
    """Break-glass: one permission for N minutes, asked with a reason, decided by
    another user with ``elevation:approve``; it expires on its own."""

    __tablename__ = "elevations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    requester_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    permission: Mapped[str] = mapped_column(String(64))
    minutes: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    approver_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ThrottleBucket(Base):
    """One sign-in throttle key (``callvault.identity.signin.throttle``): a keyed hash of a
    source address or an e-mail, never the value, and its GCRA time. A row whose
    ``tat`` has passed means nothing any more and is purged."""

    __tablename__ = "auth_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC-SHA256, hex
    tat: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return "<ThrottleBucket>"


class ThrottleKey(Base):
    """The instance's throttle HMAC key, wrapped by the root key (one row, shared by
    every worker process on the database)."""

    __tablename__ = "auth_throttle_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

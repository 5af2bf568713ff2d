"""The anomaly alerts' tables. Their names start with ``audit_``: everything in them is
derived from the audit log (ids, sequence numbers, networks), never from PHI.

``audit_alert_cursors`` is how far the watcher has read each tenant's log;
``audit_alerts`` holds raised alerts and their webhook delivery state;
``audit_alert_settings`` a tenant's thresholds, working hours and webhook (its secret
encrypted with the tenant key); ``audit_alert_networks`` the networks each user has
completed a sign-in from.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    NOT_CONFIGURED = "not_configured"  # the tenant had no webhook


class AlertCursor(Base):
    """The next audit ``seq`` the watcher evaluates for a tenant. The row is locked
    (``SELECT ... FOR UPDATE``) while a batch is evaluated, and moves in the same
    transaction as the alerts the batch raised: each event is evaluated exactly once."""

    __tablename__ = "audit_alert_cursors"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    next_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Alert(Base):
    """One raised alert: a rule, the actor, and the range of audit events that are its
    evidence. A burst that goes on extends its alert instead of raising new ones."""

    __tablename__ = "audit_alerts"
    __table_args__ = (
        Index("ix_audit_alerts_listing", "tenant_id", "created_at", "id"),
        Index("ix_audit_alerts_actor", "tenant_id", "rule", "actor_id", "last_seq"),
        Index("ix_audit_alerts_delivery", "delivery_status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    rule: Mapped[str] = mapped_column(String(32))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    first_seq: Mapped[int] = mapped_column(BigInteger)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    first_at_ms: Mapped[int] = mapped_column(BigInteger)
    last_at_ms: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column(Integer)
    # What the rule saw besides the actor (the new network, say); never PHI.
    detail: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A DeliveryStatus: pending -> delivered | failed, or not_configured.
    delivery_status: Mapped[str] = mapped_column(String(16))
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Why the last attempt failed: an HTTP status or an error class, never a body.
    last_error: Mapped[str | None] = mapped_column(String(100), nullable=True)


class AlertSettings(Base):
    """A tenant's alert settings; a tenant without a row gets the defaults."""

    __tablename__ = "audit_alert_settings"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    mass_access_threshold: Mapped[int] = mapped_column(Integer)
    denied_burst_threshold: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    work_days: Mapped[str] = mapped_column(String(40))  # JSON list of "mon".."sun"
    work_start_minute: Mapped[int] = mapped_column(Integer)
    work_end_minute: Mapped[int] = mapped_column(Integer)
    disabled_rules: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    webhook_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    # Encrypted with the tenant key (``Keyring.encrypt_field``), bound to this tenant
    # and purpose by its associated data: the database never holds it in the clear.
    webhook_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KnownNetwork(Base):
    """A network (IPv4 /24, IPv6 /64) a user has completed a sign-in from."""

    __tablename__ = "audit_alert_networks"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    actor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    network: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seq: Mapped[int] = mapped_column(BigInteger)
    first_at_ms: Mapped[int] = mapped_column(BigInteger)

"""Retention policies, pending retention changes, and legal holds.

``retention_policies`` holds one row per tenant and data type that differs from the
default (keep). A change that would delete data sooner than the policy in force waits
in ``retention_changes`` for a second person's approval. ``legal_holds`` names what
must not be destroyed: exactly one of a call, a caller (by blind index, so calls that
come later from the same number are held too), a date range, or a campaign.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class RetentionPolicy(Base):
    __tablename__ = "retention_policies"
    __table_args__ = (UniqueConstraint("tenant_id", "data_type"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    data_type: Mapped[str] = mapped_column(String(32))
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: keep
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))


class RetentionChange(Base):
    """A requested policy (all periods, JSON) that shortens one; ``status`` is
    ``pending``, ``approved`` or ``withdrawn``. The approver must be another person."""

    __tablename__ = "retention_changes"
    __table_args__ = (Index("ix_retention_changes_tenant_status", "tenant_id", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    periods: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LegalHold(Base):
    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_tenant_released", "tenant_id", "released_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    reason: Mapped[str] = mapped_column(String(500))
    matter: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(64))  # who placed it (an actor id)
    call_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    caller_index: Mapped[str | None] = mapped_column(String(64), nullable=True)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    campaign: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    released_by: Mapped[str | None] = mapped_column(String(64), nullable=True)

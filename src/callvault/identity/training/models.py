from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class TrainingPolicy(Base):
    """A tenant's training policy: whether a lapse suspends a user's PHI permissions,
    and how long a course counts. No row: not required, 12 months (docs/compliance.md
    says why enforcement starts off)."""

    __tablename__ = "training_policies"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    period_months: Mapped[int] = mapped_column(Integer, default=12)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TrainingRecord(Base):
    """One completed course. ``expires_on`` is the first day it no longer counts
    (completion plus the tenant's training period); the user's
    ``training_valid_until`` is the latest of their records' ``expires_on``."""

    __tablename__ = "training_records"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

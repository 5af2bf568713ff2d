"""Campaigns and the tracking numbers that attribute calls to them.

A campaign is named once per tenant; a tracking number (E.164, once per tenant) belongs
to one campaign and may name its own source and medium (a number printed on a flyer
and one shown on a search ad can share a campaign). ``pool`` groups numbers that
dynamic number insertion will later hand out in turn. None of it is PHI.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)
    medium: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TrackingNumber(Base):
    __tablename__ = "tracking_numbers"
    # The unique (tenant_id, number) index is also the one lookup a call's ingest makes.
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    number: Mapped[str] = mapped_column(String(20))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)
    medium: Mapped[str | None] = mapped_column(String(100), nullable=True)
    pool: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Conversion destinations (where a tenant's attributed calls are reported as
conversions) and the ledger of what each destination was sent. See
``docs/tracking.md#conversions``."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class DestinationKind(StrEnum):
    GOOGLE_ADS = "google_ads"  # an offline click conversions upload CSV, downloaded
    GA4 = "ga4"  # Measurement Protocol events, POSTed
    WEBHOOK = "webhook"  # signed JSON, POSTed


class ConversionDestination(Base):
    __tablename__ = "conversion_destinations"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    conversion_name: Mapped[str] = mapped_column(String(100))
    # A decimal as text ("120.00"): exact, and the same on SQLite and PostgreSQL.
    value: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    min_duration_seconds: Mapped[int] = mapped_column(Integer, default=0)
    answered_only: Mapped[bool] = mapped_column(Boolean, default=True)
    deidentified: Mapped[bool] = mapped_column(Boolean, default=False)
    # GA4: the Measurement Protocol base URL; webhook: the URL posted to.
    url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    measurement_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # GA4's api_secret or the webhook's signing secret, encrypted with the tenant key.
    secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversionSend(Base):
    """One conversion (a call, or an aggregate row's day and group) given to one
    destination: the unique key is what stops a re-run from sending it twice."""

    __tablename__ = "conversion_sends"
    __table_args__ = (
        UniqueConstraint("destination_id", "conversion_key"),
        Index("ix_conversion_sends_tenant_destination", "tenant_id", "destination_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    destination_id: Mapped[str] = mapped_column(ForeignKey("conversion_destinations.id"))
    # A call id, or "<day>|<campaign>|<source>|<medium>" for an aggregate row (internal:
    # never part of a payload).
    conversion_key: Mapped[str] = mapped_column(String(700))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

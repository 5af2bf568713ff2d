"""A tenant's Twilio settings, and the Twilio recordings already stored.

``twilio_settings``: one row per tenant; the auth token is field-encrypted with the
tenant key, bound to the tenant and column (``TOKEN_AD``), and never shown again.
``twilio_recordings``: one row per RecordingSid stored, so a repeated
recording-status webhook finds it and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, utcnow

DEFAULT_API_BASE = "https://api.twilio.com"


class TwilioSettings(Base):
    __tablename__ = "twilio_settings"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    account_sid: Mapped[str] = mapped_column(String(64))
    auth_token_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # Where recordings are fetched from: recording URLs outside it are refused.
    api_base: Mapped[str] = mapped_column(String(200), default=DEFAULT_API_BASE)
    disclosure: Mapped[str | None] = mapped_column(Text, nullable=True)
    forward_to: Mapped[str | None] = mapped_column(String(20), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TwilioRecording(Base):
    __tablename__ = "twilio_recordings"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    recording_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"))
    object_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

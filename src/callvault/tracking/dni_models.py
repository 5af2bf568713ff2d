"""Dynamic number insertion: a tenant's DNI settings, and the visitor sessions that
were each handed a number from a pool (``callvault.tracking.dni``).

None of it is PHI, and it is kept that way: a session holds its pool, the number it
was given, the landing page's path (no query string), the referrer's host, the UTM
fields and the ad click ids, and its times. No IP address, no full URL, no cookie.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow

DEFAULT_SESSION_TTL_MINUTES = 30


class DniSettings(Base):
    """A tenant's DNI settings; a tenant without a row allows no origin (DNI is off)."""

    __tablename__ = "dni_settings"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    allowed_origins: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of origins
    session_ttl_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_SESSION_TTL_MINUTES)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DniSession(Base):
    """One visitor session and the pool number it was shown. ``id`` is the random
    session id the visitor's browser keeps (``sessionStorage``); ``expires_at`` moves
    on while the visitor keeps browsing (each page view reports the session)."""

    __tablename__ = "dni_sessions"
    __table_args__ = (
        # The lookups: a call's attribution (the number's latest session before the
        # call) and a pool's assignment (each number's latest session).
        Index("ix_dni_sessions_tenant_number_created", "tenant_id", "number", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    pool: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(20))  # the tracking number shown, E.164
    landing_path: Mapped[str] = mapped_column(String(2000))
    referrer_host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    utm_source: Mapped[str | None] = mapped_column(String(200), nullable=True)
    utm_medium: Mapped[str | None] = mapped_column(String(200), nullable=True)
    utm_campaign: Mapped[str | None] = mapped_column(String(200), nullable=True)
    utm_term: Mapped[str | None] = mapped_column(String(200), nullable=True)
    utm_content: Mapped[str | None] = mapped_column(String(200), nullable=True)
    gclid: Mapped[str | None] = mapped_column(String(200), nullable=True)
    fbclid: Mapped[str | None] = mapped_column(String(200), nullable=True)
    msclkid: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

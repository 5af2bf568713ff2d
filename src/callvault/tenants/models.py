from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # The blind-index key outlives tenant-key rotation: rotating it would orphan every
    # search index, so it is wrapped by the root key and kept apart.
    wrapped_index_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TenantPolicy(Base):
    """Per-tenant access policy (``callvault.identity.policy``) and redaction policy
    (``callvault.redaction.policy``), one row per tenant. Session limits may only be
    tightened below the defaults (15 minutes idle, 8 hours absolute). Redaction defaults
    are the safe ones: no unredacted original is kept, values become ``[LABEL]``."""

    __tablename__ = "tenant_policies"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    ip_allowlist: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of CIDRs
    session_idle_minutes: Mapped[int] = mapped_column(Integer, default=15)
    session_absolute_minutes: Mapped[int] = mapped_column(Integer, default=480)
    # Server defaults too, so rows written before migration 0005 read as the safe policy.
    keep_original_transcripts: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    redaction_operator: Mapped[str] = mapped_column(
        String(16), default="label", server_default="label"
    )
    redact_medical: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # JSON lists: the practice's own names and numbers, never redacted as PHI.
    clinic_names: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    clinic_phones: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")

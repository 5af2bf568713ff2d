"""``exports``: bulk exports that one person requests and a second approves.

A row holds what was asked (the filter, resolved to call ids when requested, so the
approver approves a fixed set), who asked and who decided, and the export's key: the
scrypt header and the key derived from the requester's passphrase, wrapped under the
tenant key until the jobs process has sealed the file, then destroyed. The passphrase
itself is never stored. The one-time download link is kept as a SHA-256 only.
No column holds PHI: the recipient is an organisation or person outside CallVault
named by the requester (no patient), and the filter names campaigns and numbers of
the tenant's own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class Export(Base):
    __tablename__ = "exports"
    __table_args__ = (
        Index("ix_exports_tenant_status", "tenant_id", "status"),
        Index("ix_exports_requester", "tenant_id", "requested_by", "requested_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    # pending -> approved -> ready -> downloaded; or rejected, or expired (never taken)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str] = mapped_column(String(500))
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_id: Mapped[str] = mapped_column(String(64))
    parts: Mapped[str] = mapped_column(String(64))  # "calls,transcripts,recordings"
    originals: Mapped[bool] = mapped_column(Boolean, default=False)
    selection: Mapped[str] = mapped_column(Text)  # the filter as asked, JSON
    call_ids: Mapped[str] = mapped_column(Text)  # JSON list, resolved when requested
    # The requester's permissions that shape the content (minimum necessary), JSON.
    permissions: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    key_header: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    blob_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    link_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    link_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    shredded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

"""What a PBX import has brought in already: one row per source record (an Asterisk
CDR line, a FreeSWITCH CDR), so that a re-run or a re-delivery creates nothing twice.

``call_id`` is deliberately not a foreign key: when retention or an erasure removes
the call, the marker stays, so re-importing an old CDR file cannot bring the erased
call back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class PbxImport(Base):
    """``external_id``: the PBX's own id of the call (Asterisk ``uniqueid``, FreeSWITCH
    ``uuid``), or a keyed hash of the raw CDR line when the PBX logs none: never PHI."""

    __tablename__ = "pbx_imports"
    __table_args__ = (UniqueConstraint("tenant_id", "source", "external_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    source: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(100))
    call_id: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the import attached the call's recording: a re-run attaches one only while
    # this is None, so a recording that retention shredded is never brought back.
    recording_attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

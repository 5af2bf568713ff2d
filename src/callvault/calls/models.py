from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class Call(Base):
    """A call. Caller number, caller name and notes are PHI: field-encrypted, with a
    blind index on the normalised caller number for equality search."""

    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_tenant_started", "tenant_id", "started_at", "id"),
        Index("ix_calls_tenant_caller", "tenant_id", "caller_number_index"),
        Index("ix_calls_tenant_tracking", "tenant_id", "tracking_number"),
        # A call a telephony provider told us about, found again by its own id (a
        # repeated webhook must not make a second call).
        Index(
            "ix_calls_tenant_external",
            "tenant_id",
            "external_source",
            "external_id",
            unique=True,
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    # None once the call's PHI is shredded (``phi_shredded_at``): retention or erasure.
    caller_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    caller_number_index: Mapped[str | None] = mapped_column(String(64), nullable=True)
    caller_name_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    notes_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    called_number: Mapped[str] = mapped_column(String(20))
    tracking_number: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    direction: Mapped[str] = mapped_column(String(10))
    agent: Mapped[str | None] = mapped_column(String(100), nullable=True)
    campaign: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # The tenant campaign the call's tracking number belongs to (``callvault.tracking``),
    # set at ingest; ``campaign`` stays the free text that reports and exports read.
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaigns.id"), nullable=True)
    # The website visitor session (``callvault.tracking`` dynamic number insertion) that
    # was shown the call's tracking number shortly before the call, set at ingest.
    dni_session_id: Mapped[str | None] = mapped_column(ForeignKey("dni_sessions.id"), nullable=True)
    disposition: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    phi_shredded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The provider and its id for the call (``twilio`` and a CallSid); None for calls
    # created through the API.
    external_source: Mapped[str | None] = mapped_column(String(16), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Recording consent (``callvault.calls.consent``; not PHI): a ``Consent`` value, None
    # for calls stored before it was recorded (migration 0018).
    consent: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The stretches of the recording the caller did not consent to (``dump_pauses``:
    # canonical JSON ``[[start_s, end_s], ...]``), and the original recording they were
    # last cut out of (the pipeline's; None until then, and again when pauses are added).
    recording_pauses: Mapped[str | None] = mapped_column(Text, nullable=True)
    pauses_applied_to: Mapped[str | None] = mapped_column(String(32), nullable=True)


class StoredObject(Base):
    """An encrypted blob that belongs to a call: its recording or its transcript.

    The row is written only after the blob is durably stored, so a visible row always
    points at a complete object.
    """

    __tablename__ = "call_objects"
    __table_args__ = (Index("ix_call_objects_call_kind", "call_id", "kind", unique=True),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"))
    kind: Mapped[str] = mapped_column(String(16))
    media_type: Mapped[str] = mapped_column(String(64))
    data_key_id: Mapped[str] = mapped_column(ForeignKey("data_keys.id"))
    blob_key: Mapped[str] = mapped_column(String(200))
    plaintext_size: Mapped[int] = mapped_column(BigInteger)
    # SHA-256 of the blob as stored (ciphertext): a deletion certificate names it without
    # reading the blob back. None for objects stored before it was recorded.
    ciphertext_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlaybackLink(Base):
    """A short-lived URL to play one of a call's objects (the scrubbed recording).

    Only the SHA-256 of the URL's random token is stored. The link is bound to the
    principal that made it (``actor_type``/``actor_id``: a user, or an API token) and,
    when a signed-in session made it, to that session (``session_id``, the session's
    own id): it plays only for the same credentials, until ``expires_at``
    (``callvault.calls.playback``).
    """

    __tablename__ = "playback_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"))
    kind: Mapped[str] = mapped_column(String(16))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

"""The audit log's tables.

``audit_log_events`` holds the leaves of one append-only Merkle tree per tenant
(RFC 6962), numbered without gaps by ``seq``; ``audit_log_nodes`` keeps every completed
perfect subtree so proofs need O(log n) reads; ``audit_logs`` is each tenant's log head
(size, compact frontier, MAC secret wrapped by the root key); ``audit_tree_heads`` holds
the signed tree heads. Events carry ids and keyed hashes, never PHI.

The interim ``audit_events`` table of schema 0001 is kept, unread, for retention.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow

_BIGINT = BigInteger().with_variant(Integer, "sqlite")


class AuditEvent(Base):
    """One audited action: a leaf of its tenant's Merkle tree."""

    __tablename__ = "audit_log_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        # What a breach investigation asks: everything one person did, everything
        # done to one record.
        Index("ix_audit_log_events_actor", "tenant_id", "actor_id", "seq"),
        Index("ix_audit_log_events_resource", "tenant_id", "resource_id", "seq"),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    at_ms: Mapped[int] = mapped_column(BigInteger)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))
    source_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(256), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # Space-separated "hmac-sha256:<hex>" digests of PHI the action was about
    # (a searched phone number, say): searchable by the audit hash, never readable.
    hashed_terms: Mapped[str | None] = mapped_column(Text, nullable=True)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    # HMAC over (seq, leaf_hash) with a key the database does not hold: an edit that
    # recomputes the leaf hash still fails here, and names its own sequence number.
    entry_mac: Mapped[bytes] = mapped_column(LargeBinary(32))

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.at_ms / 1000, UTC)


# What a reader of the trail sees of an event, in this order: all but the row id and MAC.
READABLE_COLUMNS = (
    AuditEvent.seq,
    AuditEvent.at_ms,
    AuditEvent.actor_type,
    AuditEvent.actor_id,
    AuditEvent.action,
    AuditEvent.resource_type,
    AuditEvent.resource_id,
    AuditEvent.outcome,
    AuditEvent.source_ip,
    AuditEvent.user_agent,
    AuditEvent.request_id,
    AuditEvent.reason,
    AuditEvent.hashed_terms,
    AuditEvent.leaf_hash,
)


class AuditNode(Base):
    """A completed perfect subtree: level L, index i covers leaves [i*2^L, (i+1)*2^L)."""

    __tablename__ = "audit_log_nodes"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditLog(Base):
    """A tenant's log head. Appends lock this row, so sequencing is serialized by the
    database (across processes), never by one process."""

    __tablename__ = "audit_logs"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    frontier: Mapped[bytes] = mapped_column(LargeBinary)
    signed_size: Mapped[int] = mapped_column(BigInteger, default=0)
    signed_at_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    # Root-wrapped secret for entry MACs and PHI term hashes. It is not a tenant key:
    # crypto-shredding a tenant's data must leave its audit trail verifiable.
    wrapped_secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditSigningKey(Base):
    """An Ed25519 key that signs tree heads; the private half is wrapped by the root key."""

    __tablename__ = "audit_signing_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditTreeHead(Base):
    """A signed tree head (STH): the tenant's tree of ``tree_size`` leaves had this root."""

    __tablename__ = "audit_tree_heads"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    key_id: Mapped[str] = mapped_column(ForeignKey("audit_signing_keys.id"))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))

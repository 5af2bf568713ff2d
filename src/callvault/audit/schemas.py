"""What the audit API answers with, and how it writes times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso_ms(ms: int) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. ``2026-03-02T14:00:00.125Z``."""
    moment = _EPOCH + timedelta(milliseconds=ms)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class EventOut(BaseModel):
    seq: int
    at: str
    at_ms: int
    actor_type: str
    actor_id: str
    action: str
    resource_type: str
    resource_id: str | None
    outcome: str
    source_ip: str | None
    user_agent: str | None
    request_id: str | None
    reason: str | None
    hashed_terms: list[str]
    leaf_hash: str


class EventPage(BaseModel):
    items: list[EventOut]
    # Where to resume (also after the last page, to fetch what is appended later).
    next_cursor: str | None
    has_more: bool


class SignedMessage(BaseModel):
    format: str
    layout: str
    hex: str


class TreeHeadOut(BaseModel):
    tenant_id: str
    tree_size: int
    timestamp_ms: int
    timestamp: str
    root_hash: str
    signature_algorithm: str
    signature: str
    key_id: str
    public_key: str
    signed_message: SignedMessage


class InclusionOut(BaseModel):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]
    root_hash: str
    # The signed head of exactly ``tree_size`` leaves, when there is one.
    tree_head: TreeHeadOut | None


class ConsistencyOut(BaseModel):
    first: int
    second: int
    first_root: str
    second_root: str
    consistency: list[str]


class ProvenEvent(BaseModel):
    event: EventOut
    audit_path: list[str]  # hex, leaf upwards: RFC 6962 PATH to the slice's tree head


class ProvenSlice(BaseModel):
    """Some events of a log, each with its inclusion proof in one signed ``tree_head``."""

    tree_head: TreeHeadOut
    events: list[ProvenEvent]

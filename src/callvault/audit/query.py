"""Reading a tenant's audit trail: filtered pages of events, its signed tree heads, and
RFC 6962 inclusion and consistency proofs, so an investigator can both find what
happened and prove to a third party that the log was not rewritten.

Every read is itself an event (``audit:read`` on ``audit_log``), appended in the same
transaction as the read and committed before the answer goes out: when it cannot be
written, ``AuditUnavailable`` (503) and nothing is returned. Every query is scoped to
the caller's tenant; another tenant's events, heads and proofs are never reachable.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from callvault.audit import heads, proofs
from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.keys import TERM_PREFIX
from callvault.audit.models import READABLE_COLUMNS, AuditEvent, AuditSigningKey, AuditTreeHead
from callvault.audit.schemas import (
    ConsistencyOut,
    EventOut,
    EventPage,
    InclusionOut,
    ProvenEvent,
    ProvenSlice,
    SignedMessage,
    TreeHeadOut,
    iso_ms,
)
from callvault.audit.service import Outcome
from callvault.errors import AuditUnavailable, InvalidInput, NotFound

DEFAULT_PAGE = 100
MAX_PAGE = 1000
TERM_PATTERN = r"^hmac-sha256:[0-9a-fA-F]{64}$"
STH_LAYOUT = (
    '"cv-sth-v1" || 0x00 || tenant_id (ASCII) || 0x00 || tree_size (uint64, big-endian)'
    " || timestamp_ms (uint64, big-endian) || root_hash (32 bytes)"
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_MAX_SEQ = 2**63 - 1
_SEQ_TEXT = re.compile(r"[0-9]{1,19}")
_CURSOR_PREFIX = "cv-audit-after:"
EventSelect = Select[*tuple[Any, ...]]
_EVENT_COLUMNS = READABLE_COLUMNS
_SLICE_BATCH = 500  # events per query of a proven slice: well under any bind-parameter cap


# -- what comes in ----------------------------------------------------------------


@dataclass(frozen=True)
class EventFilters:
    """Filters combine with AND; ``since`` is inclusive, ``until`` exclusive."""

    actor: str | None = None
    action: str | None = None
    resource_type: str | None = None
    resource: str | None = None
    outcome: Outcome | None = None
    since: datetime | None = None
    until: datetime | None = None
    term: str | None = None
    cursor: str | None = None
    limit: int = DEFAULT_PAGE

    def describe(self) -> tuple[str, list[str]]:
        """The query for the read event: a reason naming the filters, and the values of
        the free-text ones (which could hold anything, PHI included) to store only as
        keyed hashes, so ``term`` also finds who searched the trail for a value."""
        free_text = {
            "actor": self.actor,
            "action": self.action,
            "resource_type": self.resource_type,
            "resource": self.resource,
        }
        shown = {
            "outcome": self.outcome.value if self.outcome else None,
            "since": iso_ms(to_ms(self.since)) if self.since else None,
            "until": iso_ms(to_ms(self.until)) if self.until else None,
            "term": self.term.lower() if self.term else None,
            "after": str(decode_cursor(self.cursor)) if self.cursor else None,
        }
        parts = ["events"] + [name for name, value in free_text.items() if value is not None]
        parts += [f"{name}={value}" for name, value in shown.items() if value is not None]
        return " ".join(parts), [value for value in free_text.values() if value is not None]


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, rounded up: ``at_ms >= to_ms(t)`` is exactly
    "at or after t" for integer ``at_ms``, and ``at_ms < to_ms(t)`` "before t"."""
    if moment.tzinfo is None:
        raise InvalidInput("timestamps need a UTC offset (say Z)")
    return -((_EPOCH - moment) // _MS)


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The sequence number a page ends at; anything this server did not issue is 422."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("cursor is not one this server issued") from None
    digits = raw.removeprefix(_CURSOR_PREFIX)
    if digits == raw or not _SEQ_TEXT.fullmatch(digits) or int(digits) > _MAX_SEQ:
        raise InvalidInput("cursor is not one this server issued")
    return int(digits)


def parse_term(term: str) -> str:
    if not re.fullmatch(TERM_PATTERN, term):
        raise InvalidInput(f"term must be {TERM_PREFIX} followed by 64 hex digits")
    return term.lower()


def parse_seq(text: str) -> int | None:
    """A sequence number from a path, or None when the text cannot name one."""
    if not _SEQ_TEXT.fullmatch(text) or int(text) > _MAX_SEQ:
        return None
    return int(text)


# -- the service ------------------------------------------------------------------


class AuditReader:
    """The audit trail of the principal's tenant, as the principal may read it."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._session = ctx.session
        self._tenant_id = ctx.tenant_id

    def events(self, filters: EventFilters) -> EventPage:
        limit = min(max(filters.limit, 1), MAX_PAGE)
        stmt = self._events_statement(filters).limit(limit + 1)
        rows = list(self._session.execute(stmt))
        page, more = rows[:limit], len(rows) > limit
        items = [_event_out(row._mapping) for row in page]
        reason, terms = filters.describe()
        self._record(reason, phi_terms=terms)
        next_cursor = encode_cursor(page[-1].seq) if page else filters.cursor
        return EventPage(items=items, next_cursor=next_cursor, has_more=more)

    def _events_statement(self, filters: EventFilters) -> EventSelect:
        stmt: EventSelect = select(*_EVENT_COLUMNS).where(AuditEvent.tenant_id == self._tenant_id)
        equal = (
            (AuditEvent.actor_id, filters.actor),
            (AuditEvent.action, filters.action),
            (AuditEvent.resource_type, filters.resource_type),
            (AuditEvent.resource_id, filters.resource),
            (AuditEvent.outcome, filters.outcome.value if filters.outcome else None),
        )
        for column, value in equal:
            if value is not None:
                stmt = stmt.where(column == value)
        stmt = _between(stmt, filters.since, filters.until)
        if filters.term is not None:
            # A whole "hmac-sha256:<64 hex>" can only match a whole stored term: the
            # prefix has non-hex characters, so it cannot start inside another digest.
            term = parse_term(filters.term)
            stmt = stmt.where(AuditEvent.hashed_terms.contains(term, autoescape=True))
        if filters.cursor is not None:
            stmt = stmt.where(AuditEvent.seq > decode_cursor(filters.cursor))
        return stmt.order_by(AuditEvent.seq)

    def tree_head(self, tree_size: int | None = None) -> TreeHeadOut:
        """The signed head of ``tree_size`` leaves, or the latest one, signed first when
        events exist that no head covers yet (an empty log signs the empty tree)."""
        head = self._fresh_head() if tree_size is None else self._signed_head(tree_size)
        out = self._head_out(head)
        self._record(f"sth tree_size={head.tree_size}")
        return out

    def inclusion(self, seq_text: str, tree_size: int | None = None) -> InclusionOut:
        """The audit path of event ``seq`` in the tree of ``tree_size`` leaves (default:
        the latest signed head, signed first if it does not cover the event yet)."""
        seq = self._existing_seq(seq_text)
        if tree_size is None:
            head = heads.latest_tree_head(self._session, self._tenant_id)
            if head is None or head.tree_size <= seq:
                head = self._fresh_head()
            tree_size = head.tree_size
        self._check_tree_size(tree_size, "tree_size")
        if tree_size <= seq:
            raise InvalidInput("tree_size must be greater than the event's seq")
        path = proofs.inclusion_proof(self._session, self._tenant_id, seq, tree_size)
        out = InclusionOut(
            leaf_index=seq,
            tree_size=tree_size,
            leaf_hash=self._leaf_hash(seq).hex(),
            audit_path=[item.hex() for item in path],
            root_hash=proofs.root_at(self._session, self._tenant_id, tree_size).hex(),
            tree_head=self._head_out_or_none(tree_size),
        )
        self._record(f"inclusion proof seq={seq} tree_size={tree_size}", resource_id=str(seq))
        return out

    def consistency(self, first: int, second: int) -> ConsistencyOut:
        """Proof that the tree of ``second`` leaves only appends to that of ``first``."""
        self._check_tree_size(second, "second")
        if not 0 < first <= second:
            raise InvalidInput("first must be at least 1 and at most second")
        proof = proofs.consistency_proof(self._session, self._tenant_id, first, second)
        out = ConsistencyOut(
            first=first,
            second=second,
            first_root=proofs.root_at(self._session, self._tenant_id, first).hex(),
            second_root=proofs.root_at(self._session, self._tenant_id, second).hex(),
            consistency=[item.hex() for item in proof],
        )
        self._record(f"consistency first={first} second={second}")
        return out

    def proven_slice(self, seqs: Sequence[int]) -> ProvenSlice:
        """The events ``seqs``, each with its inclusion proof in a freshly signed head:
        the core of an evidence bundle. Not audited here: the caller records what it
        hands out, under its own action."""
        head = self._fresh_head()
        wanted = sorted(set(seqs))
        proven: list[ProvenEvent] = []
        for start in range(0, len(wanted), _SLICE_BATCH):
            batch = wanted[start : start + _SLICE_BATCH]
            rows = self._session.execute(
                select(*_EVENT_COLUMNS)
                .where(AuditEvent.tenant_id == self._tenant_id, AuditEvent.seq.in_(batch))
                .order_by(AuditEvent.seq)
            )
            for row in rows:
                path = proofs.inclusion_proof(
                    self._session, self._tenant_id, row.seq, head.tree_size
                )
                event = _event_out(row._mapping)
                proven.append(ProvenEvent(event=event, audit_path=[item.hex() for item in path]))
        return ProvenSlice(tree_head=self._head_out(head), events=proven)

    # -- helpers -------------------------------------------------------------------

    def _record(
        self,
        reason: str,
        outcome: Outcome = Outcome.ALLOWED,
        resource_id: str | None = None,
        phi_terms: Sequence[str] = (),
    ) -> None:
        """The read as an event, committed with it: fail closed if it cannot be."""
        self._ctx.audit(
            AuditAction.AUDIT_READ,
            resource_id,
            outcome=outcome,
            reason=reason,
            phi_terms=phi_terms,
        )
        self._session.commit()

    def _size(self) -> int:
        return proofs.current_size(self._session, self._tenant_id)

    def _check_tree_size(self, size: int, name: str) -> None:
        if not 0 < size <= self._size():
            raise InvalidInput(f"{name} must be between 1 and the log's size")

    def _existing_seq(self, seq_text: str) -> int:
        seq = parse_seq(seq_text)
        if seq is None or seq >= self._size():
            known = None if seq is None else str(seq)
            self._session.rollback()
            self._record("inclusion proof", Outcome.NOT_FOUND, resource_id=known)
            raise NotFound("no such audit event")
        return seq

    def _leaf_hash(self, seq: int) -> bytes:
        leaf: bytes | None = self._session.execute(
            select(AuditEvent.leaf_hash).where(
                AuditEvent.tenant_id == self._tenant_id, AuditEvent.seq == seq
            )
        ).scalar_one_or_none()
        if leaf is None:  # the head counts it, so a missing row is damage, not a 404
            raise AuditUnavailable("the audit log is missing an event")
        return leaf

    def _fresh_head(self) -> AuditTreeHead:
        heads.sign_now(self._session, self._tenant_id)
        head = heads.latest_tree_head(self._session, self._tenant_id)
        if head is None:
            raise AuditUnavailable("the tree head could not be signed")
        return head

    def _signed_head(self, tree_size: int) -> AuditTreeHead:
        head = None
        if 0 <= tree_size <= _MAX_SEQ:
            head = heads.tree_head(self._session, self._tenant_id, tree_size)
        if head is None:
            raise NotFound("no signed tree head of that size")
        return head

    def _head_out_or_none(self, tree_size: int) -> TreeHeadOut | None:
        head = heads.tree_head(self._session, self._tenant_id, tree_size)
        return None if head is None else self._head_out(head)

    def _head_out(self, head: AuditTreeHead) -> TreeHeadOut:
        key = self._session.get(AuditSigningKey, head.key_id)
        if key is None:
            raise AuditUnavailable("the tree head's signing key is missing")
        message = heads.tree_head_message(
            head.tenant_id, head.tree_size, head.timestamp_ms, head.root_hash
        )
        return TreeHeadOut(
            tenant_id=head.tenant_id,
            tree_size=head.tree_size,
            timestamp_ms=head.timestamp_ms,
            timestamp=iso_ms(head.timestamp_ms),
            root_hash=head.root_hash.hex(),
            signature_algorithm="Ed25519",
            signature=base64.b64encode(head.signature).decode(),
            key_id=head.key_id,
            public_key=key.public_key.hex(),
            signed_message=SignedMessage(
                format=heads.STH_FORMAT.decode(), layout=STH_LAYOUT, hex=message.hex()
            ),
        )


def _between(stmt: EventSelect, since: datetime | None, until: datetime | None) -> EventSelect:
    start = to_ms(since) if since is not None else None
    end = to_ms(until) if until is not None else None
    if start is not None and end is not None and start > end:
        raise InvalidInput("since must not be after until")
    if start is not None:
        stmt = stmt.where(AuditEvent.at_ms >= start)
    if end is not None:
        stmt = stmt.where(AuditEvent.at_ms < end)
    return stmt


def _event_out(row: Any) -> EventOut:
    terms: str | None = row["hashed_terms"]
    return EventOut(
        seq=row["seq"],
        at=iso_ms(row["at_ms"]),
        at_ms=row["at_ms"],
        actor_type=row["actor_type"],
        actor_id=row["actor_id"],
        action=row["action"],
        resource_type=row["resource_type"],
        resource_id=row["resource_id"],
        outcome=row["outcome"],
        source_ip=row["source_ip"],
        user_agent=row["user_agent"],
        request_id=row["request_id"],
        reason=row["reason"],
        hashed_terms=terms.split() if terms else [],
        leaf_hash=bytes(row["leaf_hash"]).hex(),
    )

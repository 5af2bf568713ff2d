"""Appending to a tenant's Merkle audit log, signing its tree heads, and proving.

An append locks the tenant's log head row (``SELECT ... FOR UPDATE``; SQLite's
``BEGIN IMMEDIATE`` already serializes writers), numbers the events without gaps, adds
their leaves and every subtree they complete, and moves the head. It runs inside the
caller's transaction: the event commits with the work it records, or neither does.

A tree head is signed (Ed25519) when ``sign_every_events`` events are unsigned, or when
the oldest unsigned one is ``sign_every_seconds`` old (checked at append time and by
``sign_due_heads``, which the server runs periodically).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol, TypeVar

from sqlalchemy import select, union_all
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from callvault.audit import merkle
from callvault.audit.encoding import FIELDS, encode_event
from callvault.audit.keys import AuditKeys
from callvault.audit.models import AuditEvent, AuditLog, AuditNode, AuditTreeHead
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.errors import AuditUnavailable, Conflict, InvalidInput
from callvault.settings import Settings

SESSION_INFO_KEY = "callvault.audit"


class ReceiptLike(Protocol):
    def wait(self, timeout: float = ...) -> int:
        """Block until the event is durable; its sequence number."""
        ...

    async def wait_async(self, timeout: float = ...) -> int:
        """The same, on an event loop."""
        ...


class GroupCommitterLike(Protocol):
    def submit(
        self,
        tenant_id: str,
        event: Mapping[str, object],
        rows: Sequence[tuple[str, Mapping[str, object]]] = ...,
    ) -> ReceiptLike:
        """Queue ``event`` (and the new ``rows`` it records) for a shared durable commit,
        without waiting."""
        ...


STH_FORMAT = b"cv-sth-v1"


@dataclass(frozen=True)
class SigningPolicy:
    sign_every_events: int = 1000
    sign_every_seconds: int = 60


@dataclass
class AuditRuntime:
    """What appending needs beyond the session: keys (unwrapped through the root key)
    and the signing policy. Sessions carry it in ``session.info``."""

    keys: AuditKeys
    policy: SigningPolicy = field(default_factory=SigningPolicy)
    # Set by the server while it runs (callvault.audit.groupcommit): reads share commits.
    committer: GroupCommitterLike | None = None

    @classmethod
    def for_settings(cls, settings: Settings, root: RootKeyProvider) -> AuditRuntime:
        policy = SigningPolicy(settings.audit_sign_every_events, settings.audit_sign_every_seconds)
        return cls(AuditKeys(root), policy)

    def session_info(self) -> dict[str, object]:
        return {SESSION_INFO_KEY: self}


def runtime(session: Session) -> AuditRuntime:
    found = session.info.get(SESSION_INFO_KEY)
    if not isinstance(found, AuditRuntime):
        raise AuditUnavailable("the audit log is not configured for this session")
    return found


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def tree_head_message(tenant_id: str, tree_size: int, timestamp_ms: int, root: bytes) -> bytes:
    """The exact bytes an STH signature covers (documented in docs/audit-log.md)."""
    return b"".join(
        (
            STH_FORMAT,
            b"\x00",
            tenant_id.encode("ascii"),
            b"\x00",
            tree_size.to_bytes(8, "big"),
            timestamp_ms.to_bytes(8, "big"),
            root,
        )
    )


# -- appending ------------------------------------------------------------------


def append_events(session: Session, tenant_id: str, events: Iterable[Mapping[str, object]]) -> int:
    """Append events (dicts of ``FIELDS`` minus tenant_id and seq) in the caller's
    transaction; return the first sequence number. Any failure is ``AuditUnavailable``
    and the caller must not answer or commit."""
    try:
        return _append(session, runtime(session), tenant_id, events)
    except AuditUnavailable:
        raise
    except (SQLAlchemyError, OSError, ValueError) as exc:
        raise AuditUnavailable("the audit event could not be written") from exc


# The event's own fields, after the three the log sets (tenant_id, seq, at_ms).
_EVENT_OWN_FIELDS = FIELDS[3:]
_EVENT_COLUMNS = (*FIELDS, "leaf_hash", "entry_mac")
_NODE_COLUMNS = ("tenant_id", "level", "idx", "hash")
_EVENTS, _NODES = AuditEvent.__tablename__, AuditNode.__tablename__
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@cache
def _insert_sql(table: str, columns: tuple[str, ...], paramstyle: str) -> str:
    """INSERT for plain tuples. Appends are the hottest write there is, and SQLAlchemy's
    per-row parameter processing cost as much as hashing the event; every value here is
    already what the driver takes (str, int, bytes, None)."""
    marks = ", ".join([_PLACEHOLDERS[paramstyle]] * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608


def _append(
    session: Session, rt: AuditRuntime, tenant_id: str, events: Iterable[Mapping[str, object]]
) -> int:
    head = lock_head(session, tenant_id)
    frontier = merkle.Frontier.from_bytes(head.frontier)
    first = frontier.size
    stamp = now_ms()
    mac_key = rt.keys.mac_key(tenant_id, head.wrapped_secret)
    rows: list[tuple[object, ...]] = []
    nodes: list[tuple[object, ...]] = []
    for event in events:
        seq = frontier.size
        values = [tenant_id, seq, event.get("at_ms") or stamp, *map(event.get, _EVENT_OWN_FIELDS)]
        leaf = merkle.leaf_hash(encode_event(values))
        values += (leaf, entry_mac(mac_key, seq, leaf))
        rows.append(tuple(values))
        for level, idx, digest in frontier.append(leaf):
            if level > 0:
                nodes.append((tenant_id, level, idx, digest))
    if not rows:
        return first
    connection = session.connection()
    style = connection.dialect.paramstyle
    connection.exec_driver_sql(_insert_sql(_EVENTS, _EVENT_COLUMNS, style), rows)
    if nodes:
        connection.exec_driver_sql(_insert_sql(_NODES, _NODE_COLUMNS, style), nodes)
    head.size = frontier.size
    head.frontier = frontier.to_bytes()
    if _signing_due(head, rt.policy, stamp):
        sign_head(session, head, frontier.root(), rt, stamp)
    session.flush()
    return first


def entry_mac(mac_key: bytes, seq: int, leaf: bytes) -> bytes:
    return hmac.digest(mac_key, seq.to_bytes(8, "big") + leaf, hashlib.sha256)


def lock_head(session: Session, tenant_id: str) -> AuditLog:
    """The tenant's log head, locked for this transaction; made on first use."""
    stmt = (
        select(AuditLog)
        .where(AuditLog.tenant_id == tenant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    head = session.execute(stmt).scalar_one_or_none()
    if head is None:
        head = create_head(session, tenant_id)
    return head


def wrapped_secret(session: Session, tenant_id: str) -> bytes:
    """The tenant's wrapped audit secret, read without locking the head (term hashes
    are computed on read paths that must not serialize on the log)."""
    found = session.execute(
        select(AuditLog.wrapped_secret).where(AuditLog.tenant_id == tenant_id)
    ).scalar_one_or_none()
    return found if found is not None else lock_head(session, tenant_id).wrapped_secret


def create_head(session: Session, tenant_id: str) -> AuditLog:
    """An empty log for a tenant (done when the tenant is created)."""
    head = AuditLog(
        tenant_id=tenant_id,
        size=0,
        frontier=merkle.Frontier.empty().to_bytes(),
        signed_size=0,
        signed_at_ms=now_ms(),
        wrapped_secret=runtime(session).keys.new_wrapped_secret(tenant_id),
    )
    session.add(head)
    session.flush()
    return head


def _signing_due(head: AuditLog, policy: SigningPolicy, stamp: int) -> bool:
    unsigned = head.size - head.signed_size
    if unsigned <= 0:
        return False
    too_many = unsigned >= policy.sign_every_events
    too_old = stamp - head.signed_at_ms >= policy.sign_every_seconds * 1000
    return too_many or too_old


# -- signing --------------------------------------------------------------------


def sign_head(
    session: Session, head: AuditLog, root: bytes, rt: AuditRuntime, stamp: int
) -> AuditTreeHead:
    key_id, private = rt.keys.signing_key(session, head.tenant_id)
    signature = private.sign(tree_head_message(head.tenant_id, head.size, stamp, root))
    sth = AuditTreeHead(
        tenant_id=head.tenant_id,
        tree_size=head.size,
        root_hash=root,
        timestamp_ms=stamp,
        key_id=key_id,
        signature=signature,
    )
    session.add(sth)
    head.signed_size = head.size
    head.signed_at_ms = stamp
    return sth


def sign_now(session: Session, tenant_id: str) -> None:
    """Sign the tenant's current tree head unless it is signed already (caller commits)."""
    try:
        rt = runtime(session)
        head = lock_head(session, tenant_id)
        if head.size > head.signed_size or not _has_any_head(session, head):
            root = merkle.Frontier.from_bytes(head.frontier).root()
            sign_head(session, head, root, rt, now_ms())
            session.flush()
    except (SQLAlchemyError, ValueError) as exc:
        raise AuditUnavailable("the tree head could not be signed") from exc


def _has_any_head(session: Session, head: AuditLog) -> bool:
    stmt = select(AuditTreeHead.tree_size).where(AuditTreeHead.tenant_id == head.tenant_id)
    return session.execute(stmt.limit(1)).first() is not None


def sign_due_heads(session: Session) -> int:
    """Sign every tenant head whose oldest unsigned event is older than the policy allows;
    commits each; returns how many were signed. Run periodically by the server."""
    rt = runtime(session)
    cutoff = now_ms() - rt.policy.sign_every_seconds * 1000
    due = session.execute(
        select(AuditLog.tenant_id).where(
            AuditLog.size > AuditLog.signed_size, AuditLog.signed_at_ms <= cutoff
        )
    ).scalars()
    tenants = list(due)
    session.rollback()
    for tenant_id in tenants:
        sign_now(session, tenant_id)
        session.commit()
    return len(tenants)


def latest_tree_head(session: Session, tenant_id: str) -> AuditTreeHead | None:
    stmt = (
        select(AuditTreeHead)
        .where(AuditTreeHead.tenant_id == tenant_id)
        .order_by(AuditTreeHead.tree_size.desc())
        .limit(1)
    )
    return session.execute(stmt).scalar_one_or_none()


def tree_head(session: Session, tenant_id: str, tree_size: int) -> AuditTreeHead | None:
    return session.get(AuditTreeHead, (tenant_id, tree_size))


# -- proofs ---------------------------------------------------------------------


def current_size(session: Session, tenant_id: str) -> int:
    size = session.execute(
        select(AuditLog.size).where(AuditLog.tenant_id == tenant_id)
    ).scalar_one_or_none()
    return size or 0


def _check_size(session: Session, tenant_id: str, size: int, name: str) -> None:
    if size < 0 or size > current_size(session, tenant_id):
        raise InvalidInput(f"{name} is outside the log")


def inclusion_proof(session: Session, tenant_id: str, seq: int, tree_size: int) -> list[bytes]:
    _check_size(session, tenant_id, tree_size, "tree_size")
    if not 0 <= seq < tree_size:
        raise Conflict("the event is not in a tree of that size")
    return _with_prefetch(
        session, tenant_id, lambda sub: merkle.inclusion_proof(seq, tree_size, sub)
    )


def consistency_proof(session: Session, tenant_id: str, first: int, second: int) -> list[bytes]:
    _check_size(session, tenant_id, second, "second")
    if not 0 < first <= second:
        raise InvalidInput("first must be at least 1 and at most second")
    return _with_prefetch(
        session, tenant_id, lambda sub: merkle.consistency_proof(first, second, sub)
    )


def root_at(session: Session, tenant_id: str, tree_size: int) -> bytes:
    _check_size(session, tenant_id, tree_size, "tree_size")
    return _with_prefetch(session, tenant_id, lambda sub: sub(0, tree_size))


Subtree = Callable[[int, int], bytes]
T = TypeVar("T")


def _with_prefetch(session: Session, tenant_id: str, compute: Callable[[Subtree], T]) -> T:
    """Run ``compute`` twice: once to learn which stored subtrees it reads, then, after
    fetching them in one query per level, for real. O(log n) rows, few round trips."""
    wanted: set[tuple[int, int]] = set()

    def record(level: int, idx: int) -> bytes:
        wanted.add((level, idx))
        return bytes(32)

    compute(lambda start, end: merkle.subtree_from_perfect(start, end, record))
    known = _fetch_perfect(session, tenant_id, wanted)

    def lookup(level: int, idx: int) -> bytes:
        try:
            return known[(level, idx)]
        except KeyError:
            raise AuditUnavailable("the audit log is missing a stored subtree") from None

    return compute(lambda start, end: merkle.subtree_from_perfect(start, end, lookup))


def _fetch_perfect(
    session: Session, tenant_id: str, wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], bytes]:
    found: dict[tuple[int, int], bytes] = {}
    leaves = [idx for level, idx in wanted if level == 0]
    if leaves:
        rows = session.execute(
            select(AuditEvent.seq, AuditEvent.leaf_hash).where(
                AuditEvent.tenant_id == tenant_id, AuditEvent.seq.in_(leaves)
            )
        )
        found.update(((0, seq), digest) for seq, digest in rows)
    by_level: dict[int, list[int]] = {}
    for level, idx in wanted:
        if level > 0:
            by_level.setdefault(level, []).append(idx)
    if by_level:
        # One SELECT per level, joined by UNION ALL, so each is a primary-key lookup
        # (tenant, level, idx). A "(level, idx) IN (...)" list is not: SQLite then scans
        # all the tenant's nodes, 100 ms per proof at a million events.
        per_level = [
            select(AuditNode.level, AuditNode.idx, AuditNode.hash).where(
                AuditNode.tenant_id == tenant_id,
                AuditNode.level == level,
                AuditNode.idx.in_(indexes),
            )
            for level, indexes in sorted(by_level.items())
        ]
        stmt = per_level[0] if len(per_level) == 1 else union_all(*per_level)
        found.update(((level, idx), digest) for level, idx, digest in session.execute(stmt))
    return found

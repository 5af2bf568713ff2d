"""RFC 6962 inclusion and consistency proofs, and roots, from a tenant's stored tree.

Only perfect subtrees are stored (leaves in ``audit_event``, inner nodes in
``audit_node``); a proof reads the O(log n) of them it needs in a few queries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from callvault.audit import merkle
from callvault.audit.models import AuditEvent, AuditLog, AuditNode
from callvault.errors import AuditUnavailable, Conflict, InvalidInput


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

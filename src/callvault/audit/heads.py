"""A tenant's log head (the ``audit_log`` row an append locks) and its signed tree heads.

A tree head is signed (Ed25519) when ``sign_every_events`` events are unsigned, or when
the oldest unsigned one is ``sign_every_seconds`` old (checked at append time and by
``sign_due_heads``, which the server runs periodically).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from callvault.audit import merkle
from callvault.audit.models import AuditLog, AuditTreeHead
from callvault.audit.runtime import AuditRuntime, SigningPolicy, now_ms, runtime
from callvault.db.base import bind_mark
from callvault.errors import AuditUnavailable

STH_FORMAT = b"cv-sth-v1"


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


# -- the log head ---------------------------------------------------------------


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


@dataclass(slots=True)
class HeadRow:
    """The columns of a locked log head that an append reads and moves, read and written
    with plain statements: appends are the hottest write there is, and an ORM load and
    flush of this one row cost more than the rest of a small batch (``bench/audit.py``)."""

    tenant_id: str
    size: int
    frontier: bytes
    signed_size: int
    signed_at_ms: int
    wrapped_secret: bytes


_HEAD_COLUMNS = "size, frontier, signed_size, signed_at_ms, wrapped_secret"


@cache
def _head_sql(dialect: str, paramstyle: str) -> tuple[str, str]:
    """The lock and the move of a head, for one driver. SQLite needs no row lock: a
    writer's ``BEGIN IMMEDIATE`` already holds the database's."""
    mark = bind_mark(paramstyle)
    lock = " FOR UPDATE" if dialect == "postgresql" else ""
    table = AuditLog.__tablename__
    return (
        f"SELECT {_HEAD_COLUMNS} FROM {table} WHERE tenant_id = {mark}{lock}",  # noqa: S608
        f"UPDATE {table} SET size = {mark}, frontier = {mark} WHERE tenant_id = {mark}",  # noqa: S608
    )


def lock_head_row(session: Session, tenant_id: str) -> HeadRow:
    """``lock_head`` without the ORM: the tenant's head, locked, as plain values."""
    connection = session.connection()
    lock, _ = _head_sql(connection.dialect.name, connection.dialect.paramstyle)
    found = connection.exec_driver_sql(lock, (tenant_id,)).first()
    if found is not None:
        return HeadRow(tenant_id, *found)
    head = create_head(session, tenant_id)
    return HeadRow(
        tenant_id, head.size, head.frontier, head.signed_size, head.signed_at_ms,
        head.wrapped_secret,
    )  # fmt: skip


def move_head(
    session: Session, head: HeadRow, frontier: merkle.Frontier, rt: AuditRuntime, stamp: int
) -> None:
    """Move a locked head to ``frontier``, and sign it if the policy says so (rare: then
    through the ORM, which ``sign_head`` works on)."""
    head.size, head.frontier = frontier.size, frontier.to_bytes()
    if signing_due(head, rt.policy, stamp):
        stored = lock_head(session, head.tenant_id)  # locked already: a re-read
        stored.size, stored.frontier = head.size, head.frontier
        sign_head(session, stored, frontier.root(), rt, stamp)
        session.flush()
        return
    connection = session.connection()
    _, move = _head_sql(connection.dialect.name, connection.dialect.paramstyle)
    connection.exec_driver_sql(move, (head.size, head.frontier, head.tenant_id))
    # An ORM copy of this head loaded earlier in the session is out of date now.
    stale = session.identity_map.get(identity_key(AuditLog, head.tenant_id))
    if stale is not None:
        session.expire(stale)


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


# -- signing --------------------------------------------------------------------


def signing_due(head: AuditLog | HeadRow, policy: SigningPolicy, stamp: int) -> bool:
    unsigned = head.size - head.signed_size
    if unsigned <= 0:
        return False
    too_many = unsigned >= policy.sign_every_events
    too_old = stamp - head.signed_at_ms >= policy.sign_every_seconds * 1000
    return too_many or too_old


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
    tenants = list(session.execute(_due_heads(session)).scalars())
    session.rollback()
    for tenant_id in tenants:
        sign_now(session, tenant_id)
        session.commit()
    return len(tenants)


def any_head_due(session: Session) -> bool:
    """Whether ``sign_due_heads`` has work: a read, for the jobs loop's idle ticks."""
    return session.execute(_due_heads(session).limit(1)).first() is not None


def _due_heads(session: Session) -> Select[str]:
    cutoff = now_ms() - runtime(session).policy.sign_every_seconds * 1000
    return select(AuditLog.tenant_id).where(
        AuditLog.size > AuditLog.signed_size, AuditLog.signed_at_ms <= cutoff
    )


# -- reading signed heads -------------------------------------------------------


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

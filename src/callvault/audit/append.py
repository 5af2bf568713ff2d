"""Appending events to a tenant's Merkle audit log.

An append locks the tenant's log head row (``SELECT ... FOR UPDATE``; SQLite's
``BEGIN IMMEDIATE`` already serializes writers), numbers the events without gaps, adds
their leaves and every subtree they complete, and moves the head, signing it when the
policy says so (``callvault.audit.heads``). It runs inside the caller's transaction:
the event commits with the work it records, or neither does.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from functools import cache

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from callvault.audit import merkle
from callvault.audit.encoding import FIELDS, encode_event
from callvault.audit.heads import lock_head_row, move_head
from callvault.audit.models import AuditEvent, AuditNode
from callvault.audit.runtime import AuditRuntime, now_ms, runtime
from callvault.db.base import bind_mark
from callvault.errors import AuditUnavailable


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


@cache
def _insert_sql(table: str, columns: tuple[str, ...], paramstyle: str) -> str:
    """INSERT for plain tuples. Appends are the hottest write there is, and SQLAlchemy's
    per-row parameter processing cost as much as hashing the event; every value here is
    already what the driver takes (str, int, bytes, None)."""
    marks = ", ".join([bind_mark(paramstyle)] * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608


def _append(
    session: Session, rt: AuditRuntime, tenant_id: str, events: Iterable[Mapping[str, object]]
) -> int:
    head = lock_head_row(session, tenant_id)
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
    move_head(session, head, frontier, rt, stamp)
    return first


def entry_mac(mac_key: bytes, seq: int, leaf: bytes) -> bytes:
    return hmac.digest(mac_key, seq.to_bytes(8, "big") + leaf, hashlib.sha256)

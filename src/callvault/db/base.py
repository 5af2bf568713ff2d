"""Declarative base, engine and session factories.

SQLite is tuned for durability (WAL + ``synchronous=FULL``: an acknowledged write
survives kill -9 and power loss) and integrity (foreign keys on).

Transactions say what they do. A write engine's transactions take SQLite's write lock
up front (``BEGIN IMMEDIATE``); a read-only engine's (``read_only=True``) never take it
and cannot write: SQLite runs them with ``query_only`` and PostgreSQL with
``default_transaction_read_only``, so a read path that tries to write fails loudly
instead of silently queueing behind every writer.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import CursorResult, DateTime, Engine, MetaData, Update, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from callvault import blocking
from callvault.db.liveness import replace_dead_connections
from callvault.db.tenancy import (
    SCOPE_REQUIRED_KEY,
    install_tenant_scoping,
    scope_to_tenant,
    tenant_scope,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def __repr__(self) -> str:
        # Id-only repr: an all-columns repr is how PHI ends up in logs.
        return f"<{type(self).__name__} id={getattr(self, 'id', '?')}>"


install_tenant_scoping(Base.registry)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores timezone-aware UTC datetimes on both SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


LOCK_TIMEOUT_MS = 5000
T = TypeVar("T")


def new_id() -> str:
    """Random, unguessable identifiers (32 lowercase hex chars)."""
    return uuid.uuid4().hex


def updated_rows(session: Session, statement: Update) -> int:
    """Run an UPDATE in the session's transaction; how many rows it changed (a
    conditional update's way of telling whether its condition held)."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)  # an UPDATE always gives one
    return result.rowcount


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS}")
    # Crypto-shredding overwrites a destroyed key; without secure_delete the old bytes
    # would linger in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # A deferred transaction that reads first and writes later fails at once with
    # "database is locked" when another writer committed in between; taking the
    # write lock up front makes concurrent writers queue on busy_timeout instead.
    _sqlite_begin(connection, "BEGIN IMMEDIATE")


def _sqlite_begin_deferred(connection: Any) -> None:
    # A reader in WAL mode sees a snapshot and never waits for the write lock.
    _sqlite_begin(connection, "BEGIN")


def _sqlite_begin(connection: Any, statement: str) -> None:
    """``statement`` on the driver's own connection: through ``exec_driver_sql`` it cost
    half of a session's begin-and-commit (an execution context and its events for one
    keyword), and every request begins one or two. A driver error is raised as
    SQLAlchemy's, as ``exec_driver_sql`` would (a lock timeout is then a 503)."""
    try:
        connection.connection.driver_connection.execute(statement)
    except sqlite3.Error as error:
        raise DBAPIError.instance(statement, (), error, sqlite3.Error) from error


_BIND_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def bind_mark(paramstyle: str) -> str:
    """The driver's positional placeholder (``?`` for sqlite3, ``%s`` for psycopg), for
    the few hot statements sent as plain SQL with ``exec_driver_sql``."""
    return _BIND_MARKS[paramstyle]


def create_db_engine(
    url: str, *, read_only: bool = False, statement_timeout_ms: int | None = None
) -> Engine:
    """An engine for ``url``; ``read_only`` engines run transactions that cannot write.
    ``statement_timeout_ms`` bounds every statement and lock wait of a PostgreSQL
    engine's connections (an engine of its own, such as the audit writer's)."""
    engine = _create_engine(url, read_only, statement_timeout_ms)
    if blocking.enabled():
        event.listen(engine, "before_cursor_execute", _off_event_loop)
        if not read_only:  # slow work must not run inside its transactions
            event.listen(engine, "begin", blocking.write_transaction_began)
            event.listen(engine, "commit", blocking.write_transaction_ended)
            event.listen(engine, "rollback", blocking.write_transaction_ended)
    return engine


def _off_event_loop(*_: Any) -> None:
    blocking.check_off_event_loop("a database statement")


def _create_engine(url: str, read_only: bool, statement_timeout_ms: int | None) -> Engine:
    if url.startswith("sqlite"):
        # isolation_level=None: pysqlite must not issue its own BEGIN; we do.
        # Connections to a local file are cheap: enough for every worker thread (40).
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "isolation_level": None},
            pool_size=20,
            max_overflow=20,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if read_only:
            event.listen(engine, "connect", _sqlite_query_only)
        begin = _sqlite_begin_deferred if read_only else _sqlite_begin_immediate
        event.listen(engine, "begin", begin)
        return engine
    # A request never waits on a lock longer than SQLite's busy_timeout: a hung audit
    # append (a locked log head) must become a 503, never a request that hangs.
    options = f"-c lock_timeout={statement_timeout_ms or LOCK_TIMEOUT_MS}"
    if statement_timeout_ms:
        options += f" -c statement_timeout={statement_timeout_ms}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    engine = create_engine(
        url,
        pool_size=10,
        max_overflow=10,
        connect_args={"options": options},
        # Reads in autocommit: no BEGIN and COMMIT round trips around every request's
        # handful of statements (a third of a read's trips). Each statement has its own
        # snapshot, as it had in a READ COMMITTED transaction, and each implicit
        # transaction is still read-only.
        isolation_level="AUTOCOMMIT" if read_only else None,
    )
    # Instead of pool_pre_ping's round trip per checkout (``db.liveness``).
    replace_dead_connections(engine)
    return engine


def create_session_factory(
    engine: Engine,
    info: dict[str, object] | None = None,
    *,
    tenant_scope_required: bool = False,
) -> sessionmaker[Any]:
    """``info`` is copied into every session (the audit log finds its keys there).

    With ``tenant_scope_required`` a session refuses to query a tenant-owned model until
    it is scoped to a tenant or marked as working across tenants (``callvault.db.tenancy``)."""
    info = {**(info or {}), SCOPE_REQUIRED_KEY: tenant_scope_required}
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)


READ_ONLY_KEY = "callvault.read_only"
WRITES_KEY = "callvault.writes"


def create_read_session_factory(
    read_engine: Engine, writes: sessionmaker[Session]
) -> sessionmaker[Session]:
    """Sessions on ``read_engine`` (``create_db_engine(url, read_only=True)``) that know
    where the rare write of a read path goes (``write_aside``): the same
    ``info`` as ``writes``, marked read-only."""
    info = {**writes.kw.get("info", {}), READ_ONLY_KEY: True, WRITES_KEY: writes}
    return sessionmaker(bind=read_engine, expire_on_commit=False, info=info)


def is_read_only(session: Session) -> bool:
    return bool(session.info.get(READ_ONLY_KEY))


def write_aside(session: Session, work: Callable[[Session], T]) -> T:
    """Run ``work`` where it may write. In a read-only session, that is a transaction of
    its own, committed at once (a read path's rare write: a session's idle clock, a
    token's last use, an audit event of a refusal); in any other session, the
    session's own transaction, which commits with the rest of its work."""
    if not is_read_only(session):
        return work(session)
    writes: sessionmaker[Session] = session.info[WRITES_KEY]
    with writes() as aside:
        scope = tenant_scope(session)
        if scope is not None:
            scope_to_tenant(aside, scope)
        result = work(aside)
        aside.commit()
    return result


def purge_deleted_data(engine: Engine) -> None:
    """After a crypto-shred on SQLite: checkpoint and truncate the WAL so the destroyed
    key's old page images are gone from disk too (``secure_delete`` zeroes the pages in
    the main file). PostgreSQL keeps old row versions until VACUUM; see docs.

    The checkpoint never waits. One that waits for readers still on older snapshots
    holds the write lock all the while, and every writer waits with it, past the lock
    timeout on a busy host. When it cannot finish at once, the purge is left pending (a
    marker file beside the database) and ``purge_pending_data`` finishes it: the jobs
    loop calls it every tick."""
    pending = _pending_dir(engine)
    if pending is None:
        return
    if not _truncate_wal(engine):
        pending.mkdir(mode=0o700, exist_ok=True)
        (pending / new_id()).touch(mode=0o600)


def purge_pending_data(engine: Engine) -> bool:
    """Finish the purges ``purge_deleted_data`` left pending; True if none is left."""
    pending = _pending_dir(engine)
    if pending is None or not pending.is_dir():
        return True
    # Only these: a marker made while the checkpoint runs may be a later shred's.
    markers = list(pending.iterdir())
    if not markers:
        return True
    if not _truncate_wal(engine):
        return False
    for marker in markers:
        marker.unlink(missing_ok=True)
    return True


def _pending_dir(engine: Engine) -> Path | None:
    """Where a SQLite file database's pending purges are marked (None otherwise)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database + "-purge")


def _truncate_wal(engine: Engine) -> bool:
    """A TRUNCATE checkpoint that gives up at once instead of waiting; True if the WAL
    was checkpointed in full and truncated."""
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA busy_timeout=0")
        try:
            busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:  # locked by a writer
            return False
        finally:
            raw.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS}")
    return bool(busy == 0)

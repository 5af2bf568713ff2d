"""Declarative base, engine and session factories.

SQLite is tuned for durability (WAL + ``synchronous=FULL``: an acknowledged write
survives kill -9 and power loss) and integrity (foreign keys on).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

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


def new_id() -> str:
    """Random, unguessable identifiers (32 lowercase hex chars)."""
    return uuid.uuid4().hex


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


def _sqlite_begin_immediate(connection: Any) -> None:
    # Every request writes (at least its audit event). A deferred transaction that
    # reads first and writes later fails at once with "database is locked" when
    # another writer committed in between; taking the write lock up front makes
    # concurrent requests queue on busy_timeout instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # isolation_level=None: pysqlite must not issue its own BEGIN; we do.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "isolation_level": None}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # A request never waits on a lock longer than SQLite's busy_timeout: a hung audit
    # append (a locked log head) must become a 503, never a request that hangs.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args={"options": f"-c lock_timeout={LOCK_TIMEOUT_MS}"},
    )


def create_session_factory(
    engine: Engine, info: dict[str, object] | None = None
) -> sessionmaker[Any]:
    """``info`` is copied into every session (the audit log finds its keys there)."""
    return sessionmaker(bind=engine, expire_on_commit=False, info=info or {})


def purge_deleted_data(engine: Engine) -> None:
    """After a crypto-shred on SQLite: checkpoint and truncate the WAL so the destroyed
    key's old page images are gone from disk too (``secure_delete`` zeroes the pages in
    the main file). PostgreSQL keeps old row versions until VACUUM; see docs."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

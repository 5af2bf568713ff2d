"""SQLite transactions begin as they say (``callvault.db.base``): a write takes the
write lock up front and a lock it cannot get is SQLAlchemy's error (which the web layer
answers with a 503), while a read never waits for the lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from callvault.db.base import create_db_engine
from callvault.settings import Settings

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def write_lock_held(vault: Settings) -> Iterator[None]:
    """Another process's connection holds the database's write lock."""
    path = vault.database_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
    finally:
        holder.rollback()
        holder.close()


@pytest.fixture
def engines(vault: Settings) -> Iterator[tuple[Engine, Engine]]:
    writes = create_db_engine(vault.database_url)
    reads = create_db_engine(vault.database_url, read_only=True)
    try:
        yield writes, reads
    finally:
        writes.dispose()
        reads.dispose()


def test_a_write_that_cannot_get_the_lock_fails_as_a_database_error(
    engines: tuple[Engine, Engine], write_lock_held: None
) -> None:
    writes, _ = engines
    with writes.connect() as connection:
        connection.connection.driver_connection.execute("PRAGMA busy_timeout=50")  # not 5 s
        with pytest.raises(OperationalError, match="database is locked"):
            connection.begin()
        assert not connection.in_transaction()


def test_a_read_does_not_wait_for_the_write_lock(
    engines: tuple[Engine, Engine], write_lock_held: None
) -> None:
    _, reads = engines
    with reads.connect() as connection:
        connection.connection.driver_connection.execute("PRAGMA busy_timeout=50")
        assert connection.execute(text("SELECT count(*) FROM tenants")).scalar_one() >= 1

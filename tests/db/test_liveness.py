"""A pooled PostgreSQL connection the server ended is replaced at checkout, without a
ping per checkout (``callvault.db.liveness``)."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from callvault.db.base import create_db_engine
from callvault.db.liveness import is_alive

pytestmark = pytest.mark.postgresql_only


def _backend_pid(conn: sa.Connection) -> int:
    return int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(engine: sa.Engine, pid: int) -> None:
    with engine.connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_connection_the_server_ended_is_replaced(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as conn:
            first = _backend_pid(conn)
        _terminate(sa.create_engine(database_url, poolclass=sa.NullPool), first)
        time.sleep(0.2)  # the server's goodbye reaches the idle socket
        with engine.connect() as conn:
            assert _backend_pid(conn) != first
            assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()


def test_a_live_idle_connection_is_kept_without_a_statement(database_url: str) -> None:
    engine = create_db_engine(database_url)
    statements: list[str] = []
    try:
        with engine.connect() as conn:
            first = _backend_pid(conn)
        sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None and is_alive(raw)
            assert _backend_pid(conn) == first
        assert statements == ["SELECT pg_backend_pid()"]
    finally:
        engine.dispose()

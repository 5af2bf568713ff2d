"""The guard's second rule: slow work (a password hash, a key derivation) never runs
while its thread holds a write transaction open, on SQLite the database's one write
lock, which every other writer would wait for. The test suite records violations and
fails the test that made one (``tests/conftest.py``)."""

from __future__ import annotations

from sqlalchemy import text

from callvault import blocking
from callvault.db.base import create_db_engine, create_session_factory


def test_slow_work_inside_a_write_transaction_is_reported_and_nowhere_else(
    database_url: str,
) -> None:
    writes = create_db_engine(database_url)
    reads = create_db_engine(database_url, read_only=True)
    try:
        with create_session_factory(writes)() as session:
            blocking.check_slow_work("before the first statement")
            session.execute(text("SELECT 1"))  # the transaction (SQLite: the lock) begins
            blocking.check_slow_work("a hash inside")
            session.commit()
            blocking.check_slow_work("after the commit")
            session.execute(text("SELECT 1"))
            session.rollback()
            blocking.check_slow_work("after the rollback")
        with create_session_factory(reads)() as session:
            session.execute(text("SELECT 1"))
            blocking.check_slow_work("inside a read-only transaction")
        found = blocking.violations()
    finally:
        blocking.clear()  # expected here: not this test's failure
        writes.dispose()
        reads.dispose()

    assert [(v.what, v.place) for v in found] == [("a hash inside", blocking.IN_WRITE_TRANSACTION)]

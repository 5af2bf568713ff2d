"""The guard's second rule: slow work (a password hash, a key derivation) never runs
while its thread holds a write transaction open, on SQLite the database's one write
lock, which every other writer would wait for. The test suite records violations and
fails the test that made one (``tests/conftest.py``)."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor

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


def test_a_write_transaction_belongs_to_the_request_that_began_it_not_its_thread(
    database_url: str,
) -> None:
    """A request's pool calls land on any thread: the guard must blame the request that
    holds the transaction open wherever its slow work runs, and never another request
    that happens to run on the same thread."""
    writes = create_db_engine(database_url)
    session = create_session_factory(writes)()

    def begin_then_hand_over() -> None:  # one request: its transaction, left open
        blocking.new_owner()
        session.execute(text("SELECT 1"))
        with ThreadPoolExecutor(1) as other_thread:
            other_thread.submit(
                contextvars.copy_context().run, blocking.check_slow_work, "its own upload"
            ).result()

    def another_request() -> None:
        blocking.new_owner()
        blocking.check_slow_work("another request's upload")

    try:
        contextvars.copy_context().run(begin_then_hand_over)
        contextvars.copy_context().run(another_request)  # same thread, transaction open
        found = blocking.violations()
        session.rollback()
    finally:
        blocking.clear()  # expected here: not this test's failure
        session.close()
        writes.dispose()

    assert [(v.what, v.place) for v in found] == [("its own upload", blocking.IN_WRITE_TRANSACTION)]

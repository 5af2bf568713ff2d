"""A read-only engine (``create_db_engine(read_only=True)``) cannot write, on either
database, and on PostgreSQL its reads leave no transaction open on the server (no
BEGIN and COMMIT round trips around a request's statements)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from callvault.db.base import create_db_engine, create_session_factory
from callvault.settings import Settings


@pytest.fixture
def reads(vault: Settings) -> Iterator[Engine]:
    engine = create_db_engine(vault.database_url, read_only=True)
    yield engine
    engine.dispose()


def test_a_read_only_session_cannot_write(reads: Engine) -> None:
    with create_session_factory(reads)() as session:
        assert session.execute(text("SELECT count(*) FROM tenants")).scalar_one() >= 1
        with pytest.raises(DBAPIError, match=r"read-only|readonly"):
            session.execute(text("UPDATE tenants SET name = name"))
            session.commit()


@pytest.mark.postgresql_only
def test_reads_on_postgresql_leave_no_transaction_open(reads: Engine) -> None:
    with create_session_factory(reads)() as session:
        session.execute(text("SELECT count(*) FROM tenants")).scalar_one()
        driver = session.connection().connection.driver_connection
        assert isinstance(driver, psycopg.Connection)
        assert driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE

"""The root conftest's ``database_url`` gives a real, writable, isolated database of the
requested kind (CALLVAULT_TEST_DATABASE), and ``db_backend`` says which."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

_metadata = sa.MetaData()
_probe = sa.Table(
    "fixture_probe",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    eng = sa.create_engine(database_url)
    yield eng
    eng.dispose()


def test_backend_matches_environment(engine: sa.Engine, db_backend: str) -> None:
    assert db_backend in ("sqlite", "postgresql")
    assert engine.dialect.name == db_backend


@pytest.mark.parametrize("round_", [1, 2])
def test_database_is_fresh_writable_and_isolated(engine: sa.Engine, round_: int) -> None:
    # Runs twice: if two tests shared a database, the second run would find the table.
    assert sa.inspect(engine).get_table_names() == []
    _metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(_probe.insert(), [{"name": f"alice-{round_}"}, {"name": "bob"}])
    with engine.connect() as conn:
        names = conn.execute(sa.select(_probe.c.name).order_by(_probe.c.id)).scalars().all()
    assert names == [f"alice-{round_}", "bob"]


@pytest.mark.sqlite_only
def test_sqlite_file_lives_under_tmp_path(
    engine: sa.Engine, database_url: str, tmp_path: Path
) -> None:
    url = make_url(database_url)
    assert url.get_backend_name() == "sqlite"
    assert url.database is not None
    db_file = Path(url.database)
    assert db_file.is_absolute()
    assert db_file.parent == tmp_path
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    assert db_file.is_file()


@pytest.mark.postgresql_only
def test_postgresql_is_the_throwaway_server(engine: sa.Engine, database_url: str) -> None:
    url = make_url(database_url)
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "127.0.0.1"
    assert url.port not in (None, 5432), "must not use the machine's own PostgreSQL"
    with engine.connect() as conn:
        assert "PostgreSQL" in conn.execute(sa.text("select version()")).scalar_one()
        assert conn.execute(sa.text("select current_setting('fsync')")).scalar_one() == "off"
        assert conn.execute(sa.text("select current_database()")).scalar_one() == url.database
        # Databases of earlier tests were dropped at their teardown: only ours is left.
        test_dbs = (
            conn.execute(sa.text(r"select datname from pg_database where datname like 't\_%'"))
            .scalars()
            .all()
        )
    assert test_dbs == [url.database]


@pytest.mark.postgresql_only
def test_postgresql_transactions_work(engine: sa.Engine) -> None:
    _metadata.create_all(engine)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(_probe.insert(), [{"id": 1, "name": "a"}])
        conn.execute(_probe.insert(), [{"id": 1, "name": "dup"}])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(_probe)).scalar_one() == 0

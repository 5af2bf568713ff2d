"""Several processes of a new release migrate the one PostgreSQL database as they start
(the nodes of a cluster): one migrates, the others wait for it and find nothing to do."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa

from callvault.db.migrate import upgrade

MIGRATE = "import sys, sqlalchemy; from callvault.db.migrate import upgrade; " \
    "upgrade(sqlalchemy.create_engine(sys.argv[1]))"  # fmt: skip


def test_three_processes_migrating_at_once_all_succeed(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("postgresql only: a SQLite vault has one host, which migrates once")
    starting = [
        subprocess.Popen([sys.executable, "-c", MIGRATE, database_url], stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    failures = [p.stderr.read().decode()[-2000:] for p in starting if p.wait(120) != 0]  # type: ignore[union-attr]
    assert failures == []
    engine = sa.create_engine(database_url)
    try:
        upgrade(engine)  # at head already: nothing to do, nothing raised
        with engine.connect() as conn:
            heads = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        assert len(heads) == 1
    finally:
        engine.dispose()

"""Several processes of a new release migrate the one PostgreSQL database as they start
(the nodes of a cluster): one migrates, the others wait for it and find nothing to do.
A database already at the newest schema is only read when a process starts."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from callvault.db.base import LOCK_TIMEOUT_MS, create_db_engine
from callvault.db.migrate import alembic_config, head_revision, is_current, upgrade

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


def test_a_start_at_the_newest_schema_takes_no_write_lock(migrated_database_url: str) -> None:
    """A process left by a crash may still hold SQLite's write lock for a moment; the
    restart's migration check must not queue behind it, let alone fail on it."""
    if not migrated_database_url.startswith("sqlite"):
        pytest.skip("sqlite only: its write lock is database-wide")
    path = migrated_database_url.removeprefix("sqlite:///")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process, mid-transaction
    engine = create_db_engine(migrated_database_url)
    try:
        started = time.monotonic()
        upgrade(engine)
        assert time.monotonic() - started < LOCK_TIMEOUT_MS / 1000 / 2
        assert is_current(engine)
    finally:
        writer.rollback()
        writer.close()
        engine.dispose()


def test_an_empty_database_is_not_current_and_is_migrated(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        assert not is_current(engine)
        upgrade(engine)
        assert is_current(engine)
    finally:
        engine.dispose()


def test_the_newest_revision_read_off_the_file_names_is_alembics_one_head() -> None:
    """``is_current`` names the newest revision without loading alembic: a migration
    file named out of step with its ``revision`` (or a second head) must fail here."""
    script = ScriptDirectory.from_config(alembic_config(sa.create_engine("sqlite://")))
    assert script.get_heads() == [head_revision()]
    assert all(
        Path(revision.path).name.startswith(f"{revision.revision}_")
        for revision in script.walk_revisions()
    )


def test_a_database_one_revision_behind_is_not_current(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        upgrade(engine)
        with engine.begin() as connection:
            behind = f"{int(head_revision()) - 1:04d}"
            connection.execute(
                sa.text("UPDATE alembic_version SET version_num = :v"), {"v": behind}
            )
        assert not is_current(engine)
    finally:
        engine.dispose()

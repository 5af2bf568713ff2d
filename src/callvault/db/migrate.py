"""Schema migrations through Alembic, driven from code (no alembic.ini to find)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from callvault.db.base import create_db_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


# Any fixed 64-bit number, the same in every process: PostgreSQL's advisory lock key.
MIGRATION_LOCK_KEY = 0x63616C6C7661756C  # "callvaul"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``. On PostgreSQL under an advisory lock: the nodes of a
    cluster each migrate when they start, and those of a new release start together;
    the first migrates, the others wait, then find nothing left to do. (A SQLite vault
    has one host, whose ``serve`` migrates before it starts its other processes.)
    A database already at the newest schema is only read: on SQLite a migration takes
    the write lock, and a process left running by a crash (a jobs process finishing its
    transaction) would otherwise make a restart fail with "database is locked"."""
    if revision == "head" and is_current(engine):
        return
    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), revision)
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest schema, read without a write lock."""
    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    reader = create_db_engine(engine.url.render_as_string(hide_password=False), read_only=True)
    try:
        with reader.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads()) == heads
    finally:
        reader.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)

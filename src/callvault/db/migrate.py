"""Schema migrations through Alembic, driven from code (no alembic.ini to find)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

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
    has one host, whose ``serve`` migrates before it starts its other processes.)"""
    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), revision)
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)

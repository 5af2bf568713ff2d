"""Schema migrations through Alembic, driven from code (no alembic.ini to find).

Every server, jobs process and CLI command checks the schema when it starts, and it is
nearly always current: that check reads the newest revision off the migration files'
names (``NNNN_title.py`` holds revision ``NNNN``; ``tests/db`` holds alembic to the
same answer) and the database's ``alembic_version``, so alembic itself (~0.1 s to
import, with mako and pygments) is loaded only to migrate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, exc, text

from callvault.db.base import create_db_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def head_revision() -> str:
    """The newest revision: the highest number among the migration files."""
    return max(path.name[:4] for path in (MIGRATIONS_DIR / "versions").glob("[0-9]" * 4 + "_*.py"))


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

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
    from alembic import command

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
    reader = create_db_engine(engine.url.render_as_string(hide_password=False), read_only=True)
    try:
        with reader.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version"))
            return set(current.scalars()) == {head_revision()}
    except (exc.OperationalError, exc.ProgrammingError):  # no alembic_version: a new database
        return False
    finally:
        reader.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)

"""Alembic environment. The engine is handed in by ``callvault.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

from callvault.db.models import Base

target_metadata = Base.metadata


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_sqlite(connection: Connection) -> None:
    # Batch mode drops and recreates tables; with foreign keys on that fails on tables
    # with children, so keys are switched off for the migration and checked after.
    # The pragma is a no-op inside a transaction, so it goes to the raw connection.
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        _migrate(connection)
        connection.commit()
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"migration left {len(problems)} broken foreign keys")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def run_migrations_online() -> None:
    engine: Engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            _run_sqlite(connection)
        else:
            _migrate(connection)


run_migrations_online()

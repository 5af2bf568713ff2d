"""The database part of a backup: a consistent snapshot out, and back in.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies one consistent
snapshot, the WAL's newest commits included, while the server keeps writing; a file
copy would not. PostgreSQL: ``pg_dump --format=custom`` (one snapshot while writers go
on) and ``pg_restore`` into an empty database. The password travels in ``PGPASSWORD``,
never on a command line (the process list shows those).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from callvault.backup.errors import BackupError, BackupRefused
from callvault.db.base import create_db_engine
from callvault.settings import Settings

SQLITE_MEMBER = "database/callvault.db"
POSTGRESQL_MEMBER = "database/callvault.pgdump"
_BUSY_TIMEOUT_SECONDS = 30


def database_kind(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


def database_member(kind: str) -> str:
    return SQLITE_MEMBER if kind == "sqlite" else POSTGRESQL_MEMBER


def sqlite_path(settings: Settings) -> Path:
    return Path(make_url(settings.database_url).database or "")


def snapshot_database(settings: Settings, target: Path) -> None:
    """Write a consistent snapshot of the configured database to ``target``."""
    if settings.is_sqlite:
        _sqlite_snapshot(sqlite_path(settings), target)
    else:
        _run_pg("pg_dump", settings, ["--format=custom", f"--file={target}"])


def _sqlite_snapshot(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError("the SQLite database does not exist")
    # A read-only URI: the snapshot must never create or change the live database.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=_BUSY_TIMEOUT_SECONDS)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        (check,) = dst.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise BackupError("the database snapshot fails SQLite's integrity check")
    finally:
        dst.close()
        src.close()


def require_empty_database(settings: Settings) -> None:
    """Refuse a restore into a database that holds anything (SQLite: that exists)."""
    if settings.is_sqlite:
        if sqlite_path(settings).exists():
            raise BackupRefused("the target SQLite database exists already: restore into a new one")
        return
    engine = create_db_engine(settings.database_url)
    try:
        tables = inspect(engine).get_table_names()
    except Exception as exc:  # a driver error may quote the URL; say only what failed
        raise BackupError("cannot connect to the target PostgreSQL database") from exc
    finally:
        engine.dispose()
    if tables:
        raise BackupRefused("the target PostgreSQL database is not empty: restore into a new one")


def install_database(settings: Settings, snapshot: Path) -> None:
    """Put a snapshot in place as the configured (empty) database."""
    if settings.is_sqlite:
        shutil.move(snapshot, sqlite_path(settings))
        return
    _run_pg(
        "pg_restore",
        settings,
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(snapshot)],
    )


def _run_pg(tool: str, settings: Settings, arguments: list[str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed (the PostgreSQL client tools)")
    url = make_url(settings.database_url)
    env = {**os.environ, "PGPASSWORD": url.password or "", "PGCONNECT_TIMEOUT": "30"}
    connection = [f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}"]
    connection += [f"--username={url.username or ''}", f"--dbname={url.database or ''}"]
    result = subprocess.run(  # noqa: S603 - a fixed program, arguments from settings
        [program, *connection, *arguments], env=env, capture_output=True, check=False
    )
    if result.returncode != 0:
        # Its stderr may quote table rows (PHI): report the exit status only.
        raise BackupError(f"{tool} failed with exit status {result.returncode}")

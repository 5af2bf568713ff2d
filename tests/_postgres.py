"""Helpers for the test suite's throwaway PostgreSQL server (used by tests/conftest.py).

The server is started by pytest-postgresql's ``postgresql_proc`` factory from the installed
PostgreSQL binaries (Debian: /usr/lib/postgresql/<version>/bin), on a free port, with a fresh data
directory under pytest's temp dir. It never touches a PostgreSQL service already running on the
machine. pg_ctl refuses to run as root, so as root pytest-postgresql is pointed at
scripts/pg_ctl_as_pgtest.sh, which runs pg_ctl as the system user ``pgtest``.

Each test that asks for ``database_url`` gets its own database (``CREATE DATABASE t_<hex>``),
dropped again at teardown.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parents[1]
PG_CTL_WRAPPER = REPO_ROOT / "scripts" / "pg_ctl_as_pgtest.sh"

# Durability is pointless for a throwaway server; these make CREATE DATABASE and commits cheap.
POSTGRES_OPTIONS = "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"

# Environment variable to point at a specific pg_ctl (e.g. a non-Debian machine). The wrapper
# script reads the same variable.
PG_CTL_ENV = "CALLVAULT_REAL_PG_CTL"

MISSING_PG_CTL_MESSAGE = (
    "CALLVAULT_TEST_DATABASE=postgresql needs the PostgreSQL server binaries (pg_ctl), and none "
    "were found under /usr/lib/postgresql/*/bin (nor ${env} nor pg_ctl on PATH). "
    "Run ./scripts/test.sh, which installs the Debian package 'postgresql' and runs the suite; "
    "or run pytest with CALLVAULT_TEST_DATABASE=sqlite."
).replace("${env}", PG_CTL_ENV)

TEST_DB_PREFIX = "t_"


def _version_key(path: str) -> tuple[int, ...]:
    match = re.search(r"/postgresql/([0-9.]+)/bin/pg_ctl$", path)
    if not match:
        return (0,)
    return tuple(int(part) for part in match.group(1).split(".") if part)


def find_real_pg_ctl() -> str | None:
    """The pg_ctl to use: $CALLVAULT_REAL_PG_CTL, else the highest Debian version, else PATH."""
    explicit = os.environ.get(PG_CTL_ENV)
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    candidates = [p for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl") if os.access(p, os.X_OK)]
    if candidates:
        return max(candidates, key=_version_key)
    return shutil.which("pg_ctl")


def running_as_root() -> bool:
    return os.geteuid() == 0


def pg_ctl_for_pytest_postgresql(real_pg_ctl: str | None) -> str:
    """What to hand pytest-postgresql as ``executable``: the root wrapper, or pg_ctl itself."""
    if running_as_root():
        return str(PG_CTL_WRAPPER)
    return real_pg_ctl or "pg_ctl"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str | None = None

    def connect_admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """Autocommit connection to the maintenance database ``postgres``."""
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        )

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for one database on this server."""
        auth = self.user if not self.password else f"{self.user}:{self.password}"
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{dbname}"


def create_database(
    server: Server, template: str | None = None, prefix: str = TEST_DB_PREFIX
) -> str:
    """Create a new database, empty or a copy of ``template``, and return its name."""
    dbname = f"{prefix}{uuid.uuid4().hex}"
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname))
    if template is not None:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with server.connect_admin() as conn:
        conn.execute(statement)
    return dbname


def drop_database(server: Server, dbname: str) -> None:
    """Drop a test database, terminating any connections a test left open."""
    with server.connect_admin() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (dbname,),
        )
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )

"""Root conftest: the database contract every test can rely on.

Environment:
    CALLVAULT_TEST_DATABASE   ``sqlite`` (default when unset) or ``postgresql``.
                              ./scripts/test.sh runs the whole suite once with each.
    CALLVAULT_REAL_PG_CTL     optional path to pg_ctl (default: highest
                              /usr/lib/postgresql/*/bin/pg_ctl).

Fixtures:
    db_backend    (session)   "sqlite" or "postgresql": which pass this is.
    migrated_database_url (function)  the same, already migrated to the newest schema:
                              a copy of a template migrated once per run (most tests need
                              the schema, not its making; migrations have tests of their own).
    database_url  (function)  a fresh, empty database of that kind, as an SQLAlchemy URL:
                              sqlite  -> ``sqlite:///<tmp_path>/callvault.db``
                              postgresql -> ``postgresql+psycopg://postgres@127.0.0.1:<port>/t_<hex>``
                              on a throwaway server this test session starts itself (lazily, on
                              first use) and stops at the end; the database is dropped (open
                              connections terminated) when the test ends.

Markers:
    @pytest.mark.sqlite_only / @pytest.mark.postgresql_only   skip the test in the other pass.
    @pytest.mark.soak   minutes of load (tests/reliability L1, L3): skipped unless
                        ``--run-soak`` or ``CALLVAULT_SOAK=1``; ``make soak`` runs them.

The PostgreSQL pass deselects the tests that use neither database fixture: they do not
depend on the database, and the SQLite pass has run them.

Add app/settings/client fixtures in the subpackage conftests (tests/calls/conftest.py, ...),
not here.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pytest_postgresql import factories
from pytest_postgresql.executors import PostgreSQLExecutor

# Every test runs with the event-loop guard recording (callvault.blocking): a database
# statement or password hash on the server's event loop fails the test that caused it.
os.environ.setdefault("CALLVAULT_LOOP_GUARD", "record")

_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:  # makes the helper importable under any --import-mode
    sys.path.insert(0, _TESTS_DIR)

import _postgres  # noqa: E402

pytest_plugins = ["_s3", "tests._vault"]

BACKEND_ENV = "CALLVAULT_TEST_DATABASE"
BACKENDS = ("sqlite", "postgresql")

_REAL_PG_CTL = _postgres.find_real_pg_ctl()
if _REAL_PG_CTL:
    # The root wrapper (scripts/pg_ctl_as_pgtest.sh) execs exactly this pg_ctl.
    os.environ.setdefault(_postgres.PG_CTL_ENV, _REAL_PG_CTL)

_pg_startup_key = pytest.StashKey[float]()
_pg_port_key = pytest.StashKey[int]()


def _selected_backend() -> str:
    value = os.environ.get(BACKEND_ENV, "").strip().lower()
    return value or "sqlite"


def pytest_configure(config: pytest.Config) -> None:
    backend = _selected_backend()
    if backend not in BACKENDS:
        raise pytest.UsageError(
            f"{BACKEND_ENV}={os.environ.get(BACKEND_ENV)!r}: expected one of {', '.join(BACKENDS)}"
        )
    config.addinivalue_line("markers", "sqlite_only: run only when CALLVAULT_TEST_DATABASE=sqlite")
    config.addinivalue_line(
        "markers", "postgresql_only: run only when CALLVAULT_TEST_DATABASE=postgresql"
    )


def pytest_report_header(config: pytest.Config) -> str:
    backend = _selected_backend()
    detail = ""
    if backend == "postgresql":
        detail = f" (throwaway server from {_REAL_PG_CTL or 'NO pg_ctl FOUND'}"
        detail += ", via pgtest wrapper)" if _postgres.running_as_root() else ")"
    return f"callvault test database: {backend}{detail}"


DATABASE_FIXTURES = frozenset({"database_url", "migrated_database_url"})


SOAK_ENV = "CALLVAULT_SOAK"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-soak", action="store_true", help="run the soak tests (minutes of load each)"
    )


def _skip_soak_unless_asked(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-soak") or os.environ.get(SOAK_ENV) == "1":
        return
    skip = pytest.mark.skip(
        reason=f"soak test: run with --run-soak or {SOAK_ENV}=1 (`make soak` runs them all)"
    )
    for item in items:
        if item.get_closest_marker("soak") is not None:
            item.add_marker(skip)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    backend = _selected_backend()
    _skip_soak_unless_asked(config, items)
    for item in items:
        for other in BACKENDS:
            if other != backend and item.get_closest_marker(f"{other}_only") is not None:
                item.add_marker(pytest.mark.skip(reason=f"{other} only; this pass is {backend}"))
    if backend == "postgresql":
        _deselect_tests_without_a_database(config, items)


def _deselect_tests_without_a_database(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass runs only the tests that reach a database through the fixtures
    above: the others (redaction, audio, crypto, ...) would only run a second time."""
    keep, drop = [], []
    for item in items:
        reaches = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if reaches or item.get_closest_marker("postgresql_only") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    stash = terminalreporter.config.stash
    if _pg_startup_key in stash:
        terminalreporter.write_line(
            f"callvault: throwaway PostgreSQL on 127.0.0.1:{stash[_pg_port_key]} "
            f"started in {stash[_pg_startup_key]:.1f}s"
        )


@pytest.fixture(autouse=True)
def _nothing_blocks_the_event_loop() -> Iterator[None]:
    """Fails a test during which blocking work ran on an event loop, or slow work inside
    a write transaction (see callvault.blocking)."""
    from callvault import blocking

    blocking.clear()
    yield
    found = blocking.violations()
    if found:
        pytest.fail("blocking work where it stalls others:\n" + "\n".join(map(str, found)))


# Session-wide throwaway server. Only started when a test asks for database_url under postgresql.
_callvault_postgresql_proc = factories.postgresql_proc(
    executable=_postgres.pg_ctl_for_pytest_postgresql(_REAL_PG_CTL),
    host="127.0.0.1",
    port=None,  # any free port: never the machine's own PostgreSQL on 5432
    user="postgres",
    postgres_options=_postgres.POSTGRES_OPTIONS,
)


@pytest.fixture(scope="session")
def db_backend() -> str:
    """``"sqlite"`` or ``"postgresql"``: the database this test run uses."""
    return _selected_backend()


def _postgresql_server(request: pytest.FixtureRequest) -> _postgres.Server:
    if _REAL_PG_CTL is None:
        pytest.fail(_postgres.MISSING_PG_CTL_MESSAGE, pytrace=False)
    stash = request.config.stash
    started = time.monotonic()
    proc: PostgreSQLExecutor = request.getfixturevalue("_callvault_postgresql_proc")
    if _pg_startup_key not in stash:
        stash[_pg_startup_key] = time.monotonic() - started
        stash[_pg_port_key] = proc.port
    return _postgres.Server(host=proc.host, port=proc.port, user=proc.user, password=proc.password)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path, db_backend: str) -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty database of the selected backend (see module doc)."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'callvault.db'}"
        return
    server = _postgresql_server(request)
    dbname = _postgres.create_database(server)
    try:
        yield server.url(dbname)
    finally:
        _postgres.drop_database(server, dbname)


@pytest.fixture(scope="session")
def _schema_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, db_backend: str
) -> Iterator[str]:
    """A database migrated to the newest schema, once per run: a file path on SQLite, a
    database name on PostgreSQL."""
    if db_backend == "sqlite":
        path = tmp_path_factory.mktemp("schema") / "callvault.db"
        _migrate(f"sqlite:///{path}")
        yield str(path)
        return
    server = _postgresql_server(request)
    dbname = _postgres.create_database(server, prefix="schema_")  # not a test's database
    _migrate(server.url(dbname))  # disposed: a template must have no connections
    yield dbname
    _postgres.drop_database(server, dbname)


def _migrate(url: str) -> None:
    from callvault.db.base import create_db_engine
    from callvault.db.migrate import upgrade

    engine = create_db_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def copy_sqlite(source: str, target: str) -> None:
    """A consistent copy of an SQLite database (the backup API, not a file copy)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


@pytest.fixture
def migrated_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, db_backend: str, _schema_template: str
) -> Iterator[str]:
    """A fresh database of the selected backend at the newest schema (see module doc).
    For a test that uses ``vault``, it is a copy of the run's initialised vault instead
    (``tests/_vault.py``), which saves making a database only to replace it."""
    template = _schema_template
    if "vault" in request.fixturenames:
        template = request.getfixturevalue("_vault_template").database
    if db_backend == "sqlite":
        path = tmp_path / "callvault.db"
        copy_sqlite(template, str(path))
        yield f"sqlite:///{path}"
        return
    server = _postgresql_server(request)
    dbname = _postgres.create_database(server, template=template)
    try:
        yield server.url(dbname)
    finally:
        _postgres.drop_database(server, dbname)


@pytest.fixture(autouse=True, scope="session")
def _argon2_at_test_cost() -> Iterator[None]:
    """Password hashes made and checked in the test process use argon2id at a test cost
    (1 pass over 1 MiB instead of 3 over 64 MiB): the same code path, hash format and
    checks, at about a hundredth of the CPU. A few thousand sign-ins and new users made
    hashing half of the suite's time. The production cost is held by
    ``tests/identity/test_passwords.py``, by every server started as a separate process
    here (the sign-in burst and throttle tests among them), and by the tests that ask
    for ``production_password_cost`` (timing)."""
    from argon2 import PasswordHasher

    with _password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)):
        yield


@pytest.fixture
def production_password_cost() -> Iterator[None]:
    """argon2id at the cost a server uses, for a test that measures it: ask for it
    before the fixtures that make users, so their hashes carry it too."""
    from argon2 import PasswordHasher

    with _password_hasher(PasswordHasher()):
        yield


@contextmanager
def _password_hasher(hasher: Any) -> Iterator[None]:
    from callvault.identity import passwords

    real = passwords._hasher
    passwords._hasher = hasher
    passwords._new_dummy_hash.cache_clear()  # made by the hasher in use: its cost with it
    try:
        yield
    finally:
        passwords._hasher = real
        passwords._new_dummy_hash.cache_clear()

"""Shared fixtures (registered by the root conftest): an initialised vault with two
tenants, the app on it, a client, and a token factory."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from callvault.cli.vault import open_keyring
from callvault.identity.tokens import create_token
from callvault.instance import add_tenant, initialise
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from callvault.web.app import create_app
from tests import _postgres
from tests._baa import insert_clinic_agreement
from tests.conftest import _postgresql_server, copy_sqlite

TENANT_A = "clinic-a"
TENANT_B = "clinic-b"

TokenFactory = Callable[..., dict[str, str]]


# The apps tests make write PHI reads' audit events from a thread: the production
# default, a child process per app, cost each test 80-280 ms to start and stop. The
# process writer is tested where it is the subject (tests/audit/test_groupcommit.py,
# tests/web/test_health.py) and runs in every server a test starts as its own process.
TEST_ENVIRON = {"CALLVAULT_AUDIT_WRITER": "thread"}


@pytest.fixture
def settings(tmp_path: Path, migrated_database_url: str) -> Settings:
    return load_settings(tmp_path / "data", migrated_database_url, environ=TEST_ENVIRON)


@dataclass(frozen=True)
class VaultTemplate:
    data_dir: Path
    database: str  # an SQLite file, or a PostgreSQL database name


@pytest.fixture(scope="session")
def _vault_template(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    db_backend: str,
    _schema_template: str,
) -> Iterator[VaultTemplate]:
    """A vault initialised once per run (its root key, both tenants and their keys):
    each test's ``vault`` is a copy, as initialising costs more than most tests do."""
    root = tmp_path_factory.mktemp("vault")
    server = _postgresql_server(request) if db_backend == "postgresql" else None
    if server is None:
        database = str(root / "callvault.db")
        copy_sqlite(_schema_template, database)
        url = f"sqlite:///{database}"
    else:  # named like the schema template: not a test's database
        database = _postgres.create_database(server, template=_schema_template, prefix="schema_")
        url = server.url(database)
    settings = load_settings(root / "data", url, environ={})
    initialise(settings, TENANT_A)
    add_tenant(settings, TENANT_B)
    for tenant in (TENANT_A, TENANT_B):  # their PHI gates open
        insert_clinic_agreement(settings, tenant)
    yield VaultTemplate(settings.data_dir, database)
    if server is not None:
        _postgres.drop_database(server, database)


@contextmanager
def copied_vault(
    request: pytest.FixtureRequest, base: VaultTemplate, root: Path
) -> Iterator[tuple[Settings, str]]:
    """A copy of ``base`` under ``root`` for a module's use: its settings and its
    database (an SQLite file, or a PostgreSQL database dropped afterwards)."""
    shutil.copytree(base.data_dir, root / "data")
    postgresql = request.getfixturevalue("db_backend") == "postgresql"
    server = _postgresql_server(request) if postgresql else None
    if server is None:
        database = str(root / "callvault.db")
        copy_sqlite(base.database, database)
        url = f"sqlite:///{database}"
    else:
        database = _postgres.create_database(server, template=base.database, prefix="schema_")
        url = server.url(database)
    yield load_settings(root / "data", url, environ=TEST_ENVIRON), database
    if server is not None:
        _postgres.drop_database(server, database)


@contextmanager
def seeding_client(settings: Settings) -> Iterator[TestClient]:
    """A client on an app over ``settings`` for seeding a template, its engine disposed
    afterwards: a PostgreSQL template database takes no connections."""
    app = create_app(settings)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client
    finally:
        app.state.resources.engine.dispose()


@contextmanager
def derived_vault_template(
    request: pytest.FixtureRequest,
    base: VaultTemplate,
    root: Path,
    seed: Callable[[Settings], None],
) -> Iterator[VaultTemplate]:
    """A copy of ``base`` with ``seed`` run on it once, for a module whose every test
    needs the same costly objects: the module overrides ``_vault_template`` with it, and
    each test's ``vault`` is then a copy of it."""
    with copied_vault(request, base, root) as (settings, database):
        seed(settings)
        yield VaultTemplate(settings.data_dir, database)


@pytest.fixture
def vault(settings: Settings, _vault_template: VaultTemplate) -> Settings:
    """``settings`` made an initialised vault with tenants ``clinic-a`` and ``clinic-b``:
    the run's template copied into its places (its database is already a copy:
    ``migrated_database_url`` makes it from the template when a test uses ``vault``)."""
    shutil.copytree(_vault_template.data_dir, settings.data_dir)
    return settings


@pytest.fixture
def app(vault: Settings) -> FastAPI:
    # The app runs no background jobs (they have a process of their own), so nothing
    # races a test's reads, row snapshots and audit counts: tests that need the jobs
    # run them (tests/pipeline) or run the loop beside the app (``jobs_running``).
    return create_app(vault)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def token_headers(settings: Settings, tenant: str, role: str) -> dict[str, str]:
    """Authorization headers for a new token of ``role`` in ``tenant``."""
    with open_keyring(settings) as (session, _):
        token = create_token(session, get_tenant(session, tenant).id, role)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(vault: Settings) -> TokenFactory:
    """``auth("supervisor")`` -> Authorization headers for a new token of that role."""

    def make(role: str = "supervisor", tenant: str = TENANT_A) -> dict[str, str]:
        return token_headers(vault, tenant, role)

    return make

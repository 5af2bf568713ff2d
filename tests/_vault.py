"""Shared fixtures (registered by the root conftest): an initialised vault with two
tenants, the app on it, a client, and a token factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from callvault.identity.tokens import create_token
from callvault.instance import add_tenant, initialise, open_keyring
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant
from callvault.web.app import create_app

TENANT_A = "clinic-a"
TENANT_B = "clinic-b"

TokenFactory = Callable[..., dict[str, str]]


@pytest.fixture
def settings(tmp_path: Path, migrated_database_url: str) -> Settings:
    return load_settings(tmp_path / "data", migrated_database_url, environ={})


@pytest.fixture
def vault(settings: Settings) -> Settings:
    initialise(settings, TENANT_A)
    add_tenant(settings, TENANT_B)
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


@pytest.fixture
def auth(vault: Settings) -> TokenFactory:
    """``auth("supervisor")`` -> Authorization headers for a new token of that role."""

    def make(role: str = "supervisor", tenant: str = TENANT_A) -> dict[str, str]:
        with open_keyring(vault) as (session, _):
            token = create_token(session, get_tenant(session, tenant).id, role)
            session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make

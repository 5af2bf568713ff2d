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
def settings(tmp_path: Path, database_url: str) -> Settings:
    return load_settings(tmp_path / "data", database_url, environ={})


@pytest.fixture
def vault(settings: Settings) -> Settings:
    initialise(settings, TENANT_A)
    add_tenant(settings, TENANT_B)
    return settings


@pytest.fixture
def app(vault: Settings, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    # The server's recording pipeline (callvault.pipeline) would process uploads on its
    # own thread and race a test's reads, row snapshots and audit counts: tests run
    # jobs themselves (tests/pipeline), and tests/pipeline/test_jobs.py runs the server's.
    monkeypatch.setattr("callvault.web.app.server_pipeline", _no_pipeline)
    return create_app(vault)


def _no_pipeline(*_: object) -> Callable[[object], bool]:
    return lambda _session: False


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

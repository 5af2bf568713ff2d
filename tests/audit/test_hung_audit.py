"""A hung audit store becomes a 503 within seconds, never a hung request and never an
answer without its entry (RELIABILITY F7)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from callvault.db.base import LOCK_TIMEOUT_MS
from callvault.settings import Settings
from tests._vault import TENANT_A, TokenFactory
from tests.audit._log import raw_database, tenant_id
from tests.calls.factories import call_payload


def hold_log_head(holder: Connection, vault: Settings, tenant: str) -> None:
    """Another party holds the log head (on SQLite: the whole write lock)."""
    if vault.is_sqlite:
        holder.execute(
            text("UPDATE audit_logs SET size = size WHERE tenant_id = :t"), {"t": tenant}
        )
    else:
        holder.execute(
            text("SELECT 1 FROM audit_logs WHERE tenant_id = :t FOR UPDATE"), {"t": tenant}
        )


def test_a_write_waiting_on_a_locked_audit_log_fails_with_503_in_time(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    headers = auth("integration")
    tenant = tenant_id(vault, TENANT_A)
    with raw_database(vault) as holder:
        hold_log_head(holder, vault, tenant)
        started = time.monotonic()
        response = client.post("/api/v1/calls", json=call_payload(), headers=headers)
        waited = time.monotonic() - started
    assert response.status_code == 503
    assert waited < LOCK_TIMEOUT_MS / 1000 + 3
    assert client.post("/api/v1/calls", json=call_payload(), headers=headers).status_code == 201


def _two_worker_threads() -> None:
    anyio.to_thread.current_default_thread_limiter().total_tokens = 2


@pytest.mark.postgresql_only  # on SQLite every transaction, reads too, waits for the lock
def test_reads_waiting_for_a_hung_audit_log_hold_no_worker_thread(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    created = client.post("/api/v1/calls", json=call_payload(), headers=auth("integration"))
    url = f"/api/v1/calls/{created.json()['id']}"
    headers = auth("supervisor")
    assert client.get(url, headers=headers).status_code == 200  # the token's use is noted
    # One worker thread for the background jobs (which wait on the log too), one for
    # requests: a read that held its thread until the audit log answered would make the
    # next read queue behind it, and three reads would take three timeouts.
    assert client.portal is not None
    client.portal.call(_two_worker_threads)
    with raw_database(vault) as holder, ThreadPoolExecutor(3) as pool:
        hold_log_head(holder, vault, tenant_id(vault, TENANT_A))
        started = time.monotonic()
        responses = list(pool.map(lambda _: client.get(url, headers=headers), range(3)))
        waited = time.monotonic() - started
    assert [r.status_code for r in responses] == [503, 503, 503]
    assert all("caller" not in r.text for r in responses)
    assert waited < LOCK_TIMEOUT_MS / 1000 + 3
    assert client.get(url, headers=headers).status_code == 200

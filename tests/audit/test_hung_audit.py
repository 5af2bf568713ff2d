"""A hung audit store becomes a 503 within seconds, never a hung request and never an
answer without its entry (RELIABILITY F7)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import text

from callvault.db.base import LOCK_TIMEOUT_MS
from callvault.settings import Settings
from tests._vault import TENANT_A, TokenFactory
from tests.audit._log import raw_database, tenant_id
from tests.calls.factories import call_payload


def test_a_write_waiting_on_a_locked_audit_log_fails_with_503_in_time(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    headers = auth("integration")
    tenant = tenant_id(vault, TENANT_A)
    with raw_database(vault) as holder:
        # Another party holds the log head (on SQLite: the whole write lock).
        if vault.is_sqlite:
            holder.execute(
                text("UPDATE audit_logs SET size = size WHERE tenant_id = :t"), {"t": tenant}
            )
        else:
            holder.execute(
                text("SELECT 1 FROM audit_logs WHERE tenant_id = :t FOR UPDATE"), {"t": tenant}
            )
        started = time.monotonic()
        response = client.post("/api/v1/calls", json=call_payload(), headers=headers)
        waited = time.monotonic() - started
    assert response.status_code == 503
    assert waited < LOCK_TIMEOUT_MS / 1000 + 3
    assert client.post("/api/v1/calls", json=call_payload(), headers=headers).status_code == 201

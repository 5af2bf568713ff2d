"""Helpers for the lifecycle tests: calls with objects, policies set as the operator
would, sweeps at a chosen moment, and what the audit log holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.context import ServiceContext
from callvault.audit.models import AuditEvent
from callvault.audit.runtime import AuditRuntime
from callvault.blobs.factory import create_blob_store
from callvault.cli.options import CLI_REQUEST, cli_principal
from callvault.cli.vault import open_keyring
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.db.base import create_db_engine, create_session_factory
from callvault.lifecycle.exports_build import ExportBuilder
from callvault.lifecycle.retention import RetentionService, parse_periods
from callvault.lifecycle.sweep import Sweeper, SweepReport
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TokenFactory
from tests.calls.factories import call_payload, wav_bytes

OLD = "2026-01-05T09:00:00Z"  # 60 days before AS_OF
RECENT = "2026-03-01T09:00:00Z"  # 5 days before AS_OF
AS_OF = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
TRANSCRIPT_CANARY = "canary-transcript-b41d"


def make_call(
    client: TestClient,
    auth: TokenFactory,
    started_at: str,
    *,
    recording: bool = True,
    transcript: bool = True,
    **fields: Any,
) -> str:
    ingest = auth("integration")
    payload = call_payload(started_at=started_at, ended_at=started_at, **fields)
    answer = client.post("/api/v1/calls", json=payload, headers=ingest)
    assert answer.status_code == 201, answer.text
    call_id: str = answer.json()["id"]
    if recording:
        put = client.put(
            f"/api/v1/calls/{call_id}/recording",
            content=wav_bytes(0.2),
            headers=ingest | {"Content-Type": "audio/wav"},
        )
        assert put.status_code == 204, put.text
    if transcript:
        text = {"text": f"synthetic follow-up {TRANSCRIPT_CANARY}"}
        put = client.put(f"/api/v1/calls/{call_id}/transcript", json=text, headers=ingest)
        assert put.status_code == 204, put.text
    return call_id


def set_policy(settings: Settings, tenant: str = TENANT_A, **periods: int | None) -> None:
    """As ``callvault retention set`` does: applied at once, audited as the CLI actor."""
    with open_keyring(settings) as (session, keyring):
        tenant_id = get_tenant(session, tenant).id
        ctx = ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
        RetentionService(ctx).set_directly(parse_periods(periods))


def sweeper(settings: Settings, batch: int = 200) -> Sweeper:
    root = LocalKeyFileProvider(settings.root_key_path)
    engine = create_db_engine(settings.database_url)
    info = AuditRuntime.for_settings(settings, root).session_info()
    return Sweeper(create_session_factory(engine, info), root, create_blob_store(settings), batch)


def sweep(settings: Settings, *, dry_run: bool = False, as_of: datetime = AS_OF) -> SweepReport:
    return sweeper(settings).run(as_of, dry_run=dry_run)


def events(settings: Settings, action: str) -> list[AuditEvent]:
    with open_keyring(settings) as (session, _):
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        return list(rows)


def certificates(settings: Settings, action: str = "retention:shred") -> list[dict[str, Any]]:
    return [
        json.loads(e.reason or "{}") | {"call": e.resource_id} for e in events(settings, action)
    ]


def build_exports(settings: Settings) -> None:
    """One run of the jobs process's export job: approved exports built, spent ones
    shredded."""
    root = LocalKeyFileProvider(settings.root_key_path)
    info = AuditRuntime.for_settings(settings, root).session_info()
    engine = create_db_engine(settings.database_url)
    job = ExportBuilder(create_session_factory(engine, info), root, create_blob_store(settings))
    try:
        with job.sessions() as session:
            job(session)
    finally:
        engine.dispose()

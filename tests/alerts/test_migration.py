"""Migration 0004 on a vault that already has an audit trail: the watcher starts at the
end of each existing log (no alerts about history), and the migration goes down and up."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from callvault.alerts.models import AlertCursor
from callvault.cli.vault import open_keyring
from callvault.db.migrate import downgrade, upgrade
from tests.alerts.conftest import alerts, emit, watch
from tests.db._old_vault import vault_at


def test_existing_logs_are_watched_from_their_end_and_the_migration_reverses(
    tmp_path: Path, database_url: str
) -> None:
    with vault_at(tmp_path, database_url, "0003") as (settings, engine, tenant):
        emit(settings, tenant, "reader-1", "recording:play", count=120, actor_type="token")

        upgrade(engine, "0004")
        with open_keyring(settings) as (session, _):
            assert session.get_one(AlertCursor, tenant).next_seq == 120
        assert watch(settings) == 0  # 120 reads in a minute, but before the upgrade
        assert alerts(settings) == []
        emit(settings, tenant, "writer-1", "call:create", count=3, actor_type="token")
        assert watch(settings) == 3

        downgrade(engine, "0003")
        tables = set(inspect(engine).get_table_names())
        assert not {t for t in tables if t.startswith("audit_alert")}
        assert "family_name" not in {c["name"] for c in inspect(engine).get_columns("users")}
        upgrade(engine, "0004")
        assert "audit_alerts" in inspect(engine).get_table_names()

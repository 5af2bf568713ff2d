"""Migration 0010 on a vault whose calls carry free-text campaigns: one campaign row per
distinct tenant and text, every such call linked to it; and the way down and up."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from callvault.db.base import new_id
from callvault.db.migrate import downgrade, upgrade
from tests.db._old_vault import vault_at


def _insert_call(engine: Engine, tenant: str, campaign: str | None) -> str:
    call_id = new_id()
    moment = datetime(2026, 3, 2, 14, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO calls (id, tenant_id, caller_number_enc, caller_number_index,"
                " called_number, tracking_number, started_at, ended_at, direction, campaign,"
                " created_at) VALUES (:id, :tenant, :enc, :index, '+12025550100',"
                " '+12025550111', :moment, :moment, 'inbound', :campaign, :moment)"
            ),
            {
                "id": call_id,
                "tenant": tenant,
                "enc": b"synthetic",
                "index": "i" * 64,
                "moment": moment,
                "campaign": campaign,
            },
        )
    return call_id


def test_free_text_campaigns_become_campaign_rows_and_calls_point_at_them(
    tmp_path: Path, database_url: str
) -> None:
    with vault_at(tmp_path, database_url, "0009") as (_, engine, tenant):
        spring = [_insert_call(engine, tenant, "spring-checkups") for _ in range(2)]
        flu = _insert_call(engine, tenant, "flu-shots")
        none = _insert_call(engine, tenant, None)

        upgrade(engine, "0010")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT name, id FROM campaigns"))
            campaigns = {name: campaign_id for name, campaign_id in rows}
            rows = connection.execute(text("SELECT id, campaign_id FROM calls"))
            links = {call_id: campaign_id for call_id, campaign_id in rows}
            kept = connection.execute(
                text("SELECT campaign FROM calls WHERE id = :id"), {"id": flu}
            )
            assert kept.scalar_one() == "flu-shots"  # the text stays, for reports and exports
        assert sorted(campaigns) == ["flu-shots", "spring-checkups"]
        assert [links[c] for c in spring] == [campaigns["spring-checkups"]] * 2
        assert links[flu] == campaigns["flu-shots"]
        assert links[none] is None

        downgrade(engine, "0009")
        assert "campaigns" not in inspect(engine).get_table_names()
        assert "campaign_id" not in {c["name"] for c in inspect(engine).get_columns("calls")}
        upgrade(engine, "0010")
        assert "tracking_numbers" in inspect(engine).get_table_names()


def test_0014_adds_the_dni_tables_and_the_call_column_and_goes_back(
    tmp_path: Path, database_url: str
) -> None:
    """Migration 0014: the DNI tables and ``calls.dni_session_id`` (empty for the calls
    already there); down and up again, the calls untouched."""
    with vault_at(tmp_path, database_url, "0013") as (_, engine, tenant):
        call_id = _insert_call(engine, tenant, "spring-checkups")
        upgrade(engine, "0014")
        assert {"dni_settings", "dni_sessions"} <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            linked = connection.execute(
                text("SELECT dni_session_id FROM calls WHERE id = :id"), {"id": call_id}
            )
            assert linked.scalar_one() is None

        downgrade(engine, "0013")
        assert "dni_sessions" not in inspect(engine).get_table_names()
        assert "dni_session_id" not in {c["name"] for c in inspect(engine).get_columns("calls")}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM calls")).scalar_one() == 1
        upgrade(engine, "0014")
        assert "dni_settings" in inspect(engine).get_table_names()


def test_0016_adds_the_conversion_tables_and_goes_back(tmp_path: Path, database_url: str) -> None:
    """Migration 0016: the conversion destinations and their ledger; down and up again,
    the calls untouched."""
    tables = {"conversion_destinations", "conversion_sends"}
    with vault_at(tmp_path, database_url, "0015") as (_, engine, tenant):
        _insert_call(engine, tenant, "spring-checkups")
        upgrade(engine, "0016")
        assert tables <= set(inspect(engine).get_table_names())
        downgrade(engine, "0015")
        assert not tables & set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM calls")).scalar_one() == 1
        upgrade(engine, "0016")
        assert tables <= set(inspect(engine).get_table_names())

"""``callvault import asterisk``: a Master.csv fixture of twelve synthetic lines (four
of them bad: lines 5, 7, 8 and 10), MixMonitor recordings made at test time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from callvault.audit.models import AuditEvent
from callvault.calls.models import Call, StoredObject
from callvault.cli.main import app
from callvault.cli.vault import open_keyring
from callvault.integrations.pbx_models import PbxImport
from callvault.jobs.models import RecordingJob
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._phi import shows_a_number
from tests._vault import TENANT_A, TENANT_B
from tests.calls.factories import wav_bytes

FIXTURES = Path(__file__).parent / "fixtures"
MASTER_CSV = FIXTURES / "Master.csv"
BAD_LINES = (5, 7, 8, 10)

runner = CliRunner()


def run_import(vault: Settings, *extra: str, tenant: str = TENANT_A) -> tuple[int, str, str]:
    args = ["import", "asterisk", "--tenant", tenant, "--data-dir", str(vault.data_dir)]
    args += ["--database-url", vault.database_url, *extra]
    result = runner.invoke(app, args, env={})
    return result.exit_code, result.stdout, result.stderr


def counts(vault: Settings, tenant: str = TENANT_A) -> dict[str, int]:
    with open_keyring(vault) as (session, _):
        tenant_id = get_tenant(session, tenant).id

        def count(model: type, *where: object) -> int:
            stmt = select(func.count()).select_from(model).where(model.tenant_id == tenant_id)
            return session.scalar(stmt.where(*where)) or 0

        return {
            "calls": count(Call),
            "markers": count(PbxImport),
            "recordings": count(StoredObject, StoredObject.kind == "recording_orig"),
            "jobs": count(RecordingJob),
            "creates": count(AuditEvent, AuditEvent.action == "call:create"),
        }


@pytest.fixture
def recordings(tmp_path: Path) -> Path:
    """MixMonitor files for lines 1 and 6, and one for line 9 that is not audio."""
    folder = tmp_path / "monitor" / "2026" / "12" / "01"
    folder.mkdir(parents=True)
    (folder / "in-2025550111-20261201-100000-1764583200.1.wav").write_bytes(wav_bytes(0.2))
    (folder / "in-2025550111-20261201-110000-1764586800.6.wav").write_bytes(wav_bytes(0.3))
    (folder / "in-2025550113-20261201-113000-1764588600.9.wav").write_bytes(b"not audio" * 10)
    return tmp_path / "monitor"


def test_import_creates_a_call_per_good_line_and_reports_bad_lines_by_number(
    vault: Settings,
) -> None:
    code, out, err = run_import(vault, "--cdr", str(MASTER_CSV))
    assert code == 0, err
    assert out.strip() == ("imported 8, skipped 4, already imported 0; recordings attached 0")
    reported = [line for line in err.splitlines() if line.startswith("line ")]
    assert [int(line.split(":")[0].split()[1]) for line in reported] == list(BAD_LINES)
    assert "columns" in reported[0] and "start" in reported[1]
    assert "src is not a phone number" in reported[2] and "disposition" in reported[3]
    assert not shows_a_number(err) and "Synthetic" not in err  # never a line's content
    got = counts(vault)
    assert got["calls"] == got["markers"] == got["creates"] == 8
    assert counts(vault, TENANT_B)["calls"] == 0


def test_calls_carry_the_cdr_numbers_times_and_disposition(vault: Settings) -> None:
    run_import(vault, "--cdr", str(MASTER_CSV), "--timezone", "America/New_York")
    with open_keyring(vault) as (session, _):
        calls = session.scalars(select(Call).order_by(Call.started_at)).all()
        first = calls[0]
        assert first.tracking_number == first.called_number == "+12025550111"
        # 10:00 on the server (New York, EST) is 15:00 UTC.
        assert first.started_at == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
        assert first.ended_at == datetime(2026, 12, 1, 15, 4, 30, tzinfo=UTC)
        assert [c.disposition for c in calls[:4]] == ["answered", "no_answer", "busy", "failed"]
        assert {c.direction for c in calls} == {"inbound"}
        assert first.caller_number_enc is not None and b"5550147" not in first.caller_number_enc


def test_a_rerun_imports_nothing_twice(vault: Settings, recordings: Path) -> None:
    first = run_import(vault, "--cdr", str(MASTER_CSV), "--recordings", str(recordings))
    assert first[0] == 0
    code, out, err = run_import(vault, "--cdr", str(MASTER_CSV), "--recordings", str(recordings))
    assert code == 0, err
    assert out.strip() == "imported 0, skipped 4, already imported 8; recordings attached 0"
    assert counts(vault) == {"calls": 8, "markers": 8, "recordings": 2, "jobs": 2, "creates": 8}


def test_a_file_that_grew_imports_only_its_new_lines(vault: Settings, tmp_path: Path) -> None:
    lines = MASTER_CSV.read_text().splitlines(keepends=True)
    partial = tmp_path / "Master.csv"
    partial.write_text("".join(lines[:4]))
    assert run_import(vault, "--cdr", str(partial))[1].startswith("imported 4, skipped 0")
    partial.write_text("".join(lines))
    code, out, _ = run_import(vault, "--cdr", str(partial))
    assert code == 0
    assert out.startswith("imported 4, skipped 4, already imported 4")
    assert counts(vault)["calls"] == 8


def test_recordings_are_attached_by_uniqueid_and_queued(vault: Settings, recordings: Path) -> None:
    code, out, err = run_import(vault, "--cdr", str(MASTER_CSV), "--recordings", str(recordings))
    assert code == 0, err
    assert out.strip().endswith("recordings attached 2")
    assert "line 9: recording not attached: the recording is not WAV, MP3 or Ogg audio" in err
    got = counts(vault)
    assert got["recordings"] == got["jobs"] == 2
    with open_keyring(vault) as (session, _):
        with_recording = session.scalars(
            select(PbxImport.external_id)
            .join(StoredObject, StoredObject.call_id == PbxImport.call_id)
            .where(StoredObject.kind == "recording_orig")
        ).all()
        # 1764583200.1's file is not 1764590400.12's: the whole last part must match.
        assert sorted(with_recording) == ["1764583200.1", "1764586800.6"]
    stored = [p.read_bytes() for p in vault.data_dir.rglob("*") if p.is_file()]
    assert not any(b"RIFF" in data for data in stored)  # encrypted at rest


def test_a_rerun_attaches_the_recordings_a_first_run_did_not(
    vault: Settings, recordings: Path
) -> None:
    run_import(vault, "--cdr", str(MASTER_CSV))
    assert counts(vault)["recordings"] == 0
    code, out, _ = run_import(vault, "--cdr", str(MASTER_CSV), "--recordings", str(recordings))
    assert code == 0
    assert out.strip() == "imported 0, skipped 4, already imported 8; recordings attached 2"
    assert counts(vault)["jobs"] == 2


def test_lines_without_uniqueid_are_known_by_a_keyed_hash(vault: Settings) -> None:
    run_import(vault, "--cdr", str(MASTER_CSV))
    with open_keyring(vault) as (session, _):
        hashed = session.scalars(
            select(PbxImport.external_id).where(PbxImport.external_id.like("row:%"))
        ).all()
    # Nothing of the line shows through (a short string like "555" would turn up in a
    # random hash now and then: the whole number cannot).
    assert len(hashed) == 1
    assert not any(part in hashed[0] for part in ("2025550", "Synthetic", "PJSIP", "trunk"))


@pytest.mark.parametrize(
    ("extra", "tenant", "message"),
    [
        (["--cdr", "/nonexistent/Master.csv"], TENANT_A, "cannot read"),
        (["--cdr", str(MASTER_CSV)], "no-such-clinic", "no such tenant"),
        (["--cdr", str(MASTER_CSV), "--timezone", "Mars/Olympus"], TENANT_A, "time zone"),
        (["--cdr", str(MASTER_CSV), "--recordings", "/nonexistent"], TENANT_A, "directory"),
    ],
)
def test_what_stops_an_import_fails_it(
    vault: Settings, extra: list[str], tenant: str, message: str
) -> None:
    code, _, err = run_import(vault, *extra, tenant=tenant)
    assert code != 0
    assert message in err
    assert counts(vault)["calls"] == 0

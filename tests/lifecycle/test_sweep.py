"""The retention sweep: expired data crypto-shredded with a deletion certificate each,
recent data and held data kept, a dry run changing nothing, and the CLI's contract."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callvault.calls.models import Call, StoredObject
from callvault.cli.main import app as cli
from callvault.cli.vault import open_keyring
from callvault.crypto.models import DataKey
from callvault.lifecycle.models import LegalHold
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TokenFactory

from ._lifecycle import (
    AS_OF,
    OLD,
    RECENT,
    certificates,
    events,
    make_call,
    set_policy,
    sweep,
)


def objects_of(settings: Settings, call_id: str) -> dict[str, StoredObject]:
    with open_keyring(settings) as (session, _):
        rows = session.scalars(select(StoredObject).where(StoredObject.call_id == call_id))
        return {row.kind: row for row in rows}


def data_key(settings: Settings, key_id: str) -> DataKey:
    with open_keyring(settings) as (session, _):
        return session.get_one(DataKey, key_id)


def database_files(settings: Settings) -> list[Path]:
    """SQLite's database file and WAL (PostgreSQL keeps old row versions until VACUUM:
    docs/lifecycle.md)."""
    if not settings.database_url.startswith("sqlite"):
        return []
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    return [p for p in (database, Path(f"{database}-wal")) if p.exists()]


def test_nothing_expires_by_default(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    call_id = make_call(client, auth, OLD)

    report = sweep(vault)

    assert report.shredded.total() == 0
    assert set(objects_of(vault, call_id)) == {"recording_orig", "transcript"}


def test_expired_objects_are_shredded_with_certificates(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    old, recent = make_call(client, auth, OLD), make_call(client, auth, RECENT)
    before = objects_of(vault, old)
    set_policy(vault, recording_original=30, transcript_redacted=30)

    report = sweep(vault)

    assert report.shredded["recording_original"] == 1
    assert report.shredded["transcript_redacted"] == 1
    assert objects_of(vault, old) == {}
    assert set(objects_of(vault, recent)) == {"recording_orig", "transcript"}
    headers = auth("supervisor")
    assert client.get(f"/api/v1/calls/{old}/transcript", headers=headers).status_code in (404, 410)
    original = client.get(f"/api/v1/calls/{old}/recording/original", headers=auth("admin"))
    assert original.status_code in (403, 404, 410)
    by_type = {c["type"]: c for c in certificates(vault)}
    for kind, data_type in (
        ("recording_orig", "recording_original"),
        ("transcript", "transcript_redacted"),
    ):
        stored = before[kind]
        certificate = by_type[data_type]
        assert certificate["call"] == old
        assert certificate["object"] == stored.id
        assert certificate["key"] == stored.data_key_id
        assert certificate["sha256"] == stored.ciphertext_sha256
        assert certificate["basis"] == f"retention {data_type}=30d"
        key = data_key(vault, stored.data_key_id)
        assert key.wrapped_dek is None and key.destroyed_at is not None
        assert not (vault.blob_dir / stored.blob_key).exists()
    assert len(events(vault, "retention:sweep")) == 1


def test_shredded_keys_and_blobs_are_gone_from_disk(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    """The destroyed DEK's wrapped bytes are in neither the database file nor its WAL,
    and the blob file is gone (SQLite's secure_delete and the WAL checkpoint)."""
    call_id = make_call(client, auth, OLD, recording=False)
    stored = objects_of(vault, call_id)["transcript"]
    wrapped = data_key(vault, stored.data_key_id).wrapped_dek
    assert wrapped is not None
    set_policy(vault, transcript_redacted=30)

    sweep(vault)

    for path in database_files(vault):
        assert wrapped not in path.read_bytes(), path.name
    assert not any(vault.blob_dir.rglob(stored.id))


def test_call_phi_shredded_keeps_the_metadata(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    call_id = make_call(client, auth, OLD, recording=False, transcript=False)
    with open_keyring(vault) as (session, _):
        call = session.get_one(Call, call_id)
        ciphertexts = [call.caller_number_enc, call.caller_name_enc, call.notes_enc]
    set_policy(vault, call_phi=30)

    report = sweep(vault)

    assert report.shredded["call_phi"] == 1
    body = client.get(f"/api/v1/calls/{call_id}", headers=auth("supervisor")).json()
    assert body["caller_number"] == "" and body["caller_name"] is None and body["notes"] is None
    assert body["phi_shredded_at"] is not None
    assert body["campaign"] == "spring-checkups"  # kept for attribution
    search = client.get(
        "/api/v1/calls", params={"caller_number": "+12025550147"}, headers=auth("supervisor")
    )
    assert search.json()["items"] == []
    [certificate] = certificates(vault)
    assert certificate["type"] == "call_phi" and len(certificate["sha256"]) == 64
    for path in database_files(vault):
        on_disk = path.read_bytes()
        assert not any(c and c in on_disk for c in ciphertexts), path.name


def test_expired_metadata_removes_the_whole_call(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    call_id = make_call(client, auth, OLD)
    set_policy(vault, call_metadata=30)

    report = sweep(vault)

    assert report.shredded["call_metadata"] == 1
    assert report.shredded["recording_original"] == 1
    assert client.get(f"/api/v1/calls/{call_id}", headers=auth("supervisor")).status_code == 404
    kinds = sorted(c["type"] for c in certificates(vault))
    assert kinds == sorted(
        ["call_metadata", "call_phi", "recording_original", "transcript_redacted"]
    )


def test_dry_run_counts_and_changes_nothing(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    call_id = make_call(client, auth, OLD)
    set_policy(vault, recording_original=30)

    report = sweep(vault, dry_run=True)

    assert report.shredded["recording_original"] == 1
    assert "would shred 1" in report.summary()
    assert set(objects_of(vault, call_id)) == {"recording_orig", "transcript"}
    assert certificates(vault) == []


def test_a_legal_hold_keeps_expired_data_until_released(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    held, free = make_call(client, auth, OLD), make_call(client, auth, OLD, campaign="other")
    with open_keyring(vault) as (session, _):
        hold = LegalHold(
            tenant_id=get_tenant(session, TENANT_A).id,
            reason="synthetic matter",
            matter="M-1",
            owner="test",
            campaign="spring-checkups",
        )
        session.add(hold)
        session.commit()
        hold_id = hold.id
    set_policy(vault, recording_original=30)

    report = sweep(vault)

    assert report.shredded["recording_original"] == 1 and report.held["recording_original"] == 1
    assert "1 kept by legal holds" in report.summary()
    assert "recording_orig" in objects_of(vault, held)
    assert "recording_orig" not in objects_of(vault, free)

    with open_keyring(vault) as (session, _):
        session.get_one(LegalHold, hold_id).released_at = AS_OF
        session.commit()
    assert sweep(vault).shredded["recording_original"] == 1
    assert "recording_orig" not in objects_of(vault, held)


def test_cli_sweep_prints_one_line_and_exits_0(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    call_id = make_call(client, auth, OLD)
    runner = CliRunner()
    data = ["--data-dir", str(vault.data_dir), "--database-url", vault.database_url]

    set_result = runner.invoke(
        cli,
        [
            "retention",
            "set",
            "--tenant",
            TENANT_A,
            *data,
            "recording_original=30",
            "call_metadata=keep",
        ],
    )
    dry = runner.invoke(
        cli, ["retention", "sweep", *data, "--dry-run", "--as-of", AS_OF.isoformat()]
    )
    real = runner.invoke(cli, ["retention", "sweep", *data, "--as-of", "2026-03-06T12:00:00"])

    assert set_result.exit_code == 0, set_result.output
    assert (
        "recording_original=30" in set_result.output and "call_metadata=keep" in set_result.output
    )
    assert len(events(vault, "retention:set")) == 1
    assert dry.exit_code == 0 and dry.output.count("\n") == 1
    assert "would shred 1" in dry.output
    assert real.exit_code == 0 and real.output.count("\n") == 1
    assert "shredded 1 (recording_original 1)" in real.output
    assert "recording_orig" not in objects_of(vault, call_id)


def test_cli_refuses_bad_periods(vault: Settings) -> None:
    runner = CliRunner()
    data = ["--data-dir", str(vault.data_dir), "--database-url", vault.database_url]
    for bad in ("recording_original=-3", "voicemail=30", "recording_original", "audit=30"):
        result = runner.invoke(cli, ["retention", "set", "--tenant", TENANT_A, *data, bad])
        assert result.exit_code != 0, bad
    assert events(vault, "retention:set") == []
    bad_time = runner.invoke(cli, ["retention", "sweep", *data, "--as-of", "next tuesday"])
    assert bad_time.exit_code != 0

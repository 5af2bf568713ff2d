"""create -> verify -> restore on both databases: the restored directory passes
``audit verify`` and serves the same calls and transcripts; the root key never travels
with a backup; restores refuse what they must not overwrite."""

from __future__ import annotations

import base64
import dataclasses
import json
import sqlite3
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from callvault.backup.create import create_backup
from callvault.backup.errors import BackupRefused
from callvault.backup.restore import restore_backup
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.settings import load_settings
from callvault.web.app import create_app

from ._helpers import members, run_cli, vault_args
from .conftest import Filled, RestoreTarget


def test_a_backup_restores_verifies_and_serves_the_same_data(
    filled: Filled, backups: Path, restore_target: RestoreTarget
) -> None:
    backup = backups / "one.cvbak"
    code, out, err = run_cli("backup", "create", *vault_args(filled.settings), "--out", backup)
    assert (code, err) == (0, ""), err
    assert len(out.splitlines()) == 1 and out.startswith("backup ")

    code, out, _ = run_cli("backup", "verify", backup, "--root-key", filled.root_key)
    assert code == 0 and "intact" in out

    target = restore_target()
    code, out, err = run_cli(
        "backup", "restore", backup, *vault_args(target), "--root-key", filled.root_key
    )
    assert code == 0, err
    assert "audit log intact" in out
    assert stat.S_IMODE(target.root_key_path.stat().st_mode) == 0o600

    code, out, err = run_cli(
        "audit",
        "verify",
        *vault_args(target),
    )
    assert code == 0, err
    _assert_serves_the_same(filled, target.data_dir, target.database_url)


def _assert_serves_the_same(filled: Filled, data_dir: Path, database_url: str) -> None:
    restored = load_settings(data_dir, database_url, environ={})
    with TestClient(create_app(restored)) as client:
        for call_id in filled.call_ids:
            for url in (f"/api/v1/calls/{call_id}", f"/api/v1/calls/{call_id}/transcript"):
                after = client.get(url, headers=filled.reader)
                assert after.status_code == 200
                assert after.json() == filled.client.get(url, headers=filled.reader).json()
    live_blobs = sorted(
        p.relative_to(filled.settings.blob_dir) for p in _files(filled.settings.blob_dir)
    )
    assert live_blobs == sorted(p.relative_to(restored.blob_dir) for p in _files(restored.blob_dir))
    for relative in live_blobs:
        assert (restored.blob_dir / relative).read_bytes() == (
            filled.settings.blob_dir / relative
        ).read_bytes()


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and ".tmp" not in p.parts]


def test_the_backup_holds_no_root_key_and_nothing_in_clear(filled: Filled, backups: Path) -> None:
    backup = backups / "one.cvbak"
    create_backup(filled.settings, backup)

    raw = backup.read_bytes()
    document = json.loads(filled.root_key.read_bytes())
    key = base64.b64decode(document["key"])
    assert key not in raw and document["key"].encode() not in raw
    assert b"SQLite format 3" not in raw and b"Synthetic caller" not in raw
    assert "root.key" not in members(backup, filled.root_key)


def test_the_backup_holds_every_part_of_the_vault(filled: Filled, backups: Path) -> None:
    # No head is signed yet in so small a log, so no checkpoint: stand ones in.
    for directory, name in (
        (filled.settings.tls_dir, "cert.pem"),
        (filled.settings.audit_checkpoint_dir, "tenant.json"),
    ):
        directory.mkdir(exist_ok=True)
        (directory / name).write_text("synthetic\n")
    backup = backups / "one.cvbak"
    create_backup(filled.settings, backup)

    tops = {path.split("/")[0] for path in members(backup, filled.root_key)}

    assert tops == {"audit-checkpoints", "database", "blobs", "tls", "MANIFEST.json"}


def test_a_wrong_root_key_is_refused_by_verify_and_restore(
    filled: Filled, backups: Path, tmp_path: Path, restore_target: RestoreTarget
) -> None:
    backup = backups / "one.cvbak"
    create_backup(filled.settings, backup)
    other = tmp_path / "other.key"
    LocalKeyFileProvider.create(other)
    target = restore_target()

    verify = run_cli("backup", "verify", backup, "--root-key", other)
    restore = run_cli("backup", "restore", backup, *vault_args(target), "--root-key", other)

    for code, out, err in (verify, restore):
        assert code == 1 and out == ""
        assert err.startswith("error: the backup was made under root key ")
        assert len(err.splitlines()) == 1
    assert not target.data_dir.exists()


def test_a_restore_into_a_non_empty_directory_writes_nothing(
    filled: Filled, backups: Path, restore_target: RestoreTarget
) -> None:
    backup = backups / "one.cvbak"
    create_backup(filled.settings, backup)
    target = restore_target()
    target.data_dir.mkdir()
    (target.data_dir / "keep.txt").write_text("mine\n")

    code, _, err = run_cli(
        "backup", "restore", backup, *vault_args(target), "--root-key", filled.root_key
    )

    assert code == 2 and err == "error: the target data directory is not empty\n"
    assert [p.name for p in target.data_dir.iterdir()] == ["keep.txt"]


@pytest.mark.postgresql_only
def test_a_restore_into_a_database_that_holds_tables_is_refused(
    filled: Filled, backups: Path, restore_target: RestoreTarget
) -> None:
    backup = backups / "one.cvbak"
    create_backup(filled.settings, backup)
    target = restore_target()
    restore_backup(target, backup, filled.root_key)
    again = dataclasses.replace(target, data_dir=target.data_dir.with_name("again"))

    with pytest.raises(BackupRefused, match="database is not empty"):
        restore_backup(again, backup, filled.root_key)
    assert not again.data_dir.exists()


@pytest.mark.sqlite_only
def test_rows_still_only_in_the_wal_are_in_the_backup(
    filled: Filled, backups: Path, restore_target: RestoreTarget
) -> None:
    database = Path(filled.settings.database_url.removeprefix("sqlite:///"))
    assert database.with_name(database.name + "-wal").stat().st_size > 0  # app still open
    backup = backups / "one.cvbak"
    create_backup(filled.settings, backup)
    target = restore_target()

    restore_backup(target, backup, filled.root_key)

    with sqlite3.connect(target.data_dir / "callvault.db") as connection:
        (count,) = connection.execute("SELECT count(*) FROM calls").fetchone()
    assert count == len(filled.call_ids)


def test_blobs_in_s3_are_refused_with_the_reason(filled: Filled, backups: Path) -> None:
    in_s3 = dataclasses.replace(filled.settings, blob_store="s3")

    with pytest.raises(BackupRefused, match="versioning and replication"):
        create_backup(in_s3, backups / "one.cvbak")
    assert list(backups.iterdir()) == []


def test_a_backup_does_not_overwrite_a_file(filled: Filled, backups: Path) -> None:
    (backups / "one.cvbak").write_text("older\n")

    code, _, err = run_cli(
        "backup", "create", *vault_args(filled.settings), "--out", backups / "one.cvbak"
    )

    assert code == 2 and err == "error: the output file exists already\n"

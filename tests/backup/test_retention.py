"""Crypto-shredding and the backup-retention window, with a synthetic canary.

A transcript holding the canary is backed up, then shredded in the live vault (a
replacement transcript destroys its data key and deletes its blob). A new backup holds
neither; the old backup still does, until ``prune`` removes it after its window, after
which nothing under the backup directory yields the canary."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.backup.create import create_backup
from callvault.backup.restore import restore_backup
from callvault.calls.models import StoredObject
from callvault.cli.vault import open_keyring
from callvault.crypto.models import DataKey
from callvault.settings import Settings
from callvault.web.app import create_app

from ._helpers import members, run_cli
from .conftest import Filled, RestoreTarget

CANARY = "canary-synthetic-zebra-lantern-quartz"  # no real-looking PHI: a made-up token
REPLACEMENT = "Synthetic replacement transcript without the marker."
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _canary_objects(settings: Settings, call_id: str) -> list[tuple[str, bytes]]:
    """(data key id, blob ciphertext) of each object the canary call has now."""
    with open_keyring(settings) as (session, _):
        rows = session.execute(select(StoredObject).where(StoredObject.call_id == call_id))
        found = [(row.data_key_id, row.blob_key) for row in rows.scalars()]
    return [(key_id, (settings.blob_dir / blob).read_bytes()) for key_id, blob in found]


def _transcript(settings: Settings, call_id: str, headers: dict[str, str]) -> str:
    with TestClient(create_app(settings)) as client:
        response = client.get(f"/api/v1/calls/{call_id}/transcript", headers=headers)
    assert response.status_code == 200
    return str(response.json()["text"])


def _wrapped_dek(settings: Settings, key_id: str) -> bytes | None:
    with open_keyring(settings) as (session, _):
        row = session.get(DataKey, key_id)
        return None if row is None else row.wrapped_dek


def _holds_any(backup: Path, root_key: Path, needles: list[bytes]) -> bool:
    plaintexts = [inside.plaintext for inside in members(backup, root_key).values()]
    return any(needle in text for needle in needles for text in plaintexts)


def test_a_shredded_transcript_leaves_the_backup_set_when_its_last_backup_is_pruned(
    filled: Filled, backups: Path, restore_target: RestoreTarget
) -> None:
    call_id = filled.add_call(CANARY)
    shredded = _canary_objects(filled.settings, call_id)
    needles = [CANARY.encode()] + [blob for _, blob in shredded]
    old = backups / "old.cvbak"
    create_backup(filled.settings, old, created_at=NOW - timedelta(days=40))

    filled.put_transcript(call_id, REPLACEMENT)  # crypto-shreds the canary's objects
    new = backups / "new.cvbak"
    create_backup(filled.settings, new, created_at=NOW - timedelta(days=1))

    # The new backup: neither the blob nor a usable key.
    assert not _holds_any(new, filled.root_key, needles)
    from_new = restore_target()
    restore_backup(from_new, new, filled.root_key)
    assert _transcript(from_new, call_id, filled.reader) == REPLACEMENT
    assert all(_wrapped_dek(from_new, key_id) is None for key_id, _ in shredded)

    # The old one still holds the canary, readable with the root key.
    assert _holds_any(old, filled.root_key, needles)
    from_old = restore_target()
    restore_backup(from_old, old, filled.root_key)
    assert _transcript(from_old, call_id, filled.reader) == CANARY

    code, out, err = run_cli("backup", "prune", backups, "--keep-days", "35",
                             "--as-of", NOW.isoformat(), "--root-key", filled.root_key)  # fmt: skip

    assert code == 0, err
    assert out.splitlines() == [f"removed {old}", "pruned 1 backup(s) older than 35 days; kept 1"]
    assert sorted(backups.iterdir()) == [new]
    assert not any(_holds_any(path, filled.root_key, needles) for path in backups.iterdir())


def test_prune_goes_by_the_authenticated_time_not_the_file_time(
    filled: Filled, backups: Path
) -> None:
    recent = backups / "recent.cvbak"
    create_backup(filled.settings, recent, created_at=NOW - timedelta(days=2))
    old_mtime = (NOW - timedelta(days=400)).timestamp()
    os.utime(recent, (old_mtime, old_mtime))  # a copy or touch changes this; it must not count
    (backups / "notes.txt").write_text("not a backup\n")

    code, out, _ = run_cli("backup", "prune", backups, "--as-of", NOW.isoformat(),
                           "--root-key", filled.root_key)  # fmt: skip

    assert code == 0 and out == "pruned 0 backup(s) older than 35 days; kept 1\n"
    assert sorted(p.name for p in backups.iterdir()) == ["notes.txt", "recent.cvbak"]


def test_prune_keeps_and_reports_a_backup_that_does_not_authenticate(
    filled: Filled, backups: Path
) -> None:
    old = backups / "old.cvbak"
    create_backup(filled.settings, old, created_at=NOW - timedelta(days=2))
    raw = old.read_bytes()
    # Made to look old enough to prune: the wrap no longer opens, so it stays.
    old.write_bytes(raw.replace(b'"created_at": "2026', b'"created_at": "1999', 1))

    code, _, err = run_cli("backup", "prune", backups, "--as-of", NOW.isoformat(),
                             "--root-key", filled.root_key)  # fmt: skip

    assert code == 1 and old.exists()
    assert err == f"kept {old}: it does not authenticate under this root key\n"

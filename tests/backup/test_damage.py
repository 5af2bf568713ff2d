"""A damaged backup fails ``verify`` naming the part that failed: the header, a member,
the manifest, or where a truncated file ends."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from callvault.backup.archive import MAGIC, ArchiveWriter, BackupHeader, seal_header
from callvault.backup.create import create_backup
from callvault.backup.errors import BackupDamaged
from callvault.backup.read import read_backup
from callvault.backup.restore import restore_backup
from callvault.crypto import aead
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.settings import load_settings

from ._helpers import flip_byte, members, run_cli
from .conftest import Filled


@pytest.fixture
def backup(filled: Filled, backups: Path) -> Path:
    path = backups / "one.cvbak"
    create_backup(filled.settings, path)
    return path


def _verify_error(backup: Path, root_key: Path) -> str:
    code, out, err = run_cli("backup", "verify", backup, "--root-key", root_key)
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err.removeprefix("error: ").strip()


def test_a_flipped_byte_in_a_blob_names_that_member(filled: Filled, backup: Path) -> None:
    inside = members(backup, filled.root_key)
    blob = next(path for path in inside if path.startswith("blobs/"))
    flip_byte(backup, inside[blob].data + 40)

    assert (
        _verify_error(backup, filled.root_key) == f"member {blob}: failed authentication (altered)"
    )


def test_a_flipped_byte_in_the_database_snapshot_names_it(filled: Filled, backup: Path) -> None:
    inside = members(backup, filled.root_key)
    database = next(path for path in inside if path.startswith("database/"))
    flip_byte(backup, inside[database].data + 5000)

    assert _verify_error(backup, filled.root_key).startswith(f"member {database}: ")


def test_an_altered_header_is_named(filled: Filled, backup: Path) -> None:
    raw = backup.read_bytes()
    at = raw.index(b'"created_at": "') + len(b'"created_at": "')
    backup.write_bytes(raw[:at] + b"1999" + raw[at + 4 :])  # an older date: still valid JSON

    assert _verify_error(backup, filled.root_key) == "header: failed authentication (altered)"


def test_a_file_that_is_not_a_backup_is_named(filled: Filled, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("synthetic notes\n")

    assert _verify_error(other, filled.root_key) == "header: not a CallVault backup file"


def _truncated(backup: Path, size: int) -> Path:
    backup.write_bytes(backup.read_bytes()[:size])
    return backup


@pytest.mark.parametrize("where", ["inside-header", "inside-member", "before-manifest"])
def test_a_truncated_file_names_where_it_ends(filled: Filled, backup: Path, where: str) -> None:
    inside = members(backup, filled.root_key)
    paths = list(inside)
    last_member = paths[-2]  # the one before MANIFEST.json
    cut, expected = {
        "inside-header": (len(MAGIC) + 10, "header: damaged or truncated"),
        "inside-member": (
            inside[last_member].data + 10,
            f"member {last_member}: truncated: the file ends inside it",
        ),
        "before-manifest": (
            inside["MANIFEST.json"].record,
            f"manifest: missing: the file ends after {last_member} (truncated)",
        ),
    }[where]

    assert _verify_error(_truncated(backup, cut), filled.root_key) == expected


def test_bytes_after_the_manifest_are_named(filled: Filled, backup: Path) -> None:
    with backup.open("ab") as file:
        file.write(b"\x00")

    assert _verify_error(backup, filled.root_key) == (
        "end of file: unexpected bytes after the manifest"
    )


def test_every_member_checks_out_against_the_manifest(filled: Filled, backup: Path) -> None:
    summary = read_backup(backup, LocalKeyFileProvider(filled.root_key))

    assert summary.members == len(members(backup, filled.root_key)) - 1
    with pytest.raises(BackupDamaged, match=r"^header"):
        flip_byte(backup, 0)
        read_backup(backup, LocalKeyFileProvider(filled.root_key))


def test_a_member_path_outside_its_place_is_refused_and_nothing_is_written(
    filled: Filled, tmp_path: Path
) -> None:
    # A backup crafted with the root key (an insider) still cannot write outside the target.
    root = LocalKeyFileProvider(filled.root_key)
    key = aead.generate_key()
    header = BackupHeader("0" * 32, root.key_id, datetime.now(UTC).replace(microsecond=0), "sqlite")
    crafted = tmp_path / "crafted.cvbak"
    with crafted.open("wb") as file:
        writer = ArchiveWriter(file, seal_header(root, header, key), key)
        writer.add("blobs/../../escaped", 4, iter([b"evil"]))
    target = load_settings(tmp_path / "restored", environ={})

    with pytest.raises(BackupDamaged, match="has a path a restore does not write"):
        restore_backup(target, crafted, filled.root_key)

    assert not (tmp_path / "escaped").exists() and not target.data_dir.exists()

"""``callvault backup restore``: a backup into a new, empty data directory that then
runs as it is. Every check that can refuse runs before anything is written; a backup
that turns out damaged part-way leaves nothing behind."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from callvault.audit.actions import AuditAction
from callvault.backup.audit import record_for_every_tenant
from callvault.backup.errors import BackupDamaged, BackupError, BackupRefused
from callvault.backup.members import DATABASE, restore_path
from callvault.backup.read import ReadSummary, open_header, read_backup
from callvault.backup.snapshot import (
    database_kind,
    install_database,
    require_empty_database,
    sqlite_path,
)
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.settings import Settings

_STAGED_DATABASE = ".restore-database"


@dataclass(frozen=True)
class RestoreSummary:
    backup_id: str
    members: int
    bytes: int
    tenants: int
    events: int


def restore_backup(settings: Settings, backup: Path, root_key: Path) -> RestoreSummary:
    """Restore ``backup`` into ``settings.data_dir`` and its database, install the root
    key (0600), then prove the result: it opens and ``audit verify`` passes."""
    target = settings.data_dir
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupRefused("the target data directory is not empty")
    root = LocalKeyFileProvider(root_key)
    header, _ = open_header(backup, root)
    if header.database != database_kind(settings):
        raise BackupRefused(
            f"the backup holds a {header.database} database,"
            f" the target is {database_kind(settings)}"
        )
    require_empty_database(settings)
    created = not target.exists()
    try:
        summary = _write_everything(settings, backup, root_key, root)
    except BaseException:
        _remove_written(settings, created)
        raise
    verdict = _verify_restored(settings)
    record_for_every_tenant(settings, AuditAction.BACKUP_RESTORE, header.backup_id)
    return RestoreSummary(
        header.backup_id, summary.members, summary.bytes, verdict.tenants, verdict.events
    )


def _write_everything(
    settings: Settings, backup: Path, root_key: Path, root: LocalKeyFileProvider
) -> ReadSummary:
    target = settings.data_dir
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    staged = target / _STAGED_DATABASE

    def write_member(member: str, chunks: Iterable[bytes]) -> None:
        if member.startswith(DATABASE + "/"):
            _write_file(staged, chunks)
        else:
            _write_file(restore_path(target, member), chunks)

    summary = read_backup(backup, root, write_member)
    if not staged.exists():
        raise BackupError("the backup holds no database snapshot")
    install_database(settings, staged)
    staged.unlink(missing_ok=True)
    _install_root_key(root_key, settings.root_key_path)
    # One flush of everything written, not an fsync per file (hundreds of thousands of
    # small transcripts): "restored" is only printed once it is all on disk.
    os.sync()
    return summary


def _write_file(path: Path, chunks: Iterable[bytes]) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "wb") as file:
        for chunk in chunks:
            file.write(chunk)


def _install_root_key(source: Path, target: Path) -> None:
    """Copy the key file as it is (it was just loaded, so it is valid), mode 0600."""
    _write_file(target, [source.read_bytes()])
    os.chmod(target, 0o600)


def _remove_written(settings: Settings, created_target: bool) -> None:
    """Undo a failed restore: the target was empty (or absent) before it began."""
    target = settings.data_dir
    if created_target:
        shutil.rmtree(target, ignore_errors=True)
    elif target.is_dir():
        for child in target.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    if settings.is_sqlite:
        database = sqlite_path(settings)
        for suffix in ("", "-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)


def _verify_restored(settings: Settings) -> _Verified:
    from callvault.audit.cli import describe_tampering, verify_vault

    result = verify_vault(settings)
    if result.bad:
        name, verdict = result.bad[0]
        # Left in place: a backup whose audit trail does not verify is evidence.
        raise BackupDamaged("restored audit log", describe_tampering(name, verdict))
    return _Verified(result.tenants, result.events)


@dataclass(frozen=True)
class _Verified:
    tenants: int
    events: int

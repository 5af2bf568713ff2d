"""``callvault backup create``: one encrypted file holding the whole vault but its root
key (``archive.py`` for the format, ``members.py`` for what goes in, in which order)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from callvault.audit.actions import AuditAction
from callvault.backup.archive import ArchiveWriter, BackupHeader, seal_header
from callvault.backup.audit import record_for_every_tenant
from callvault.backup.errors import BackupRefused
from callvault.backup.manifest import MANIFEST_PATH, Entry, HashedChunks, encode_manifest
from callvault.backup.members import BLOBS, CHECKPOINTS, TLS, files_under, read_chunks
from callvault.backup.snapshot import database_kind, database_member, snapshot_database
from callvault.backup.status import note_backup_created
from callvault.crypto import aead
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.db.base import new_id
from callvault.fsutil import fsync_dir
from callvault.settings import Settings

S3_REFUSAL = (
    "the blobs are in S3: this command backs up local blob stores only; S3 objects are "
    "kept by the bucket's versioning and replication (docs/backups.md)"
)


@dataclass(frozen=True)
class CreateSummary:
    backup_id: str
    members: int
    bytes: int


def create_backup(
    settings: Settings, out: Path, created_at: datetime | None = None
) -> CreateSummary:
    """Write the backup to ``out`` (which must not exist); atomically: a failed run
    leaves no file under ``out``."""
    if settings.blob_store != "local":
        raise BackupRefused(S3_REFUSAL)
    if out.exists():
        raise BackupRefused("the output file exists already")
    root = LocalKeyFileProvider(settings.root_key_path)
    backup_key = aead.generate_key()
    header = seal_header(
        root,
        BackupHeader(
            backup_id=new_id(),
            root_key_id=root.key_id,
            created_at=(created_at or datetime.now(UTC)).replace(microsecond=0),
            database=database_kind(settings),
        ),
        backup_key,
    )
    # Recorded before the snapshot, so the backup holds its own creation event.
    record_for_every_tenant(settings, AuditAction.BACKUP_CREATE, header.backup_id)
    partial = out.with_name(out.name + ".partial")
    # The snapshot is clear text for a moment: beside the output, in a 0700 directory.
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".callvault-backup-") as scratch:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                writer = ArchiveWriter(file, header, backup_key)
                entries = _write_members(settings, writer, Path(scratch))
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    fsync_dir(out.parent)
    note_backup_created(settings.data_dir, header.backup_id, header.created_at)
    return CreateSummary(header.backup_id, len(entries), sum(e.size for e in entries))


def _write_members(settings: Settings, writer: ArchiveWriter, scratch: Path) -> list[Entry]:
    data_dir = settings.data_dir
    entries: list[Entry | None] = [
        _add(writer, member, file) for member, file in files_under(data_dir, CHECKPOINTS)
    ]
    snapshot = scratch / "database"
    snapshot_database(settings, snapshot)
    entries.append(_add(writer, database_member(database_kind(settings)), snapshot))
    snapshot.unlink()
    for top in (BLOBS, TLS):
        entries.extend(_add(writer, member, file) for member, file in files_under(data_dir, top))
    written = [e for e in entries if e is not None]
    manifest = encode_manifest(written)
    writer.add(MANIFEST_PATH, len(manifest), iter([manifest]))
    return written


def _add(writer: ArchiveWriter, member: str, file: Path) -> Entry | None:
    opened = read_chunks(file)
    if opened is None:  # shredded since it was listed: nothing to keep
        return None
    size, chunks = opened
    hashed = HashedChunks(member, chunks)
    writer.add(member, size, iter(hashed))
    return hashed.entry()

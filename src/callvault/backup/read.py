"""Reading a whole backup: header, every member (authenticated and hashed as it
streams), then the manifest. ``verify`` reads into nothing; ``restore`` into files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from callvault.backup.archive import ArchiveReader, BackupHeader, read_header, unwrap_backup_key
from callvault.backup.errors import BackupDamaged
from callvault.backup.manifest import (
    MANIFEST_PATH,
    Entry,
    HashedChunks,
    check_against_manifest,
    decode_manifest,
)
from callvault.crypto.keyprovider import RootKeyProvider

# Called with each member's path and its verified bytes, which it must consume.
MemberSink = Callable[[str, Iterable[bytes]], None]


@dataclass(frozen=True)
class ReadSummary:
    header: BackupHeader
    members: int
    bytes: int


def open_header(path: Path, root: RootKeyProvider) -> tuple[BackupHeader, bytes]:
    """The authenticated header and the backup key, reading nothing past the header."""
    with path.open("rb") as file:
        header = read_header(file)
    return header, unwrap_backup_key(root, header)


def read_backup(path: Path, root: RootKeyProvider, sink: MemberSink | None = None) -> ReadSummary:
    """Decrypt and check everything; ``BackupDamaged`` names the first bad part."""
    with path.open("rb") as file:
        header = read_header(file)
        reader = ArchiveReader(file, header, unwrap_backup_key(root, header))
        entries: list[Entry] = []
        while True:
            member = reader.next_member(len(entries))
            if member is None:
                last = entries[-1].path if entries else "the header"
                raise BackupDamaged("manifest", f"missing: the file ends after {last} (truncated)")
            if member.path == MANIFEST_PATH:
                listed = decode_manifest(b"".join(member.chunks))
                break
            hashed = HashedChunks(member.path, member.chunks)
            (sink or _discard)(member.path, hashed)
            entries.append(hashed.entry())
        if file.read(1):
            raise BackupDamaged("end of file", "unexpected bytes after the manifest")
    check_against_manifest(entries, listed)
    return ReadSummary(header, len(entries), sum(e.size for e in entries))


def _discard(_: str, chunks: Iterable[bytes]) -> None:
    for _chunk in chunks:
        pass

"""The manifest: every member's path, size and SHA-256, written as the last record and
checked against what was read (so a verify proves the set of members is complete)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from callvault.backup.errors import BackupDamaged

MANIFEST_PATH = "MANIFEST.json"


@dataclass(frozen=True)
class Entry:
    path: str
    size: int
    sha256: str


class HashedChunks:
    """Passes chunks through while hashing them; ``entry()`` once they are all read."""

    def __init__(self, path: str, chunks: Iterator[bytes]) -> None:
        self._path = path
        self._chunks = chunks
        self._hash = hashlib.sha256()
        self._size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self._hash.update(chunk)
            self._size += len(chunk)
            yield chunk

    def entry(self) -> Entry:
        return Entry(self._path, self._size, self._hash.hexdigest())


def encode_manifest(entries: list[Entry]) -> bytes:
    members = [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in entries]
    return json.dumps({"members": members}, sort_keys=True).encode("utf-8")


def decode_manifest(raw: bytes) -> list[Entry]:
    try:
        members = json.loads(raw.decode("utf-8"))["members"]
        return [Entry(str(m["path"]), int(m["size"]), str(m["sha256"])) for m in members]
    except (ValueError, KeyError, TypeError):
        raise BackupDamaged("manifest", "not a valid manifest") from None


def check_against_manifest(read: list[Entry], listed: list[Entry]) -> None:
    """Every member read must be listed, in order, with the same size and hash."""
    for position, entry in enumerate(read):
        if position >= len(listed) or listed[position].path != entry.path:
            raise BackupDamaged(f"member {entry.path}", "is not in the manifest")
        if listed[position] != entry:
            raise BackupDamaged(f"member {entry.path}", "does not match its manifest hash")
    if len(listed) > len(read):
        raise BackupDamaged("manifest", f"lists member {listed[len(read)].path}, which is missing")

"""Which files of a data directory a backup holds, and where a restore puts them.

In the order written: ``audit-checkpoints/`` first (so the heads ``audit verify``
accepted are never ahead of the database copied next), then the database snapshot,
then ``blobs/`` (every blob a copied row names was written before the row; a blob
written since is a harmless orphan), then ``tls/``. ``blobs/.tmp`` (uploads in flight)
and ``root.key`` are never included.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from callvault.backup.errors import BackupDamaged

CHECKPOINTS = "audit-checkpoints"
BLOBS = "blobs"
TLS = "tls"
DATABASE = "database"
_SKIPPED_DIRS = {(BLOBS, ".tmp")}
CHUNK_SIZE = 1024 * 1024


def files_under(data_dir: Path, top: str) -> Iterator[tuple[str, Path]]:
    """(member path, file) for each regular file under ``data_dir/top``, sorted;
    symbolic links are not followed (a planted link must not pull in other files)."""
    root = data_dir / top
    if not root.is_dir():
        return
    for directory, dirs, files in os.walk(root):
        relative = PurePosixPath(Path(directory).relative_to(data_dir))
        dirs[:] = sorted(d for d in dirs if (*relative.parts, d) not in _SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield str(relative / name), path


def read_chunks(file: Path) -> tuple[int, Iterator[bytes]] | None:
    """(size, chunks) of a file as it is now; None if it is gone (deleted meanwhile)."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        return None
    size = os.fstat(handle.fileno()).st_size

    def chunks() -> Iterator[bytes]:
        with handle:
            while data := handle.read(CHUNK_SIZE):
                yield data

    return size, chunks()


def restore_path(data_dir: Path, member: str) -> Path:
    """Where a (non-database) member goes; refuses any path outside its place."""
    parts = PurePosixPath(member).parts
    if (
        len(parts) < 2
        or parts[0] not in (CHECKPOINTS, BLOBS, TLS)
        or any(part in ("", ".", "..") for part in parts)
        or member.startswith("/")
    ):
        raise BackupDamaged(f"member {member}", "has a path a restore does not write")
    return data_dir.joinpath(*parts)

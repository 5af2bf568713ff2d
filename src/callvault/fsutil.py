"""Filesystem durability helpers."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Persist a directory entry change (create, rename, link, unlink) in ``path``."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replaced_atomically(path: Path) -> Iterator[Path]:
    """A temporary path (0600, beside ``path``) for the caller to write; once the block
    succeeds it is fsync'd and renamed over ``path`` and the directory fsync'd; if the
    block fails it is removed. A crash or an error leaves the old file or the new one,
    never a torn or partial one."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (0600), as ``replaced_atomically`` does."""
    with replaced_atomically(path) as tmp:
        tmp.write_bytes(data)

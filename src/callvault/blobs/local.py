"""Blob store on the local filesystem, the embedded default.

Layout: ``<root>/<key>`` for committed objects, ``<root>/.tmp/`` for objects being
written. Keys never contain ``.``, so ``.tmp`` cannot collide with a key.

Durability: a writer fills a temp file; ``commit()`` fsyncs it, renames it over the
key with ``os.replace`` (atomic on POSIX) and fsyncs the directory, so after
``commit()`` returns the object survives kill -9 and power loss, and before that nobody
can see a partial object under the key. Temp files orphaned by a crash are removed by
``sweep_temp()``.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

from callvault.blobs.errors import BlobNotFound, BlobStoreUnavailable, InvalidBlobKey
from callvault.blobs.keys import validate_key, validate_range
from callvault.fsutil import fsync_dir
from callvault.metrics import BLOB_STORE_ERRORS

CHUNK_SIZE = 1024 * 1024
_DIR_MODE = 0o700
_TEMP_DIR = ".tmp"
_TEMP_PREFIX = "blob-"
_TEMP_SUFFIX = ".part"
_CHECK_PREFIX = "check-"  # not _TEMP_PREFIX: sweep_temp leaves a live probe alone


def _unavailable() -> BlobStoreUnavailable:
    BLOB_STORE_ERRORS.labels("local").inc()  # every failure of the disk passes here
    # Generic message: the OSError, chained as __cause__, names the path for the logs.
    return BlobStoreUnavailable("local blob storage failed")


class LocalBlobStore:
    """``BlobStore`` keeping each object as one file under ``root``."""

    external = False

    def __init__(self, root: Path) -> None:
        root.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
        self._root = root.resolve()
        self._tmp = self._root / _TEMP_DIR
        self._tmp.mkdir(mode=_DIR_MODE, exist_ok=True)

    @property
    def root(self) -> Path:
        """The resolved storage root."""
        return self._root

    def writer(self, key: str) -> LocalBlobWriter:
        """A writer whose ``commit()`` atomically and durably stores the object."""
        target = self._path(key)
        try:
            # mkstemp creates the file 0600 with O_EXCL and an unpredictable name.
            fd, name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=self._tmp)
        except OSError as exc:
            raise _unavailable() from exc
        return LocalBlobWriter(self._root, target, Path(name), os.fdopen(fd, "wb"))

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes ``[start, end)`` in chunks of at most 1 MiB; a range past the end is
        clamped. The file is opened here, so ``BlobNotFound`` is raised by the call,
        not by the first ``next()``. An empty range yields nothing without a lookup."""
        path = self._path(key)
        validate_range(start, end)
        if end == start:
            return iter(())
        file = self._open_regular(path)
        size = os.fstat(file.fileno()).st_size
        stop = size if end is None else min(end, size)
        if start >= stop:
            file.close()
            return iter(())
        file.seek(start)
        return _read_chunks(file, stop - start)

    def size(self, key: str) -> int:
        """Stored size in bytes; ``BlobNotFound`` when absent."""
        return self._stat_regular(self._path(key)).st_size

    def exists(self, key: str) -> bool:
        """Whether a committed object is stored under ``key``."""
        try:
            self._stat_regular(self._path(key))
        except BlobNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        """Remove the object durably; an absent key is not an error."""
        path = self._path(key)
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            raise _unavailable() from exc
        fsync_dir(path.parent)

    def stale_keys(self, prefix: str, older_than: datetime) -> Iterator[str]:
        """Keys under ``prefix`` whose file was last modified before ``older_than``
        (temp files are not objects: ``sweep_temp`` removes those)."""
        cutoff = older_than.timestamp()
        top = self._root / validate_key(prefix.strip("/"))
        if not top.is_dir():
            return
        for path in top.rglob("*"):
            with contextlib.suppress(FileNotFoundError):  # deleted meanwhile
                if path.is_file() and path.stat().st_mtime < cutoff:
                    yield path.relative_to(self._root).as_posix()

    def check(self) -> None:
        """Create and remove a file where writers put theirs: proves the directory is
        there and writable (``os.access`` would not: it says yes to root)."""
        try:
            fd, name = tempfile.mkstemp(prefix=_CHECK_PREFIX, dir=self._tmp)
            os.close(fd)
            os.unlink(name)
        except OSError as exc:
            raise _unavailable() from exc

    def sweep_temp(self, older_than_seconds: float) -> int:
        """Remove temp files not modified for ``older_than_seconds`` (left by a crash or
        by a writer that was never closed); returns how many were removed. Pick a
        threshold longer than the slowest upload: a live writer's file would go too."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for entry in os.scandir(self._tmp):
            if not entry.name.startswith(_TEMP_PREFIX) or not entry.is_file():
                continue
            with contextlib.suppress(FileNotFoundError):  # a writer finished meanwhile
                if entry.stat().st_mtime <= cutoff:
                    os.unlink(entry.path)
                    removed += 1
        return removed

    def _path(self, key: str) -> Path:
        """The file for ``key``, refusing any path that resolves outside the root (a
        symlink planted under the root, for instance)."""
        path = self._root / validate_key(key)
        if not path.resolve().is_relative_to(self._root):
            raise InvalidBlobKey("blob key resolves outside the storage root")
        return path

    def _open_regular(self, path: Path) -> BinaryIO:
        try:
            file = path.open("rb", buffering=0)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
            raise BlobNotFound("blob not found") from exc
        except OSError as exc:
            raise _unavailable() from exc
        return file

    def _stat_regular(self, path: Path) -> os.stat_result:
        try:
            result = path.stat()
        except (FileNotFoundError, NotADirectoryError) as exc:
            raise BlobNotFound("blob not found") from exc
        except OSError as exc:
            raise _unavailable() from exc
        # A directory is a key prefix ("t1" when "t1/o1" exists), not an object.
        if not stat.S_ISREG(result.st_mode):
            raise BlobNotFound("blob not found")
        return result


def _read_chunks(file: BinaryIO, remaining: int) -> Iterator[bytes]:
    with file:
        while remaining > 0:
            data = file.read(min(CHUNK_SIZE, remaining))
            if not data:  # truncated underneath us; yield what there was
                return
            remaining -= len(data)
            yield data


class LocalBlobWriter:
    """Writes into a temp file; see the module docstring for the commit protocol."""

    def __init__(self, root: Path, target: Path, temp: Path, file: BinaryIO) -> None:
        self._root = root
        self._target = target
        self._temp = temp
        self._file = file
        self._state = "open"

    def write(self, data: bytes) -> None:
        """Append ``data``; nothing is visible under the key until ``commit()``."""
        self._check_open()
        try:
            self._file.write(data)
        except OSError as exc:
            # A partial write leaves the file incomplete: only abort() is allowed now.
            self._state = "failed"
            raise _unavailable() from exc

    def commit(self) -> None:
        """Durably store the object under its key, replacing any previous one."""
        self._check_open()
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._make_parents()
            os.replace(self._temp, self._target)
            fsync_dir(self._target.parent)
        except (IsADirectoryError, NotADirectoryError) as exc:
            # "t1" vs "t1/o1": a file and a directory cannot share a name.
            self._state = "failed"
            raise InvalidBlobKey("blob key collides with the prefix of another") from exc
        except OSError as exc:
            self._state = "failed"
            raise _unavailable() from exc
        self._state = "committed"

    def abort(self) -> None:
        """Discard everything written; safe to call more than once."""
        if self._state == "committed":
            return
        self._state = "aborted"
        # On a full disk, closing flushes buffered bytes and fails again (ENOSPC); they
        # are being discarded anyway, and the file is closed all the same.
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self._temp.unlink()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()

    def _check_open(self) -> None:
        if self._state != "open":
            raise ValueError("blob writer is closed")

    def _make_parents(self) -> None:
        """Create missing directories between root and target, fsyncing each new
        directory's parent so the path to the object survives a power loss too."""
        parent = self._target.parent
        missing = [p for p in [parent, *parent.parents] if p.is_relative_to(self._root)]
        for directory in reversed(missing):
            try:
                directory.mkdir(mode=_DIR_MODE)
            except FileExistsError:
                continue
            fsync_dir(directory.parent)

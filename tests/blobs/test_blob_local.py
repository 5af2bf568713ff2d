"""Filesystem-specific behaviour: temp files, permissions, durability, confinement."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest

from callvault.blobs.errors import BlobNotFound, BlobStoreUnavailable, InvalidBlobKey
from callvault.blobs.local import LocalBlobStore

MIB = 1024 * 1024
KEY = "0a1b2c/3d4e5f"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def temp_files(store: LocalBlobStore) -> list[Path]:
    return sorted((store.root / ".tmp").iterdir())


def test_temp_file_is_private_and_under_root_tmp(local_store: LocalBlobStore) -> None:
    with local_store.writer(KEY) as writer:
        writer.write(b"secret audio")
        [temp] = temp_files(local_store)
        assert temp.parent == local_store.root / ".tmp"
        assert mode(temp) == 0o600
        assert mode(temp.parent) == 0o700
        assert not (local_store.root / KEY).exists()
        writer.commit()
    assert temp_files(local_store) == []


def test_committed_file_lands_at_key_with_private_modes(local_store: LocalBlobStore) -> None:
    with local_store.writer(KEY) as writer:
        writer.write(b"data")
        writer.commit()
    path = local_store.root / KEY
    assert path.read_bytes() == b"data"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


@pytest.mark.parametrize("exit_how", ["abort", "exception", "no-commit"])
def test_uncommitted_temp_file_is_removed(local_store: LocalBlobStore, exit_how: str) -> None:
    writer = local_store.writer(KEY)
    writer.write(b"partial")
    if exit_how == "abort":
        writer.abort()
    elif exit_how == "exception":
        with pytest.raises(KeyError), writer:
            raise KeyError("boom")
    else:
        with writer:
            pass
    assert temp_files(local_store) == []
    assert not (local_store.root / KEY).exists()


def test_commit_fsyncs_file_and_directory(
    local_store: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    kinds: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        kinds.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    with local_store.writer(KEY) as writer:
        writer.write(b"data")
        monkeypatch.setattr(os, "fsync", spy)
        writer.commit()
    assert kinds[0] == "file"  # data reaches the disk before the rename
    assert kinds[-1] == "dir"  # the rename itself is made durable
    kinds.clear()
    local_store.delete(KEY)
    assert kinds == ["dir"]


def test_kill_9_mid_write_leaves_nothing_visible(local_store: LocalBlobStore) -> None:
    script = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from callvault.blobs.local import LocalBlobStore
        writer = LocalBlobStore(Path(sys.argv[1])).writer(sys.argv[2])
        writer.write(b"x" * 100_000)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(local_store.root), KEY], check=False, timeout=30
    )
    assert proc.returncode == -signal.SIGKILL
    assert not local_store.exists(KEY)
    assert len(temp_files(local_store)) == 1
    assert local_store.sweep_temp(0) == 1
    assert temp_files(local_store) == []


def test_sweep_temp_removes_only_stale_files(local_store: LocalBlobStore) -> None:
    stale = local_store.writer("aa/01")
    [stale_path] = temp_files(local_store)
    fresh = local_store.writer("aa/02")
    fresh.write(b"new")
    old = time.time() - 7200
    os.utime(stale_path, (old, old))
    (local_store.root / ".tmp" / "unrelated").write_bytes(b"")  # not ours: left alone
    assert local_store.sweep_temp(3600) == 1
    assert local_store.sweep_temp(3600) == 0
    assert len(temp_files(local_store)) == 2
    fresh.commit()
    assert local_store.exists("aa/02")
    stale.abort()


def test_symlink_cannot_lead_outside_root(local_store: LocalBlobStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_bytes(b"not yours")
    (local_store.root / "aa").symlink_to(outside, target_is_directory=True)
    for call in (
        lambda: local_store.writer("aa/victim"),
        lambda: local_store.read("aa/victim"),
        lambda: local_store.size("aa/victim"),
        lambda: local_store.exists("aa/victim"),
        lambda: local_store.delete("aa/victim"),
    ):
        with pytest.raises(InvalidBlobKey):
            call()
    assert (outside / "victim").read_bytes() == b"not yours"
    assert sorted(p.name for p in outside.iterdir()) == ["victim"]


def test_nothing_is_written_outside_root(local_store: LocalBlobStore, tmp_path: Path) -> None:
    before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(local_store.root)}
    with local_store.writer(KEY) as writer:
        writer.write(b"data")
        writer.commit()
    local_store.delete(KEY)
    after = {p for p in tmp_path.rglob("*") if not p.is_relative_to(local_store.root)}
    assert after == before


def test_key_that_is_a_directory_is_not_an_object(local_store: LocalBlobStore) -> None:
    with local_store.writer("aa/bb") as writer:
        writer.write(b"data")
        writer.commit()
    with pytest.raises(BlobNotFound):
        local_store.read("aa")
    with pytest.raises(BlobNotFound):
        local_store.size("aa")
    with pytest.raises(InvalidBlobKey), local_store.writer("aa") as writer:
        writer.commit()
    with pytest.raises(InvalidBlobKey), local_store.writer("aa/bb/cc") as writer:
        writer.commit()
    assert temp_files(local_store) == []


def test_storage_failure_is_unavailable(
    local_store: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(BlobStoreUnavailable) as info, local_store.writer(KEY) as writer:
        writer.write(b"data")
        writer.commit()
    assert info.value.status == 503
    assert temp_files(local_store) == []
    assert not local_store.exists(KEY)


def test_memory_stays_flat_for_64_mib(local_store: LocalBlobStore) -> None:
    block = os.urandom(MIB)
    expected = hashlib.sha256()
    tracemalloc.start()
    try:
        with local_store.writer(KEY) as writer:
            for i in range(64):
                chunk = i.to_bytes(4, "big") + block[4:]
                expected.update(chunk)
                writer.write(chunk)
            writer.commit()
        actual = hashlib.sha256()
        for chunk in local_store.read(KEY):
            actual.update(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert actual.digest() == expected.digest()
    assert peak < 16 * MIB, f"peak {peak / MIB:.1f} MiB"


def test_check_fails_once_the_directory_is_gone_without_naming_it(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    store.check()
    assert temp_files(store) == []  # the probe file is removed again
    os.rename(tmp_path / "blobs", tmp_path / "moved")
    with pytest.raises(BlobStoreUnavailable) as info:
        store.check()
    assert "blobs" not in str(info.value) and str(tmp_path) not in str(info.value)
    os.rename(tmp_path / "moved", tmp_path / "blobs")
    store.check()  # back: ready again

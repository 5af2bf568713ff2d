"""Benchmark: ``callvault backup create`` and ``restore`` against ``cp -a`` of the same
data directory, in the same run.

The data directory is a real initialised vault (SQLite) whose blob store holds about
200 MB of random bytes (random, like the encrypted blobs it stands for: nothing
compresses): a few large recordings and many small transcripts. Measured, each repeated
with product and baseline interleaved, best run kept:

- create: ``create_backup`` (online SQLite snapshot, then every member hashed and
  encrypted into one file, fsync'd once at the end);
- restore: ``restore_backup`` into a new directory (decrypt, hash, write each file
  with an fsync, install the database and root key, then ``audit verify``);
- baseline: ``cp -a`` of the whole data directory (no encryption, no fsync).

MB/s is the blob bytes over the time; the ratio is product MB/s over ``cp -a`` MB/s.

Run from the repository root:  .venv/bin/python bench/backup.py [--size-mb 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from callvault.backup.create import create_backup
from callvault.backup.restore import restore_backup
from callvault.instance import initialise
from callvault.settings import load_settings

MB = 1_000_000
LARGE = 4 * 1024 * 1024  # a recording of a few minutes
SMALL = 64 * 1024  # a transcript-sized object
SHARE_LARGE = 0.8  # of the bytes


def fill_blobs(blob_dir: Path, size: int) -> int:
    """Write random blobs totalling about ``size`` bytes; return the exact total."""
    tenant = blob_dir / ("0" * 32)
    tenant.mkdir(parents=True, exist_ok=True)
    total = 0
    large = int(size * SHARE_LARGE) // LARGE
    small = int(size * (1 - SHARE_LARGE)) // SMALL
    for number, length in enumerate([LARGE] * large + [SMALL] * small):
        (tenant / f"{number:032x}").write_bytes(os.urandom(length))
        total += length
    return total


def timed(action: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="work here (default: a temp dir)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cv-bench-backup-", dir=args.dir))
    try:
        run(work, args.size_mb * MB, args.repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, size: int, repeats: int) -> None:
    settings = load_settings(work / "data", environ={})
    initialise(settings, "bench")
    blob_bytes = fill_blobs(settings.blob_dir, size)
    best = {"create": float("inf"), "restore": float("inf"), "cp": float("inf")}
    for attempt in range(repeats):
        out = work / f"backup-{attempt}.cvbak"
        best["create"] = min(best["create"], timed(create_backup, settings, out))
        copy = work / f"copy-{attempt}"
        cp = ["cp", "-a", str(settings.data_dir), str(copy)]
        best["cp"] = min(best["cp"], timed(subprocess.run, cp))
        target = load_settings(work / f"restored-{attempt}", environ={})
        key = settings.root_key_path
        best["restore"] = min(best["restore"], timed(restore_backup, target, out, key))
        backup_size = out.stat().st_size
        for path in (copy, target.data_dir):
            shutil.rmtree(path)
        out.unlink()
    report(blob_bytes, backup_size, best, repeats)


def report(blob_bytes: int, backup_size: int, best: dict[str, float], repeats: int) -> None:
    print(f"python {sys.version.split()[0]} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"blobs: {blob_bytes / MB:.0f} MB; backup file: {backup_size / MB:.0f} MB;"
          f" best of {repeats}")  # fmt: skip
    cp_rate = blob_bytes / MB / best["cp"]
    print(f"{'step':<10} {'seconds':>8} {'MB/s':>8} {'vs cp -a':>9}")
    for step in ("create", "restore", "cp"):
        rate = blob_bytes / MB / best[step]
        print(f"{step:<10} {best[step]:>8.2f} {rate:>8.0f} {rate / cp_rate:>9.2f}")


if __name__ == "__main__":
    main()

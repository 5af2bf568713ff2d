"""The pipeline's private work directories hold a decrypted original while a job runs:
one whose process died is removed by the next, and a live one never is."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from callvault.pipeline.steps import (
    MARKERLESS_GRACE_SECONDS,
    private_workdir,
    remove_abandoned_workdirs,
    workdir_base,
)

# A process that holds a work directory the way a job does, until it is killed.
HOLDER = """
import sys, time
from pathlib import Path
from callvault.pipeline.steps import private_workdir
with private_workdir(Path(sys.argv[1])) as work:
    (work / "original.wav").write_bytes(b"synthetic plaintext")
    print(work, flush=True)
    time.sleep(600)
"""


def hold_workdir(data_dir: Path) -> tuple[subprocess.Popen[str], Path]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    return holder, Path(holder.stdout.readline().strip())


def test_a_killed_jobs_workdir_is_removed_and_a_live_one_kept(tmp_path: Path) -> None:
    base = workdir_base(tmp_path)
    killed, left = hold_workdir(tmp_path)
    live, working = hold_workdir(tmp_path)
    try:
        killed.kill()
        killed.wait()
        assert (left / "original.wav").exists()

        assert remove_abandoned_workdirs(base) == 1

        assert not left.exists()
        assert (working / "original.wav").exists()
    finally:
        live.kill()
        live.wait()


def test_a_workdir_in_this_process_is_live_too(tmp_path: Path) -> None:
    with private_workdir(tmp_path) as work:  # another thread's job, say
        assert remove_abandoned_workdirs(workdir_base(tmp_path)) == 0
        assert work.exists()
    assert not work.exists()


def test_an_unmarked_workdir_is_removed_only_once_it_is_old(tmp_path: Path) -> None:
    base = workdir_base(tmp_path)
    fresh, old = base / "pipeline-fresh", base / "pipeline-old"
    for work in (fresh, old):
        work.mkdir()
        (work / "original.wav").write_bytes(b"synthetic plaintext")
    long_ago = time.time() - MARKERLESS_GRACE_SECONDS - 5
    os.utime(old, (long_ago, long_ago))

    assert remove_abandoned_workdirs(base) == 1
    assert fresh.exists() and not old.exists()

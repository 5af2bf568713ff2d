"""Benchmark: recordings scrubbed per minute by 1, 2, ... queue workers (issue 20).

One vault on a throwaway PostgreSQL (durable), one ``callvault serve --no-jobs`` node
that takes the uploads, and for each step k a batch of fresh recordings uploaded first,
then k ``callvault worker --concurrency 1`` processes started together: the time from
their start until every recording of the batch is scrubbed (``done`` or ``review``) gives
recordings per minute, printed with the ratio to one worker in the same run. The
recordings are synthetic (tones and noise at 8 kHz, as telephony records), transcribed by
the default offline recognizer, which is where a job's time goes.

    .venv/bin/python bench/workers.py                       # 1 and 2 workers, 8 x 15 s each
    .venv/bin/python bench/workers.py --steps 1 2 3 --recordings 12 --seconds 20
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import soundfile
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # the vault recipe and seeding calls

import audit as audit_bench  # its throwaway PostgreSQL
import cluster  # the --no-jobs node and stopping processes

RATE = 8000
FINISHED = ("done", "review", "failed")


def recording(seconds: float, seed: int) -> bytes:
    """Tone bursts over noise: speech-like energy for the recognizer to work through."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    bursts = (np.sin(2 * np.pi * 1.3 * t) > 0).astype(float)
    tone = np.sin(2 * np.pi * rng.uniform(180, 420) * t) * bursts
    audio = 0.3 * tone + 0.05 * rng.standard_normal(t.size)
    out = io.BytesIO()
    soundfile.write(out, audio.astype(np.float32), RATE, format="WAV", subtype="PCM_16")
    return out.getvalue()


def upload_batch(node: cluster.Node, token: str, count: int, seconds: float) -> list[str]:
    ids = load.seed_calls(node, token, count)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "audio/wav"}
    for n, call_id in enumerate(ids):
        answer = httpx.put(
            f"{node.url}/api/v1/calls/{call_id}/recording",
            content=recording(seconds, seed=hash(call_id) % 2**32 + n),
            headers=headers,
            timeout=60,
        )
        answer.raise_for_status()
    return ids


def finished(database_url: str, ids: list[str]) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT state FROM recording_jobs WHERE call_id = ANY(:ids)"), {"ids": ids}
            ).all()
    finally:
        engine.dispose()
    return sum(1 for (state,) in rows if state in FINISHED)


def scrub_batch(
    vault: load.Vault, root: Path, database_url: str, ids: list[str], workers: int
) -> float:
    """Seconds from starting ``workers`` workers until every job of ``ids`` finished."""
    procs = []
    started = time.monotonic()
    for n in range(workers):
        log = (root / f"worker-{workers}-{n}.log").open("wb")
        cmd = [sys.executable, "-m", "callvault.cli", "worker", "--concurrency", "1"]
        procs.append(subprocess.Popen(cmd, env=vault.env, stdout=log, stderr=subprocess.STDOUT))
    try:
        while finished(database_url, ids) < len(ids):
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f"a worker exited; see {root}/worker-{workers}-*.log")
            time.sleep(0.5)
        return time.monotonic() - started
    finally:
        cluster.stop(procs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--recordings", type=int, default=8, help="per step")
    parser.add_argument("--seconds", type=float, default=15.0, help="each recording's length")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="callvault-workers-") as tmp:
        root = Path(tmp)
        with audit_bench.throwaway_postgres(root) as server_url:
            if server_url is None:
                raise SystemExit("bench/workers.py needs PostgreSQL's server binaries")
            with audit_bench.fresh_database(server_url) as database_url:
                run(root, args, database_url)
    return 0


def run(root: Path, args: argparse.Namespace, database_url: str) -> None:
    load.AGENTS = 0
    vault = load.make_vault(root, database_url)
    node = cluster.Node(vault.env, root / "node.log")
    node.start()
    try:
        node.wait_ready()
        print(
            f"# {args.recordings} recordings of {args.seconds:g} s per step, 8 kHz; "
            f"PostgreSQL (fsync on); {os.cpu_count()} cores; "
            f"load average {os.getloadavg()[0]:.1f} at start"
        )
        one = None
        for workers in args.steps:
            ids = upload_batch(node, vault.token, args.recordings, args.seconds)
            took = scrub_batch(vault, root, database_url, ids, workers)
            per_minute = 60 * len(ids) / took
            one = one or per_minute
            print(
                f"{workers} worker(s): {len(ids)} recordings in {took:.1f} s = "
                f"{per_minute:.1f}/min ({per_minute / one:.2f} of one worker; "
                f"{per_minute / workers:.1f}/min per worker); "
                f"load average {os.getloadavg()[0]:.1f}"
            )
    finally:
        cluster.stop([node.proc] if node.proc else [])


if __name__ == "__main__":
    sys.exit(main())

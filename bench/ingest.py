"""Benchmark: calls ingested per second through the real HTTPS API on SQLite.

Sets up a throwaway data directory with the CLI (``init``, ``token create --role
integration``), starts ``callvault serve`` on a free loopback port (HTTPS with the
generated self-signed certificate, which the clients trust), and for ``--seconds``
runs ``--workers`` client threads, each with its own keep-alive ``httpx.Client``,
looping: ``POST /api/v1/calls`` then ``PUT /api/v1/calls/{id}/recording`` with a
60 s 8 kHz 16-bit mono WAV (~960 KB). One "call" is both requests.

Baseline, in the same run, on the same filesystem, for the same duration and number
of threads: per call, the same WAV bytes written to a new file and a ~1 KB metadata
file written to another new file, each with write + fsync (plain file I/O, no
TLS/HTTP/crypto/database).

Reports calls/s, p50/p95 latency per call, and the ratio API calls/s over baseline
calls/s. The server is always stopped at the end.

Run from the repository root:  .venv/bin/python bench/ingest.py [--quick]
"""

from __future__ import annotations

import argparse
import array
import io
import json
import math
import os
import platform
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

TENANT = "bench-clinic"
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def make_wav(seconds: int, rate: int = 8000) -> bytes:
    """A mono 16-bit PCM WAV: a slow two-tone warble, so the bytes are not all zero."""
    samples = array.array(
        "h",
        (
            int(8000 * math.sin(2 * math.pi * (440 if (i // 4000) % 2 else 660) * i / rate))
            for i in range(seconds * rate)
        ),
    )
    if sys.byteorder != "little":
        samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return out.getvalue()


def call_body(n: int) -> dict[str, str]:
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC) + timedelta(seconds=n)
    return {
        "caller_number": f"+1 415 555 {n % 10000:04d}",
        "called_number": "+1 212 555 0100",
        "tracking_number": "+1 800 555 0199",
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(seconds=60)).isoformat(),
        "direction": "inbound",
        "caller_name": "Bench Caller",
        "agent": "agent-7",
        "campaign": "benchmark",
        "disposition": "answered",
    }


def metadata_blob(n: int) -> bytes:
    """~1 KB of call metadata for the baseline (JSON padded with notes)."""
    body = call_body(n)
    raw = json.dumps(body).encode()
    body["notes"] = "x" * max(0, 1024 - len(raw) - 12)
    return json.dumps(body).encode()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def baa_options(data_dir: Path) -> list[str]:
    """``init``'s covered-entity BAA (a synthetic document beside the data directory),
    without which the vault refuses PHI (docs/compliance.md)."""
    document = data_dir.parent / "synthetic-baa.txt"
    document.write_text("Synthetic business associate agreement for a benchmark\n")
    dates = ["--baa-effective", "2020-01-01", "--baa-counterparty", "Bench clinic"]
    return [*dates, "--baa-document", str(document)]


def clean_env() -> dict[str, str]:
    """Our environment minus CALLVAULT_* settings, so the run is SQLite + local blobs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLVAULT_")}
    dropped = sorted(set(os.environ) - set(env))
    if dropped:
        print(f"ignoring {', '.join(dropped)} from the environment")
    return env


def cli(env: dict[str, str], *args: str) -> str:
    cmd = [sys.executable, "-m", "callvault.cli", *args]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise SystemExit(
            f"`{' '.join(cmd)}` failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
    return proc.stdout


def proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process from /proc (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    client_cpu: float = 0.0
    parts: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_workers(workers: int, seconds: float, one_call: Callable[[int, int], None]) -> Tally:
    """``workers`` threads each calling ``one_call(worker, n)`` until the deadline;
    returns latencies of successful calls and the error messages."""
    tally = Tally()
    start_gate = threading.Barrier(workers + 1)
    deadline = [0.0]

    def loop(worker: int) -> None:
        n = 0
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            t0 = time.perf_counter()
            try:
                one_call(worker, n)
            except Exception as exc:  # a benchmark reports failures, it does not stop
                with tally.lock:
                    tally.errors.append(f"{type(exc).__name__}: {exc}")
                    if len(tally.errors) > 20:
                        return
            else:
                with tally.lock:
                    tally.latencies.append(time.perf_counter() - t0)
            n += 1

    threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in range(workers)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    tally.elapsed = time.perf_counter() - started
    return tally


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def summarise(name: str, tally: Tally) -> float:
    elapsed = tally.elapsed
    done = len(tally.latencies)
    rate = done / elapsed
    print(
        f"{name:44} {done:6d} calls in {elapsed:6.2f} s = {rate:7.2f} calls/s;"
        f" p50 {percentile(tally.latencies, 0.50) * 1000:7.1f} ms,"
        f" p95 {percentile(tally.latencies, 0.95) * 1000:7.1f} ms;"
        f" errors {len(tally.errors)}"
    )
    for part, values in tally.parts.items():
        print(
            f"    {part:16} p50 {percentile(values, 0.50) * 1000:7.1f} ms,"
            f" p95 {percentile(values, 0.95) * 1000:7.1f} ms,"
            f" max {max(values, default=float('nan')) * 1000:7.1f} ms"
        )
    for message in dict.fromkeys(tally.errors):
        print(f"    error: {message[:500]}")
    return rate


class Server:
    def __init__(self, env: dict[str, str], data_dir: Path, port: int, log: Path) -> None:
        self.url = f"https://127.0.0.1:{port}"
        self.log = log
        self._log_file = log.open("wb")
        self.started = time.perf_counter()
        cmd = [sys.executable, "-m", "callvault.cli", "serve", "--data-dir", str(data_dir)]
        cmd += ["--host", "127.0.0.1", "--port", str(port)]
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)

    def wait_ready(self, verify: ssl.SSLContext) -> float:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < READY_TIMEOUT:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                response = httpx.get(f"{self.url}/openapi.json", verify=verify, timeout=2)
            except httpx.TransportError:
                time.sleep(0.2)
                continue
            if response.status_code == 200:
                return time.perf_counter() - self.started
            time.sleep(0.2)
        raise SystemExit(f"server not ready after {READY_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        self._log_file.flush()
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
        self._log_file.close()


def api_phase(
    server: Server, verify: ssl.SSLContext, token: str, wav: bytes, workers: int, seconds: float
) -> tuple[Tally, float | None]:
    headers = {"Authorization": f"Bearer {token}"}
    clients = [
        httpx.Client(
            base_url=server.url,
            verify=verify,
            headers=headers,
            timeout=120,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )
        for _ in range(workers)
    ]
    counter = iter(range(10**9))
    counter_lock = threading.Lock()
    parts: dict[str, list[float]] = {"POST /calls": [], "PUT recording": []}
    parts_lock = threading.Lock()

    def one_call(worker: int, _n: int) -> None:
        with counter_lock:
            n = next(counter)
        client = clients[worker]
        t0 = time.perf_counter()
        created = client.post("/api/v1/calls", json=call_body(n))
        t1 = time.perf_counter()
        if created.status_code != 201:
            raise RuntimeError(f"POST /calls -> {created.status_code} {created.text[:300]}")
        call_id = created.json()["id"]
        uploaded = client.put(
            f"/api/v1/calls/{call_id}/recording",
            content=wav,
            headers={"Content-Type": "audio/wav"},
        )
        if uploaded.status_code != 204:
            raise RuntimeError(
                f"PUT /calls/{{id}}/recording -> {uploaded.status_code} {uploaded.text[:300]}"
            )
        t2 = time.perf_counter()
        with parts_lock:
            parts["POST /calls"].append(t1 - t0)
            parts["PUT recording"].append(t2 - t1)

    try:
        # Warm-up: one call per client (TLS handshake, first-request imports), untimed.
        for worker in range(workers):
            one_call(worker, 0)
        for values in parts.values():
            values.clear()
        os.sync()
        cpu_before = proc_cpu_seconds(server.proc.pid)
        client_before = time.process_time()
        tally = run_workers(workers, seconds, one_call)
        cpu_after = proc_cpu_seconds(server.proc.pid)
        tally.client_cpu = time.process_time() - client_before
        tally.parts = parts
    finally:
        for client in clients:
            client.close()
    server_cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return tally, server_cpu


def baseline_phase(root: Path, wav: bytes, workers: int, seconds: float) -> Tally:
    root.mkdir()

    def write_file(path: Path, data: bytes) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)

    def one_call(worker: int, n: int) -> None:
        write_file(root / f"w{worker}-{n}.wav", wav)
        write_file(root / f"w{worker}-{n}.json", metadata_blob(n))

    os.sync()
    return run_workers(workers, seconds, one_call)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=None, help="duration of each phase (default 30)"
    )
    parser.add_argument("--workers", type=int, default=2, help="client threads")
    parser.add_argument("--wav-seconds", type=int, default=60, help="recording length (8 kHz)")
    parser.add_argument("--dir", type=Path, default=None, help="where to make the temp dir")
    parser.add_argument("--quick", action="store_true", help="tiny run: 5 s per phase")
    parser.add_argument("--no-baseline", action="store_true", help="skip the file baseline")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp dir (server log, data) for debugging"
    )
    args = parser.parse_args()
    if args.seconds is None:
        args.seconds = 5.0 if args.quick else 30.0

    wav = make_wav(args.wav_seconds)
    tmp_parent = args.dir if args.dir is not None else Path(tempfile.gettempdir())
    root = Path(tempfile.mkdtemp(prefix="callvault-ingest-", dir=tmp_parent))
    data_dir = root / "data"
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(
        f"{args.workers} workers, {args.seconds:g} s per phase, WAV {len(wav)} B; temp dir {root}"
    )
    env = clean_env()
    server: Server | None = None
    try:
        cli(env, "init", "--tenant", TENANT, "--data-dir", str(data_dir), *baa_options(data_dir))
        token_args = ["token", "create", "--tenant", TENANT, "--role", "integration"]
        token = cli(env, *token_args, "--data-dir", str(data_dir)).strip()
        server = Server(env, data_dir, free_port(), root / "server.log")
        cert = data_dir / "tls" / "cert.pem"
        # The certificate is written by `serve`; wait for it before trusting it.
        t0 = time.perf_counter()
        while not cert.exists() and time.perf_counter() - t0 < READY_TIMEOUT:
            if server.proc.poll() is not None:
                break
            time.sleep(0.1)
        if not cert.exists():
            raise SystemExit(f"no certificate at {cert}:\n{server.log_tail()}")
        verify = ssl.create_default_context(cafile=str(cert))
        ready = server.wait_ready(verify)
        print(f"server up at {server.url} in {ready:.1f} s (pid {server.proc.pid})")
        print()
        tally, server_cpu = api_phase(server, verify, token, wav, args.workers, args.seconds)
        api_rate = summarise("API: POST /calls + PUT recording (HTTPS)", tally)
        if server_cpu is not None:
            elapsed = tally.elapsed
            print(
                f"    server CPU {server_cpu:.1f} s over {elapsed:.1f} s"
                f" = {server_cpu / elapsed:.2f} cores busy;"
                f" client (this process) {tally.client_cpu / elapsed:.2f} cores"
            )
        server.stop()
        if args.no_baseline:
            return 0
        base = baseline_phase(root / "baseline", wav, args.workers, args.seconds)
        base_rate = summarise("baseline: WAV file + 1 KB file, fsync each", base)
        print()
        print(f"ratio API calls/s / baseline calls/s: {api_rate / base_rate:.3f}")
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: a real ``callvault serve`` under load at shift start (issue 13).

A fresh vault in a temp directory (``callvault init``, a supervisor with a password and
TOTP, 30 agents, an integration token, 200 calls), ``callvault serve`` over HTTPS on a
free loopback port, and three cases, each next to a baseline measured in the same run
at the same concurrency: ``GET /healthz`` (no database, no audit):

a. **sign-in burst**: 50 concurrent ``POST /auth/login`` (25 wrong passwords of real
   users, 25 unknown e-mails) from an async client, while a probe sends ``GET /healthz``
   every 10 ms: every answer must be 401 or 429, all within 10 s, probe p99 <= 50 ms
   (its baseline: the same probe with no burst);
b. **signed-in reads**: ``GET /api/v1/calls/{id}`` with the supervisor's session cookie,
   20 connections, with ``wrk`` (Debian package ``wrk``; its client costs a few % of a
   core, so the figure is the server's): requests/s and p99, vs ``GET /healthz``;
   afterwards the audit log must hold one ``call:read`` per 200 answered, and verify;
c. **ingest**: ``POST /api/v1/calls`` with the integration token, 20 connections, wrk.

Run from the repository root:

    .venv/bin/python bench/load.py                       # SQLite, one process
    .venv/bin/python bench/load.py --workers 2           # `serve --workers 2`
    .venv/bin/python bench/load.py --postgres            # a throwaway durable PostgreSQL,
                                                         # on its local socket (--tcp: loopback)
    .venv/bin/python bench/load.py --database-url postgresql://...   # an existing database
    .venv/bin/python bench/load.py --quick               # 5 s per wrk run

The server log and the vault are removed at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import baa_options  # the synthetic BAA that opens the PHI gate
from proctree import cpu_by_role, postmaster_pid, tree_cpu_seconds

import audit as audit_bench  # its throwaway PostgreSQL

TENANT = "bench-clinic"
SUPERVISOR = "supervisor@bench.callvault.example"
PASSWORD = "bench-Passphrase-4417-lantern"  # noqa: S105  # synthetic, for this run only
AGENTS = 30
CALLS = 200
READY_TIMEOUT = 60.0

POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"caller_number": "+1202555%%04d", "called_number": "+12025550100",'
    .. ' "tracking_number": "+12025550111", "started_at": "2026-11-02T09:00:00+00:00",'
    .. ' "ended_at": "2026-11-02T09:04:00+00:00", "direction": "inbound",'
    .. ' "campaign": "bench"}', counter %% 10000)
  return wrk.format(nil, nil, nil, body)
end
"""

READ_LUA = """
ids = {%(ids)s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/calls/" .. ids[(counter %% #ids) + 1])
end
"""


# -- the vault and the server -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def callvault(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "callvault.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"callvault {args[0]} failed: {done.stderr.strip()}")
    return done.stdout.strip()


@dataclass
class Vault:
    env: dict[str, str]
    data_dir: Path
    supervisor_uri: str
    agent_emails: list[str]
    token: str


def make_vault(root: Path, database_url: str | None) -> Vault:
    data_dir = root / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLVAULT_")}
    env["CALLVAULT_DATA_DIR"] = str(data_dir)
    if database_url:
        env["CALLVAULT_DATABASE_URL"] = database_url
    callvault(env, "init", "--tenant", TENANT, *baa_options(data_dir))
    uri = callvault(
        env, "user", "create", "--tenant", TENANT, "--email", SUPERVISOR,
        "--role", "supervisor", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    agents = [f"agent{n:02d}@bench.callvault.example" for n in range(AGENTS)]
    for email in agents:
        callvault(
            env, "user", "create", "--tenant", TENANT, "--email", email,
            "--role", "agent", "--password-stdin", stdin=PASSWORD + "\n",
        )  # fmt: skip
    token = callvault(env, "token", "create", "--tenant", TENANT, "--role", "integration")
    return Vault(env, data_dir, uri, agents, token.split()[-1])


class Server:
    def __init__(self, vault: Vault, log: Path, workers: int) -> None:
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "callvault.cli", "serve", "--port", str(self.port)]
        if workers > 1:
            cmd += ["--workers", str(workers)]
        self.log = log
        self._log_file = log.open("wb")
        self.proc = subprocess.Popen(
            cmd, env=vault.env, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        self.cert = vault.data_dir / "tls" / "cert.pem"

    def tls(self) -> ssl.SSLContext:
        """Trust exactly the certificate ``serve`` made (self-signed, for 127.0.0.1)."""
        return ssl.create_default_context(cafile=str(self.cert))

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited:\n{self.log.read_text()[-3000:]}")
            try:
                if (
                    httpx.get(f"{self.url}/healthz", verify=self.tls(), timeout=1).status_code
                    == 200
                ):
                    return
            except (httpx.HTTPError, OSError):  # OSError: no certificate yet
                pass
            time.sleep(0.2)
        raise SystemExit(f"server not ready:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(45)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log_file.close()


@contextmanager
def served(vault: Vault, log: Path, workers: int) -> Iterator[Server]:
    server = Server(vault, log, workers)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


# -- clients --------------------------------------------------------------------------------


def sign_in(server: Server, email: str, uri: str) -> tuple[str, str]:
    """A session cookie and CSRF token for ``email`` (password, then a TOTP code)."""
    with httpx.Client(base_url=server.url, verify=server.tls(), timeout=30) as client:
        login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        body = login.json()
        code = pyotp.parse_uri(uri).now()
        mfa = client.post("/api/v1/auth/mfa", json={"challenge": body["challenge"], "code": code})
        mfa.raise_for_status()
        return mfa.cookies["callvault_session"], body["csrf_token"]


def seed_calls(server: Server, token: str, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    with httpx.Client(
        base_url=server.url, verify=server.tls(), timeout=30, headers=headers
    ) as client:
        for n in range(count):
            body = {
                "caller_number": f"+1202555{n % 10000:04d}",
                "called_number": "+12025550100",
                "tracking_number": "+12025550111",
                "started_at": "2026-11-02T09:00:00+00:00",
                "ended_at": "2026-11-02T09:04:00+00:00",
                "direction": "inbound",
            }
            answer = client.post("/api/v1/calls", json=body)
            answer.raise_for_status()
            ids.append(answer.json()["id"])
    return ids


@dataclass
class WrkResult:
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    url: str, connections: int, seconds: int, headers: dict[str, str], script: str = ""
) -> WrkResult:
    cmd = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    cmd += ["-s", lua.name, url]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(lua.name)
    return parse_wrk(out)


def parse_wrk(out: str) -> WrkResult:
    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")

    total = re.search(r"(\d+) requests in", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkResult(
        requests=int(total.group(1)) if total else 0,
        per_second=float(rate.group(1)) if rate else 0.0,
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


async def probe(
    client: httpx.AsyncClient, stop: asyncio.Event, every_s: float = 0.01
) -> list[float]:
    """``GET /healthz`` every ``every_s`` until ``stop``: each latency in ms."""
    latencies = []
    while not stop.is_set():
        started = time.perf_counter()
        answer = await client.get("/healthz")
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"probe answered {answer.status_code}")
        await asyncio.sleep(every_s)
    return latencies


async def burst(server: Server, vault: Vault, wrong_half: list[str]) -> dict[str, Any]:
    """50 concurrent sign-ins (wrong passwords of real users, unknown e-mails) with the
    probe running; and the probe alone for as long, as its baseline."""
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    tls = server.tls()
    async with (
        httpx.AsyncClient(base_url=server.url, verify=tls, timeout=60, limits=limits) as client,
        httpx.AsyncClient(base_url=server.url, verify=tls, timeout=60) as prober,
    ):
        await prober.get("/healthz")
        stop = asyncio.Event()
        quiet_task = asyncio.create_task(probe(prober, stop))
        await asyncio.sleep(3)
        stop.set()
        quiet = await quiet_task

        async def attempt(email: str, password: str) -> tuple[int, float]:
            started = time.perf_counter()
            answer = await client.post(
                "/api/v1/auth/login", json={"email": email, "password": password}
            )
            return answer.status_code, time.perf_counter() - started

        unknown = [f"nobody{n:02d}@bench.callvault.example" for n in range(len(wrong_half))]
        attempts = [attempt(e, "not-the-right-password-1") for e in wrong_half]
        attempts += [attempt(e, "not-the-right-password-1") for e in unknown]
        stop = asyncio.Event()
        busy_task = asyncio.create_task(probe(prober, stop))
        started = time.perf_counter()
        answers = await asyncio.gather(*attempts)
        wall = time.perf_counter() - started
        stop.set()
        busy = await busy_task
    statuses: dict[int, int] = {}
    for status, _ in answers:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "statuses": statuses,
        "slowest_s": max(seconds for _, seconds in answers),
        "wall_s": wall,
        "probe_p99_ms": percentile(busy, 99),
        "probe_max_ms": max(busy),
        "probe_count": len(busy),
        "baseline_p99_ms": percentile(quiet, 99),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# -- checks --------------------------------------------------------------------------------


def audited_reads(vault: Vault, database_url: str | None) -> int:
    """How many ``call:read`` events the log holds (SQLite only; else -1)."""
    if database_url:
        return -1
    with sqlite3.connect(vault.data_dir / "callvault.db") as db:
        row = db.execute("SELECT count(*) FROM audit_log_events WHERE action = 'call:read'")
        return int(row.fetchone()[0])


# -- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="callvault serve --workers")
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: SQLite in the vault)")
    parser.add_argument(
        "--postgres", action="store_true", help="a throwaway PostgreSQL (bench/audit.py's)"
    )
    parser.add_argument(
        "--tcp",
        action="store_true",
        help="with --postgres: connect over TCP on loopback instead of the local socket",
    )
    parser.add_argument("--seconds", type=int, default=20, help="per wrk run")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="5 s per wrk run")
    parser.add_argument("--only", choices=["burst", "reads", "ingest"], action="append")
    parser.add_argument("--keep", action="store_true", help="keep the vault and server log")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/load.py needs wrk: apt-get install wrk")
    seconds = 5 if args.quick else args.seconds
    cases = set(args.only or ["burst", "reads", "ingest"])
    root = Path(tempfile.mkdtemp(prefix="callvault-load-"))
    try:
        with ExitStack() as stack:
            if args.postgres:
                server_url = stack.enter_context(
                    audit_bench.throwaway_postgres(root, unix_socket=not args.tcp)
                )
                if server_url is None:
                    return 1
                args.database_url = stack.enter_context(audit_bench.fresh_database(server_url))
            run(root, args, seconds, cases)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def run(root: Path, args: argparse.Namespace, seconds: int, cases: set[str]) -> None:
    vault = make_vault(root, args.database_url)
    with served(vault, root / "server.log", args.workers) as server:
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"# callvault serve --workers {args.workers} on {database}; {os.cpu_count()} cores")
        report(server, vault, args, seconds, cases, ServerCpu(server.proc.pid, root))
    if "reads" in cases:
        print(f"audit verify: {callvault(vault.env, 'audit', 'verify')}")


@dataclass
class ServerCpu:
    """CPU seconds of the server's processes by role, and of our throwaway PostgreSQL's
    (under ``root``) when there is one: on one machine, the database's share counts too."""

    server_pid: int
    root: Path

    def now(self) -> dict[str, float]:
        used = cpu_by_role(self.server_pid)
        postmaster = postmaster_pid(self.root)
        if postmaster is not None:
            used["postgres"] = tree_cpu_seconds([postmaster])
        return used

    def since(self, before: dict[str, float]) -> dict[str, float]:
        return {role: used - before.get(role, 0.0) for role, used in self.now().items()}


def report(
    server: Server,
    vault: Vault,
    args: argparse.Namespace,
    seconds: int,
    cases: set[str],
    server_cpu: ServerCpu,
) -> None:
    conns = args.connections
    if "burst" in cases:
        result = asyncio.run(burst(server, vault, vault.agent_emails[:25]))
        print(
            f"sign-in burst: 50 logins -> {result['statuses']}, "
            f"slowest {result['slowest_s']:.2f} s, "
            f"all in {result['wall_s']:.2f} s; /healthz probe p99 {result['probe_p99_ms']:.1f} ms "
            f"(max {result['probe_max_ms']:.1f}, n={result['probe_count']}) vs "
            f"{result['baseline_p99_ms']:.1f} ms without the burst"
        )
        time.sleep(2)
    base = wrk(f"{server.url}/healthz", conns, seconds, {})
    print(
        f"baseline GET /healthz, {conns} conns: {base.per_second:.0f}/s, "
        f"p50 {base.p50_ms:.1f} ms, p99 {base.p99_ms:.1f} ms"
    )
    if "reads" in cases:
        ids = seed_calls(server, vault.token, CALLS)
        cookie, _ = sign_in(server, SUPERVISOR, vault.supervisor_uri)
        before = audited_reads(vault, args.database_url)
        script = READ_LUA % {"ids": ", ".join(f'"{i}"' for i in ids)}
        cpu = server_cpu.now()
        reads = wrk(
            f"{server.url}/", conns, seconds, {"Cookie": f"callvault_session={cookie}"}, script
        )
        cpu = server_cpu.since(cpu)
        after = audited_reads(vault, args.database_url)
        line(f"GET /calls/{{id}} (session), {conns} conns", reads, base, cpu)
        ok = reads.requests - reads.non_2xx
        if before >= 0:
            print(f"  audit: {after - before} call:read events for {ok} answers with 2xx")
    if "ingest" in cases:
        cpu = server_cpu.now()
        ingest = wrk(
            f"{server.url}/api/v1/calls", conns, seconds, {}, POST_LUA % {"token": vault.token}
        )
        cpu = server_cpu.since(cpu)
        line(f"POST /calls (token), {conns} conns", ingest, base, cpu)


def line(name: str, result: WrkResult, base: WrkResult, cpu: dict[str, float]) -> None:
    per_request = {role: 1000 * used / max(result.requests, 1) for role, used in cpu.items()}
    shares = ", ".join(f"{role} {ms:.2f}" for role, ms in sorted(per_request.items()))
    print(
        f"{name}: {result.per_second:.0f}/s ({result.per_second / base.per_second:.3f} of "
        f"/healthz), p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
        f"non-2xx {result.non_2xx}, socket errors {result.errors}; server CPU "
        f"{sum(per_request.values()):.2f} ms per request ({shares})"
    )


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: 1, 2 and 3 API processes on one PostgreSQL and one S3 bucket (issue 20).

One vault (``callvault init`` on a throwaway PostgreSQL, S3 blobs on a moto server),
``callvault serve --no-jobs --insecure-http`` nodes on loopback ports, and ``callvault
jobs run`` workers beside them (signing due tree heads). An async httpx client sends a
mix of ``POST /api/v1/calls`` (an integration token) and signed-in ``GET
/api/v1/calls/{id}`` (one supervisor session, made on node 1 and used on every node),
spread round robin over the first k nodes, for k = 1, 2, 3 in turn: requests per second,
p50 and p99, each as the ratio to one node in the same run. The same nodes serve every
step (the ones not addressed stay idle), so no step pays for starting processes.
Afterwards the audit log must hold one ``call:read`` per 200 answered, and verify.

Run from the repository root:

    .venv/bin/python bench/cluster.py                   # 3 nodes, 1 worker, 20 s per step
    .venv/bin/python bench/cluster.py --seconds 8 --rounds 3 --jobs 2 --concurrency 48

Plain HTTP between client and nodes, as behind a balancer that ends TLS; the client
runs on the same cores as the nodes, the workers and PostgreSQL (its CPU share is
printed). Everything is removed at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # the vault, users, tokens, sign-in and seeding
from proctree import postmaster_pid, tree_cpu_seconds

import audit as audit_bench  # its throwaway PostgreSQL

BUCKET = "callvault-bench"
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "NO_PROXY": "127.0.0.1,localhost",
}
READY_TIMEOUT = 180.0  # several processes importing the app at once on two cores


# -- the S3 server, the nodes and the workers --------------------------------------------------


@contextmanager
def moto_server() -> Iterator[str]:
    port = load.free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1).close()  # noqa: S310
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the moto server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@dataclass
class Node:
    """``callvault serve --no-jobs``; ``url`` and ``tls()`` as bench/load.py's Server."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=load.free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def tls(self) -> bool:  # plain HTTP: bench/load.py's helpers then verify nothing
        return False

    def start(self) -> None:
        cmd = [sys.executable, "-m", "callvault.cli", "serve", "--no-jobs", "--insecure-http"]
        cmd += ["--port", str(self.port)]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise SystemExit(f"a node exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"a node did not become ready:\n{self.log.read_text()[-3000:]}")


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(45)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Cluster:
    nodes: list[Node]
    workers: list[subprocess.Popen[bytes]]

    def cpu(self, postgres: int | None) -> dict[str, float]:
        """CPU seconds so far: the nodes (with their audit writers), the workers,
        PostgreSQL, and this client."""
        own = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "nodes": tree_cpu_seconds([n.proc.pid for n in self.nodes if n.proc]),
            "workers": tree_cpu_seconds([w.pid for w in self.workers]),
            "postgres": tree_cpu_seconds([postgres]) if postgres else 0.0,
            "client": own.ru_utime + own.ru_stime,
        }


def host_env(env: dict[str, str], root: Path, name: str) -> dict[str, str]:
    """A data directory of the process's own with a copy of the root key, as on a host of
    its own (two serve processes must not share one: each empties its run/metrics)."""
    directory = root / name
    directory.mkdir(mode=0o700)
    shutil.copy2(Path(env["CALLVAULT_DATA_DIR"]) / "root.key", directory / "root.key")
    return env | {"CALLVAULT_DATA_DIR": str(directory)}


@contextmanager
def cluster(env: dict[str, str], root: Path, nodes: int, jobs: int) -> Iterator[Cluster]:
    started = [Node(host_env(env, root, f"node-{n}"), root / f"node-{n}.log") for n in range(nodes)]
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for node in started:
            node.start()
        for node in started:
            node.wait_ready()
        for n in range(jobs):
            with (root / f"worker-{n}.log").open("wb") as out:
                cmd = [sys.executable, "-m", "callvault.cli", "jobs", "run"]
                job_env = host_env(env, root, f"worker-{n}")
                workers.append(
                    subprocess.Popen(cmd, env=job_env, stdout=out, stderr=subprocess.STDOUT)
                )
        yield Cluster(started, workers)
    finally:
        stop([n.proc for n in started if n.proc is not None] + workers)


# -- the load ----------------------------------------------------------------------------------


@dataclass
class Step:
    nodes: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]
    reads_ok: int

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def p(self, q: float) -> float:
        return load.percentile(self.latencies_ms, q)


async def drive(
    urls: list[str],
    ids: list[str],
    token: str,
    cookie: str,
    seconds: float,
    concurrency: int,
    read_share: float,
) -> Step:
    """``concurrency`` loops, each request to the next node; the first ``read_share`` of
    every ten requests a read, the rest a create."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    clients = [httpx.AsyncClient(base_url=u, timeout=60, limits=limits) for u in urls]
    ingest = {"Authorization": f"Bearer {token}"}
    session = {"Cookie": f"callvault_session={cookie}"}
    reads_per_ten = round(read_share * 10)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    reads_ok = 0
    counter = 0
    deadline = time.perf_counter() + seconds

    async def loop() -> None:
        nonlocal counter, reads_ok
        while time.perf_counter() < deadline:
            n = counter = counter + 1
            client = clients[n % len(clients)]
            started = time.perf_counter()
            try:
                if n % 10 < reads_per_ten:
                    path = f"/api/v1/calls/{ids[n % len(ids)]}"
                    answer = await client.get(path, headers=session)
                    reads_ok += answer.status_code == 200
                else:
                    answer = await client.post("/api/v1/calls", json=call_body(n), headers=ingest)
                status = answer.status_code
            except httpx.TransportError:  # counted (as 0) and shown, not fatal
                status = 0
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1

    began = time.perf_counter()
    try:
        await asyncio.gather(*(loop() for _ in range(concurrency)))
    finally:
        for client in clients:
            await client.aclose()
    return Step(len(urls), time.perf_counter() - began, latencies, statuses, reads_ok)


def call_body(n: int) -> dict[str, str]:
    numbers = {"called_number": "+12025550100", "tracking_number": "+12025550111"}
    times = {"started_at": "2026-11-02T09:00:00+00:00", "ended_at": "2026-11-02T09:04:00+00:00"}
    return {"caller_number": f"+1202555{n % 10000:04d}", **numbers, **times, "direction": "inbound"}


# -- main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=3, help="the most API processes")
    parser.add_argument("--jobs", type=int, default=1, help="callvault jobs run processes")
    parser.add_argument("--seconds", type=float, default=20.0, help="per step")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--read-share", type=float, default=0.5, help="reads of all requests")
    parser.add_argument("--rounds", type=int, default=1, help="1..N node steps, interleaved")
    parser.add_argument("--keep", action="store_true", help="keep the vault and the logs")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="callvault-cluster-"))
    try:
        with ExitStack() as stack:
            server_url = stack.enter_context(audit_bench.throwaway_postgres(root))
            if server_url is None:
                return 1
            database_url = stack.enter_context(audit_bench.fresh_database(server_url))
            args.database_url = database_url
            s3 = stack.enter_context(moto_server())
            run(root, args, database_url, s3)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def make_vault(root: Path, database_url: str, s3: str) -> load.Vault:
    """bench/load.py's vault without its agents, on S3 (with the storage BAA)."""
    os.environ.update(FAKE_AWS)
    from callvault.blobs.s3 import make_client

    make_client(s3, "us-east-1").create_bucket(Bucket=BUCKET)
    load.AGENTS = 0  # no sign-in burst here: its 30 accounts would only slow the setup
    vault = load.make_vault(root, database_url)
    vault.env |= FAKE_AWS | {
        "CALLVAULT_BLOB_STORE": "s3",
        "CALLVAULT_S3_BUCKET": BUCKET,
        "CALLVAULT_S3_ENDPOINT_URL": s3,
    }
    document = root / "synthetic-baa.txt"  # written by load.make_vault's init
    load.callvault(
        vault.env, "baa", "add", "--tenant", load.TENANT, "--kind", "storage",
        "--counterparty", "Bench object store", "--effective", "2020-01-01",
        "--document", str(document), "--activate",
    )  # fmt: skip
    return vault


def run(root: Path, args: argparse.Namespace, database_url: str, s3: str) -> None:
    vault = make_vault(root, database_url, s3)
    postgres = postmaster_pid(root)
    with cluster(vault.env, root, args.nodes, args.jobs) as running:
        nodes = running.nodes
        ids = load.seed_calls(nodes[0], vault.token, 50)
        cookie, _ = load.sign_in(nodes[0], load.SUPERVISOR, vault.supervisor_uri)
        print(
            f"# {args.nodes} x callvault serve --no-jobs + {args.jobs} x callvault jobs run; "
            f"PostgreSQL (fsync on) + moto S3; {os.cpu_count()} cores; {args.concurrency} "
            f"in flight, {args.read_share:.0%} signed-in reads, the rest token creates; "
            f"{args.seconds:g} s per step; load average {os.getloadavg()[0]:.1f} at start"
        )
        warm = argparse.Namespace(**{**vars(args), "seconds": 3.0})  # through every node
        reads_ok = measure(running, postgres, nodes, ids, vault, cookie, warm)[0].reads_ok
        for round_ in range(1, args.rounds + 1):
            # Rounds interleave the steps, so a busy moment of the machine hits them alike.
            print(f"round {round_}, load average {os.getloadavg()[0]:.1f}")
            first: Step | None = None
            for k in range(1, args.nodes + 1):
                step, cores = measure(running, postgres, nodes[:k], ids, vault, cookie, args)
                first = first or step
                reads_ok += step.reads_ok
                report(step, first, cores)
    events = database_counts(database_url)["reads"]
    print(f"audit: {events} call:read events for {reads_ok} reads answered 200")
    print(f"audit verify: {load.callvault(vault.env, 'audit', 'verify')}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def measure(
    running: Cluster,
    postgres: int | None,
    nodes: list[Node],
    ids: list[str],
    vault: load.Vault,
    cookie: str,
    args: argparse.Namespace,
) -> tuple[Step, dict[str, float]]:
    """One step against ``nodes``, and what it cost meanwhile: the cores each part used,
    WAL flushes per second and audit events per flush."""
    before, counts = running.cpu(postgres), database_counts(args.database_url)
    urls = [node.url for node in nodes]
    step = asyncio.run(
        drive(urls, ids, vault.token, cookie, args.seconds, args.concurrency, args.read_share)
    )
    after, later = running.cpu(postgres), database_counts(args.database_url)
    used = {name: (after[name] - before[name]) / step.seconds for name in after}
    flushes = max(later["wal_syncs"] - counts["wal_syncs"], 1)
    used["WAL flushes/s"] = flushes / step.seconds
    used["events per flush"] = (later["events"] - counts["events"]) / flushes
    return step, used


def report(step: Step, one: Step, cores: dict[str, float]) -> None:
    codes = ", ".join(f"{code} x {n}" for code, n in sorted(step.statuses.items()))
    flushes, per_flush = cores.pop("WAL flushes/s"), cores.pop("events per flush")
    used = ", ".join(f"{name} {value:.2f}" for name, value in cores.items())
    print(
        f"{step.nodes} node(s): {step.per_second:.0f} req/s "
        f"({step.per_second / one.per_second:.2f} of one node), "
        f"p50 {step.p(50):.0f} ms, p99 {step.p(99):.0f} ms "
        f"({step.p(99) / one.p(99):.2f} of one node); answers {codes}; "
        f"cores used: {used} (total {sum(cores.values()):.2f}: "
        f"{step.per_second / max(sum(cores.values()), 0.01):.0f} requests per CPU second); "
        f"{flushes:.0f} WAL flushes/s, {per_flush:.1f} audit events per flush"
    )


def database_counts(database_url: str) -> dict[str, int]:
    """The audit log's size and reads, and PostgreSQL's WAL flushes (durable commits)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            return dict(
                db.execute(
                    text(
                        "SELECT (SELECT coalesce(sum(size), 0) FROM audit_logs) AS events,"
                        " (SELECT count(*) FROM audit_log_events WHERE action = 'call:read')"
                        " AS reads, (SELECT wal_sync FROM pg_stat_wal) AS wal_syncs"
                    )
                )
                .mappings()
                .one()
            )
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())

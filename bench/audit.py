"""Benchmark: the audit log's appends, group commit, verification and proofs.

On SQLite (a temp data dir made with ``callvault.instance.initialise``) and on
PostgreSQL (``--postgres-url``, else a throwaway server started from the Debian
binaries, durable: ``fsync`` and ``synchronous_commit`` on, as in production; skipped
with the reason printed if there are none), each against a baseline measured in the same
run, product and baseline interleaved, best of ``--rounds``:

a. durable appends/s, one transaction per event: ``append_events`` + commit (what
   ``record_event`` does) vs a plain single-row INSERT + commit into a table with the
   same columns and indexes and no Merkle work;
b. durable appends/s through ``GroupCommitter`` from 256 and 1,024 requests in flight
   that await their receipts on one event loop, as the server's PHI reads do, with the
   batches written in a child process (the server's default) and in the committer's
   thread, vs plain INSERTs committed in exactly the batch sizes the committer made (one
   thread); target >= 20,000/s on SQLite. For comparison, 32 threads that each block in
   ``append``;

c. ``verify_tenant`` over a log of ``--events`` events (default 1,000,000; built with
   batched ``append_events`` in big transactions): events/s, and CPU seconds of this
   process (it runs on one core); target >= 100,000/s;
d. ``inclusion_proof`` at that size for a few sequence numbers: hashes per proof (must
   be <= 21), each checked against the root, and the fetch latency;
e. the server's writer (``SessionWriter`` on an engine of its own, as in the writer
   process) at the small batches a loaded server makes (1, 2 and 8 events): CPU of this
   process per event, vs plain INSERTs of the same rows committed in transactions of the
   same size (``--only-writer``: this case alone).

Run from the repository root:
    .venv/bin/python bench/audit.py [--events N] [--postgres-url URL] [--quick] [--profile]
``--postgres-url`` names a server (any database on it): the benchmark creates its own
database there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import platform
import pstats
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    insert,
    make_url,
    text,
)
from sqlalchemy.orm import Session, sessionmaker

from callvault.audit import merkle
from callvault.audit.append import append_events
from callvault.audit.groupcommit import GroupCommitter
from callvault.audit.heads import sign_now
from callvault.audit.proofs import inclusion_proof, root_at
from callvault.audit.runtime import AuditRuntime
from callvault.audit.verify import verify_tenant
from callvault.audit.writer import ProcessWriter, SessionWriter
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.db.base import create_db_engine, create_session_factory
from callvault.instance import initialise
from callvault.settings import Settings, load_settings
from callvault.tenants.service import get_tenant

TENANT = "bench-clinic"
THREADS = 32
WAITERS = (256, 1024)  # requests in flight at once, each awaiting its read's audit receipt
GROUP_TARGET = 20_000
VERIFY_TARGET = 100_000
PROOF_LIMIT = 21
BUILD_BATCH = 20_000
REPO = Path(__file__).resolve().parents[1]
PG_WRAPPER = REPO / "scripts" / "pg_ctl_as_pgtest.sh"

_BIGINT = BigInteger().with_variant(Integer, "sqlite")
PLAIN = Table(
    "bench_plain_events",
    MetaData(),
    Column("id", _BIGINT, primary_key=True, autoincrement=True),
    Column("tenant_id", String(32)),
    Column("seq", BigInteger),
    Column("at_ms", BigInteger),
    Column("actor_type", String(16)),
    Column("actor_id", String(64)),
    Column("action", String(64)),
    Column("resource_type", String(32)),
    Column("resource_id", String(64), nullable=True),
    Column("outcome", String(16)),
    Column("source_ip", String(64), nullable=True),
    Column("user_agent", String(256), nullable=True),
    Column("request_id", String(64), nullable=True),
    Column("reason", String(500), nullable=True),
    Column("hashed_terms", Text, nullable=True),
    Column("leaf_hash", LargeBinary(32)),
    Column("entry_mac", LargeBinary(32)),
    UniqueConstraint("tenant_id", "seq", name="uq_bench_plain_seq"),
    Index("ix_bench_plain_actor", "tenant_id", "actor_id", "seq"),
    Index("ix_bench_plain_resource", "tenant_id", "resource_id", "seq"),
)


def event(n: int) -> dict[str, object]:
    """A synthetic PHI-read event (ids only, like the real ones)."""
    return {
        "actor_type": "user",
        "actor_id": f"{n % 97:032x}",
        "action": "call:read",
        "resource_type": "call",
        "resource_id": f"{n:032x}",
        "outcome": "allowed",
        "source_ip": "192.0.2.7",
        "user_agent": "bench/1.0",
        "request_id": f"req-{n:012d}",
    }


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


# -- one database under test ----------------------------------------------------------


@dataclass
class Target:
    name: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    runtime: AuditRuntime
    tenant_id: str
    plain_seq: int = 0

    @classmethod
    def open(cls, name: str, data_dir: Path, url: str | None) -> Target:
        settings = load_settings(data_dir, url, environ={})
        initialise(settings, TENANT)
        engine = create_db_engine(settings.database_url)
        runtime = AuditRuntime.for_settings(settings, LocalKeyFileProvider(settings.root_key_path))
        sessions = create_session_factory(engine, runtime.session_info())
        with sessions() as session:
            tenant_id = get_tenant(session, TENANT).id
        PLAIN.create(engine)
        return cls(name, settings, engine, sessions, runtime, tenant_id)

    def plain_rows(self, count: int) -> list[dict[str, object]]:
        """Rows like the audit log's, with fixed stand-ins for the hashes: no Merkle work."""
        stamp = time.time_ns() // 1_000_000
        rows = []
        for _ in range(count):
            self.plain_seq += 1
            row = event(self.plain_seq)
            row.update(tenant_id=self.tenant_id, seq=self.plain_seq, at_ms=stamp)
            row.update(leaf_hash=b"\x11" * 32, entry_mac=b"\x22" * 32)
            rows.append(row)
        return rows

    def log_size(self) -> int:
        with self.sessions() as session:
            stmt = text("SELECT size FROM audit_logs WHERE tenant_id = :t")
            return int(session.execute(stmt, {"t": self.tenant_id}).scalar_one())


# -- a. one transaction per event -------------------------------------------------------


def appends_single(target: Target, count: int) -> float:
    started = time.perf_counter()
    for n in range(count):
        with target.sessions() as session:
            append_events(session, target.tenant_id, [event(n)])
            session.commit()
    return count / (time.perf_counter() - started)


def plain_single(target: Target, count: int) -> float:
    rows = target.plain_rows(count)
    started = time.perf_counter()
    for row in rows:
        with target.sessions() as session:
            session.execute(insert(PLAIN), [row])
            session.commit()
    return count / (time.perf_counter() - started)


# -- b. group commit from many threads ------------------------------------------------------


class RecordingCommitter(GroupCommitter):
    """Records each batch's size (for the baseline) and, if asked, profiles the writer."""

    def __init__(self, *args: Any, profile: bool = False, **kwargs: Any) -> None:
        self.sizes: list[int] = []
        self.profiler = cProfile.Profile() if profile else None
        super().__init__(*args, **kwargs)

    def _run(self) -> None:
        if self.profiler is None:
            super()._run()
            return
        self.profiler.enable()
        try:
            super()._run()
        finally:
            self.profiler.disable()

    def _commit(self, batch: list[Any]) -> None:
        self.sizes.append(len(batch))
        super()._commit(batch)


class NoDatabaseCommitter(RecordingCommitter):
    """The same queue, threads and wake-ups, with a writer that writes nothing: the
    ceiling that the hand-off between threads alone allows."""

    def _write(self, batch: list[Any]) -> None:
        for seq, pending in enumerate(batch):
            pending.seq = seq


@dataclass
class GroupRun:
    rate: float
    sizes: list[int]
    latencies: list[float]
    profile: str | None


def appends_grouped(
    target: Target,
    count: int,
    profile: bool = False,
    threads: int = THREADS,
    kind: type[RecordingCommitter] = RecordingCommitter,
) -> GroupRun:
    committer = kind(target.sessions, profile=profile)
    per_thread = count // threads
    latencies: list[list[float]] = [[] for _ in range(threads)]
    start = threading.Barrier(threads + 1)

    def work(k: int) -> None:
        mine = latencies[k]
        start.wait()
        for n in range(per_thread):
            began = time.perf_counter()
            committer.append(target.tenant_id, event(k * per_thread + n))
            mine.append(time.perf_counter() - began)

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    committer.close()
    if committer.failed_batches:
        raise SystemExit(f"{committer.failed_batches} group commits failed")
    report = None
    if committer.profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(committer.profiler, stream=out)
        stats.sort_stats("tottime").print_stats(18)
        report = out.getvalue()
    flat = [x for mine in latencies for x in mine]
    return GroupRun(per_thread * threads / elapsed, committer.sizes, flat, report)


def appends_awaited(target: Target, count: int, waiters: int, writer: str) -> GroupRun:
    """The server's way: reads submit and await their receipts on one event loop
    (``callvault.audit.deferred``), so no thread waits per request. ``writer`` is where
    batches are written (``CALLVAULT_AUDIT_WRITER``): ``process`` (the server's default)
    or ``thread``."""
    if writer == "process":
        root = LocalKeyFileProvider(target.settings.root_key_path)
        committer = RecordingCommitter(
            ProcessWriter(
                target.settings.database_url,
                root,
                target.runtime.policy,
                schema_module="callvault.db.models",
            )
        )
    else:
        committer = RecordingCommitter(target.sessions)
    per_waiter = count // waiters
    latencies: list[float] = []

    async def waiter(k: int) -> None:
        for n in range(per_waiter):
            began = time.perf_counter()
            await committer.submit(target.tenant_id, event(k * per_waiter + n)).wait_async()
            latencies.append(time.perf_counter() - began)

    async def run_all() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(waiter(k) for k in range(waiters)))
        return time.perf_counter() - started

    elapsed = asyncio.run(run_all())
    committer.close()
    if committer.failed_batches:
        raise SystemExit(f"{committer.failed_batches} group commits failed")
    return GroupRun(per_waiter * waiters / elapsed, committer.sizes, latencies, None)


def plain_batched(target: Target, sizes: list[int]) -> float:
    batches = [target.plain_rows(size) for size in sizes]
    started = time.perf_counter()
    for rows in batches:
        with target.sessions() as session:
            session.execute(insert(PLAIN), rows)
            session.commit()
    return sum(sizes) / (time.perf_counter() - started)


# -- c. and d. a big log: verify, prove ----------------------------------------------------


def build_log(target: Target, total: int) -> float:
    """Fill the tenant's log to ``total`` events in big transactions; sign its head."""
    started = time.perf_counter()
    size = target.log_size()
    mark = 250_000
    while size < total:
        batch = min(BUILD_BATCH, total - size)
        with target.sessions() as session:
            append_events(session, target.tenant_id, [event(size + i) for i in range(batch)])
            session.commit()
        size += batch
        if size >= mark:
            print(f"    built {size:,} events", flush=True)
            mark = (size // 250_000 + 1) * 250_000
    with target.sessions() as session:
        sign_now(session, target.tenant_id)
        session.commit()
    return time.perf_counter() - started


@dataclass
class VerifyRun:
    events: int
    seconds: float
    cpu_seconds: float
    problem: str | None


def verify(target: Target, profile: bool = False) -> tuple[VerifyRun, str | None]:
    profiler = cProfile.Profile() if profile else None
    with target.sessions() as session:
        cpu, started = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        verdict = verify_tenant(session, target.runtime.keys, target.tenant_id)
        if profiler is not None:
            profiler.disable()
        run = VerifyRun(
            verdict.events,
            time.perf_counter() - started,
            time.process_time() - cpu,
            verdict.problem,
        )
    report = None
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        report = out.getvalue()
    return run, report


def proofs(target: Target, size: int, samples: int) -> tuple[dict[int, list[bytes]], list[float]]:
    """Proofs for a few chosen seqs (checked against the root), then fetch latency over
    ``samples`` random seqs, one short transaction each (as an API request would)."""
    chosen = sorted({0, 1, size // 2, size - 2, size - 1, 123_457 % size})
    with target.sessions() as session:
        root = root_at(session, target.tenant_id, size)
        found = {}
        for seq in chosen:
            proof = inclusion_proof(session, target.tenant_id, seq, size)
            leaf = session.execute(
                text("SELECT leaf_hash FROM audit_log_events WHERE tenant_id = :t AND seq = :s"),
                {"t": target.tenant_id, "s": seq},
            ).scalar_one()
            merkle.verify_inclusion(bytes(leaf), seq, size, proof, root)
            found[seq] = proof
    pick = random.Random(7)
    latencies = []
    for _ in range(samples):
        seq = pick.randrange(size)
        began = time.perf_counter()
        with target.sessions() as session:
            inclusion_proof(session, target.tenant_id, seq, size)
        latencies.append(time.perf_counter() - began)
    return found, latencies


# -- PostgreSQL: given, or a throwaway durable server -------------------------------------


def find_pg_ctl() -> str | None:
    sys.path.insert(0, str(REPO / "tests"))
    try:
        import _postgres  # the test suite's finder: $CALLVAULT_REAL_PG_CTL, Debian, PATH
    finally:
        sys.path.pop(0)
    found: str | None = _postgres.find_real_pg_ctl()
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def throwaway_postgres(parent: Path, unix_socket: bool = False) -> Iterator[str | None]:
    """Yield a server URL, or None (with the reason printed) if there is no PostgreSQL.
    ``unix_socket``: the URL goes through the server's local socket, as
    ``docs/deploy.md`` sets production up, instead of TCP on loopback."""
    real = find_pg_ctl()
    if real is None:
        print("PostgreSQL: SKIPPED, no pg_ctl found (install the Debian package 'postgresql')")
        yield None
        return
    env = dict(os.environ, CALLVAULT_REAL_PG_CTL=real)
    pg_ctl = str(PG_WRAPPER) if os.geteuid() == 0 else real  # pg_ctl refuses to run as root
    home = Path(tempfile.mkdtemp(prefix="callvault-bench-pg-", dir=parent))
    data, port = home / "pgdata", free_port()
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1"

    def ctl(*args: str) -> None:
        subprocess.run([pg_ctl, *args], env=env, check=True, capture_output=True, timeout=120)

    try:
        ctl("initdb", "--pgdata", str(data), "-o", "--username=postgres --auth=trust")
        ctl("start", "-D", str(data), "-w", "-l", str(home / "server.log"), "-o", options)
    except subprocess.CalledProcessError as exc:
        print(f"PostgreSQL: SKIPPED, could not start a server: {exc.stderr.decode()[-300:]}")
        shutil.rmtree(home, ignore_errors=True)
        yield None
        return
    try:
        where = f"the socket in {home}" if unix_socket else f"127.0.0.1:{port}"
        print(f"PostgreSQL: throwaway server from {real} on {where} (fsync on)")
        if unix_socket:
            yield f"postgresql+psycopg://postgres@/postgres?host={home}&port={port}"
        else:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [pg_ctl, "stop", "-D", str(data), "-m", "fast"], env=env, capture_output=True
        )
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"cv_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as db:
        db.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as db:
            db.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def server_version(target: Target) -> str:
    with target.engine.connect() as db:
        if target.engine.dialect.name == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        settings = db.exec_driver_sql(
            "SELECT current_setting('server_version'), current_setting('fsync'),"
            " current_setting('synchronous_commit')"
        ).one()
        return f"PostgreSQL {settings[0]} (fsync={settings[1]}, synchronous_commit={settings[2]})"


# -- running and printing -------------------------------------------------------------------


def best_of(rounds: int, *runs: Callable[[], float]) -> list[float]:
    """Best rate of each run, the runs interleaved in every round (noise hits all alike)."""
    results: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for mine, run in zip(results, runs, strict=True):
            mine.append(run())
    return [max(mine) for mine in results]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def verdict(value: float, target: float, higher_is_better: bool = True) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "meets" if ok else "MISSES"


def describe(run: GroupRun) -> str:
    return (
        f"{run.rate:10,.0f} events/s  (mean batch {statistics.mean(run.sizes):.1f},"
        f" per append p50 {percentile(run.latencies, 0.5) * 1e3:.2f} ms)"
    )


def explain_grouped(target: Target, args: argparse.Namespace) -> None:
    """For comparison: request threads that each block for their commit (what CLI and
    jobs do), and the same queue with a writer that writes nothing (the hand-off alone)."""
    blocking = appends_grouped(target, args.grouped, profile=args.profile)
    print(f"   {THREADS} threads blocking in append()  {describe(blocking)}")
    ceiling = appends_grouped(target, args.grouped, kind=NoDatabaseCommitter)
    print(f"   same, writer does no database work {describe(ceiling)}")
    if blocking.profile:
        print("   cProfile of the writer thread (32 blocking threads):")
        print(blocking.profile)


# -- e. the writer's CPU at small batches ---------------------------------------------

WRITER_BATCHES = (1, 2, 8)


def writer_cpu(target: Target, size: int, events: int) -> float:
    """CPU seconds of this process per event, written by the server's writer in batches
    of ``size``, on an engine of its own as the writer process has."""
    engine = create_db_engine(target.settings.database_url, statement_timeout_ms=5000)
    writer = SessionWriter(
        create_session_factory(engine, target.runtime.session_info()), engine_bounds_waits=True
    )
    batches = [
        [(target.tenant_id, event(n + k), ()) for k in range(size)] for n in range(0, events, size)
    ]
    started = time.process_time()
    for batch in batches:
        writer.write(batch)
    spent = time.process_time() - started
    engine.dispose()
    return spent / (len(batches) * size)


def plain_cpu(target: Target, size: int, events: int) -> float:
    """The baseline: plain INSERTs of rows like the log's, ``size`` per transaction."""
    rows = target.plain_rows(events)
    started = time.process_time()
    for start in range(0, len(rows), size):
        with target.sessions() as session:
            session.execute(insert(PLAIN), rows[start : start + size])
            session.commit()
    return (time.process_time() - started) / len(rows)


def bench_writer(target: Target, args: argparse.Namespace) -> None:
    events = args.single
    print(f"e. the server's writer at small batches, {events} events each, best of {args.rounds}")
    for size in WRITER_BATCHES:
        ours = plain = float("inf")
        for _ in range(args.rounds):  # interleaved, best kept
            ours = min(ours, writer_cpu(target, size, events))
            plain = min(plain, plain_cpu(target, size, events))
        print(
            f"   batches of {size}: {ours * 1e6:7.0f} us CPU per event;"
            f" baseline plain INSERTs {plain * 1e6:5.0f} us; ratio {ours / plain:.2f}"
        )


def bench_target(target: Target, args: argparse.Namespace) -> None:
    print(f"\n=== {target.name}: {server_version(target)} ===  load {loadavg()}")
    if args.only_writer:
        bench_writer(target, args)
        return

    single, plain = best_of(
        args.rounds,
        lambda: appends_single(target, args.single),
        lambda: plain_single(target, args.single),
    )
    print(f"a. one transaction per event, {args.single} events, best of {args.rounds}")
    print(f"   append_events + commit            {single:10,.0f} events/s")
    print(f"   baseline: plain INSERT + commit   {plain:10,.0f} rows/s")
    print(f"   ratio                             {single / plain:10.3f}")

    print(
        f"b. group commit, requests awaiting their receipts on one event loop (the server's"
        f" way), {args.grouped} events, best of {args.rounds} (rounds interleaved)"
    )
    runs: dict[tuple[int, str], list[tuple[GroupRun, float]]] = {}
    for _ in range(args.rounds):
        for waiters in WAITERS:
            for writer in ("process", "thread"):
                run = appends_awaited(target, args.grouped, waiters, writer)
                base = plain_batched(target, run.sizes)
                runs.setdefault((waiters, writer), []).append((run, base))
    for (waiters, writer), pairs in runs.items():
        run, base = max(pairs, key=lambda pair: pair[0].rate)
        sizes = run.sizes
        print(
            f"   {waiters:5d} in flight, {writer:7s} writer {run.rate:10,.0f} events/s"
            f"  (mean batch {statistics.mean(sizes):.0f};"
            f" per append p50 {percentile(run.latencies, 0.5) * 1e3:.1f} ms,"
            f" p99 {percentile(run.latencies, 0.99) * 1e3:.1f} ms)"
            f"  baseline plain INSERTs, same batches, 1 thread {base:,.0f} rows/s,"
            f" ratio {run.rate / base:.3f}"
        )
        if target.engine.dialect.name == "sqlite" and writer == "process":
            print(f"   target >= {GROUP_TARGET:,}/s: {verdict(run.rate, GROUP_TARGET)}")
    explain_grouped(target, args)

    print(f"c. verify_tenant over {args.events:,} events (building the log ...)")
    before = target.log_size()
    built = build_log(target, args.events)
    size = target.log_size()
    if size > before:
        rate = (size - before) / built
        print(f"   built to {size:,} events in {built:.1f} s ({rate:,.0f} events/s)")
    else:
        print(f"   the log already holds {size:,} events (from a. and b.)")
    checked, report = verify(target, profile=False)
    if checked.problem:
        raise SystemExit(f"verify failed: {checked.problem}")
    rate = checked.events / checked.seconds
    print(
        f"   verify_tenant                     {rate:10,.0f} events/s"
        f"  ({checked.events:,} in {checked.seconds:.2f} s wall,"
        f" {checked.cpu_seconds:.2f} s CPU of this process)"
    )
    print(f"   target >= {VERIFY_TARGET:,}/s: {verdict(rate, VERIFY_TARGET)}")
    if args.profile:
        _, report = verify(target, profile=True)
        print("   cProfile of verify_tenant (a second pass):")
        print(report)

    found, latencies = proofs(target, size, args.proof_samples)
    print(f"d. inclusion proofs at tree size {size:,} (each verified against the root)")
    for seq, proof in found.items():
        print(f"   seq {seq:>9,}: {len(proof):2d} hashes, {32 * len(proof):4d} bytes")
    longest = max(len(p) for p in found.values())
    print(f"   longest {longest} <= {PROOF_LIMIT}: {verdict(longest, PROOF_LIMIT, False)}")
    seq, proof = max(found.items(), key=lambda item: len(item[1]))
    print(f"   proof for seq {seq:,}, leaf upwards:")
    for n, digest in enumerate(proof):
        print(f"     {n:2d} {digest.hex()}")
    print(
        f"   fetch latency ({args.proof_samples} random seqs, one transaction each):"
        f" p50 {percentile(latencies, 0.5) * 1e3:.2f} ms,"
        f" p95 {percentile(latencies, 0.95) * 1e3:.2f} ms"
    )
    bench_writer(target, args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=None, help="log size for c/d (1,000,000)")
    parser.add_argument("--postgres-url", default=None, help="a PostgreSQL server to use")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--rounds", type=int, default=None, help="rounds, best kept (3)")
    parser.add_argument("--single", type=int, default=None, help="events for a. (2000)")
    parser.add_argument("--grouped", type=int, default=None, help="events for b. (64,000)")
    parser.add_argument("--proof-samples", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None, help="where to make the temp dir")
    parser.add_argument("--quick", action="store_true", help="small sizes, 1 round")
    parser.add_argument("--profile", action="store_true", help="cProfile the writer and verify")
    parser.add_argument("--only-writer", action="store_true", help="case e. alone")
    args = parser.parse_args()
    quick = args.quick
    args.events = args.events or (20_000 if quick else 1_000_000)
    args.rounds = args.rounds or (1 if quick else 3)
    args.single = args.single or (300 if quick else 2000)
    args.grouped = args.grouped or (6_400 if quick else 64_000)

    parent = args.dir or Path(tempfile.gettempdir())
    root = Path(tempfile.mkdtemp(prefix="callvault-bench-audit-", dir=parent))
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"temp dir {root}; load {loadavg()}")
    try:
        sqlite_target = Target.open("SQLite", root / "sqlite", None)
        try:
            bench_target(sqlite_target, args)
        finally:
            sqlite_target.engine.dispose()
        if not args.no_postgres:
            run_postgres(args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\nload {loadavg()}")
    return 0


def run_postgres(args: argparse.Namespace, root: Path) -> None:
    @contextmanager
    def server() -> Iterator[str | None]:
        if args.postgres_url:
            yield args.postgres_url
        else:
            with throwaway_postgres(root) as url:
                yield url

    with server() as url:
        if url is None:
            return
        with fresh_database(url) as database_url:
            target = Target.open("PostgreSQL", root / "pg", database_url)
            try:
                bench_target(target, args)
            finally:
                target.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())

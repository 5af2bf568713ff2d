"""Benchmark: permission decisions per second, and what authentication + authorization
add to an API request.

Part A (in process, pinned to one core): 5 ``Role`` objects spreading 50 permission
entries (allows, reused across roles, plus one deny each) over the ``Permission`` enum,
so the principal's policy has allowed, denied-by-deny and never-granted permissions.
Times ``decide(policy, p)`` over a shuffled mixed list, and the full path a request
takes once, ``policy_for(roles)`` then ``decide``. Baseline in the same run: the two set
lookups ``p not in deny and p in allow`` inline (the least Python can do).

Part B (loopback HTTP): a throwaway data directory (``callvault init``, ``token create
--role integration``, one call ingested), ``callvault serve --insecure-http`` on
127.0.0.1 (plain HTTP, so TLS cost does not drown the measurement), one keep-alive
``httpx.Client`` alternating, ``--requests`` times, these series:

  health      GET /healthz                         no authentication at all
  calls       GET /api/v1/calls?limit=1 + token    authn + authz + query + audit commit
  authz_only  GET /api/v1/calls?limit=0 + token    authn + authz, then a 422: FastAPI
                                                   runs the route's dependencies before
                                                   validating the query, and nothing is
                                                   written (checked: a bad token gives 401)
  no_token    GET /api/v1/calls?limit=0, no token  401: routing + dependency + problem
                                                   rendering, no database work

Then, in process against the same SQLite file (server stopped), medians of one request's
database pieces: a session with ``SELECT 1``; ``authenticate()``; ``authenticate()`` +
``decide()``; one audit event written and committed (``synchronous=FULL``: an fsync).

Run from the repository root:  /tmp/vtest/bin/python bench/authz.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from ingest import baa_options  # the synthetic BAA that opens the PHI gate

from callvault.authz.decision import Denied, decide
from callvault.authz.permissions import Permission
from callvault.authz.roles import Policy, Role, policy_for

TENANT = "bench"
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
ROLES = 5
ALLOWS_PER_ROLE = 9
DENIES_PER_ROLE = 1
NOT_GRANTED = 4
DECISION_TARGET = 200_000  # decisions per second
LATENCY_TARGET_MS = 1.0  # median added by authentication + authorization

# ----------------------------------------------------------------------------- part A


def build_roles() -> tuple[list[Role], list[Permission]]:
    """5 roles x (9 allows + 1 deny) = 50 entries; returns the roles and every permission.

    The last ``NOT_GRANTED`` permissions are in no role; the allows cycle over the rest
    (so each is held by two or three roles); each role denies one allowed permission."""
    every = sorted(Permission)
    grantable = every[: len(every) - NOT_GRANTED]
    denied = grantable[:: max(1, len(grantable) // (ROLES * DENIES_PER_ROLE))]
    roles = []
    for i in range(ROLES):
        allow = {
            grantable[(ALLOWS_PER_ROLE * i + k) % len(grantable)] for k in range(ALLOWS_PER_ROLE)
        }
        deny = {denied[(i * DENIES_PER_ROLE + k) % len(denied)] for k in range(DENIES_PER_ROLE)}
        roles.append(Role(f"bench-{i}", allow=frozenset(allow), deny=frozenset(deny)))
    return roles, every


def describe(policy: Policy, every: list[Permission]) -> dict[str, int]:
    outcome = {"allowed": 0, "denied by role": 0, "not granted": 0}
    for permission in every:
        decision = decide(policy, permission)
        outcome[decision.reason if isinstance(decision, Denied) else "allowed"] += 1
    return outcome


def rate(run: Callable[[], int], rounds: int) -> tuple[float, float]:
    """(best, median) operations per second over ``rounds`` timed runs."""
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        done = run()
        rates.append(done / (time.perf_counter() - started))
    return max(rates), statistics.median(rates)


@contextmanager
def one_core() -> Iterator[str]:
    """Pin this process to one CPU (Linux) for the in-process timing."""
    if not hasattr(os, "sched_setaffinity"):
        yield "not pinned (no sched_setaffinity)"
        return
    before = os.sched_getaffinity(0)
    cpu = min(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield f"pinned to CPU {cpu}"
    finally:
        os.sched_setaffinity(0, before)


def part_a(quick: bool) -> None:
    roles, every = build_roles()
    policy = policy_for(roles)
    entries = sum(len(r.allow) + len(r.deny) for r in roles)
    work = every * (10_000 // len(every) + 1)
    random.Random(7).shuffle(work)
    work = work[:10_000]
    rounds = 5 if quick else 30

    def decisions() -> int:
        for permission in work:
            decide(policy, permission)
        return len(work)

    def full_path() -> int:
        for permission in work:
            decide(policy_for(roles), permission)
        return len(work)

    allow, deny = policy.allow, policy.deny

    def baseline() -> int:
        for permission in work:
            _ = permission not in deny and permission in allow
        return len(work)

    print("## A. permission decisions (in process)")
    with one_core() as pinned:
        print(
            f"{len(roles)} roles, {entries} permission entries; policy: {len(allow)} allowed,"
            f" {len(deny)} denied; {len(every)} permissions in the enum; {pinned}"
        )
        print(
            f"mixed list of {len(work)} decisions per run: {describe(policy, every)} per"
            f" {len(every)}; {rounds} runs each, interleaved"
        )
        results: dict[str, list[float]] = {"decide": [], "policy_for+decide": [], "base": []}
        for _ in range(rounds):
            for name, run in (
                ("decide", decisions),
                ("policy_for+decide", full_path),
                ("base", baseline),
            ):
                results[name].append(rate(run, 1)[0])
    base = statistics.median(results["base"])
    print(f"{'measurement':44} {'best/s':>12} {'median/s':>12} {'median ns':>10}")
    for name, label in (
        ("decide", "decide(policy, p)"),
        ("policy_for+decide", "decide(policy_for(5 roles), p)"),
        ("base", "baseline: p not in deny and p in allow"),
    ):
        values = results[name]
        median = statistics.median(values)
        print(f"{label:44} {max(values):12,.0f} {median:12,.0f} {1e9 / median:10.0f}")
    for name in ("decide", "policy_for+decide"):
        median = statistics.median(results[name])
        verdict = "meets" if median >= DECISION_TARGET else "BELOW"
        print(
            f"{name}: median {median:,.0f}/s vs target {DECISION_TARGET:,}/s: {verdict};"
            f" {median / base:.3f} of the baseline"
        )
    print()


# ----------------------------------------------------------------------------- part B


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env() -> dict[str, str]:
    """Our environment minus CALLVAULT_* settings, so the run is SQLite + local blobs."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CALLVAULT_")}


def cli(env: dict[str, str], *args: str) -> str:
    cmd = [sys.executable, "-m", "callvault.cli", *args]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"`{' '.join(cmd)}` failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def start_server(
    env: dict[str, str], data_dir: Path, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "callvault.cli", "serve", "--data-dir", str(data_dir)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--insecure-http"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.perf_counter() + READY_TIMEOUT
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server not ready after {READY_TIMEOUT} s:\n{log.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT)


CALL = {
    "caller_number": "+1 202 555 0147",
    "called_number": "+1 202 555 0100",
    "tracking_number": "+1 202 555 0111",
    "started_at": "2026-03-02T14:00:00Z",
    "ended_at": "2026-03-02T14:04:30Z",
    "direction": "inbound",
}

# name -> (path, send the token?, expected status)
SERIES = {
    "health": ("/healthz", False, 200),
    "calls": ("/api/v1/calls?limit=1", True, 200),
    "authz_only": ("/api/v1/calls?limit=0", True, 422),
    "no_token": ("/api/v1/calls?limit=0", False, 401),
}


def check_series(client: httpx.Client, token: dict[str, str]) -> None:
    """Each series answers as described; the 422 series really authenticates first."""
    for name, (path, auth, status) in SERIES.items():
        got = client.get(path, headers=token if auth else None).status_code
        if got != status:
            raise SystemExit(f"{name}: GET {path} answered {got}, expected {status}")
    bad = {"Authorization": "Bearer cvt_" + "0" * 32 + "_" + "A" * 43}
    if client.get(SERIES["authz_only"][0], headers=bad).status_code != 401:
        raise SystemExit("a bad token on the authz_only path is not refused: series invalid")


def alternate(client: httpx.Client, token: dict[str, str], n: int) -> dict[str, list[float]]:
    """``n`` rounds of one request per series; the order rotates each round."""
    names = list(SERIES)
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(n):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            path, auth, status = SERIES[name]
            started = time.perf_counter()
            response = client.get(path, headers=token if auth else None)
            elapsed = time.perf_counter() - started
            if response.status_code != status:
                raise SystemExit(f"{name}: {response.status_code} in round {i}")
            times[name].append(elapsed)
    return times


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def ms(value: float) -> str:
    return f"{value * 1000:7.3f}"


def report_http(times: dict[str, list[float]]) -> None:
    print(f"{'series':12} {'median ms':>9} {'p95 ms':>8} {'n':>6}")
    for name, values in times.items():
        print(f"{name:12} {ms(statistics.median(values)):>9} {ms(p95(values)):>8} {len(values):6}")
    med = {name: statistics.median(values) for name, values in times.items()}
    paired = {
        (a, b): statistics.median(x - y for x, y in zip(times[a], times[b], strict=True))
        for a, b in (("authz_only", "health"), ("authz_only", "no_token"), ("calls", "health"))
    }
    print("added latency (difference of medians; median of the per-round paired differences):")
    for (a, b), pair in paired.items():
        print(f"  {a} - {b}: {ms(med[a] - med[b])} ms; paired {ms(pair)} ms")
    added = med["authz_only"] - med["health"]
    verdict = "meets" if added <= LATENCY_TARGET_MS / 1000 else "ABOVE"
    print(
        f"authentication + authorization added: {added * 1000:.3f} ms median vs target"
        f" <= {LATENCY_TARGET_MS} ms: {verdict}"
    )


def in_process(data_dir: Path, secret: str, n: int) -> None:
    """Medians of one request's database pieces, against the same SQLite file."""
    from sqlalchemy import text

    import callvault.db.models  # noqa: F401  # the whole schema, for the audit insert
    from callvault.audit.runtime import AuditRuntime
    from callvault.audit.service import Outcome, RequestInfo, record_event
    from callvault.crypto.keyprovider import LocalKeyFileProvider
    from callvault.db.base import create_db_engine, create_session_factory
    from callvault.identity.authn import Credentials, authenticate
    from callvault.settings import load_settings

    settings = load_settings(data_dir, environ={})
    engine = create_db_engine(settings.database_url)
    root = LocalKeyFileProvider(settings.root_key_path)
    sessions = create_session_factory(
        engine, AuditRuntime.for_settings(settings, root).session_info()
    )
    creds = Credentials(f"Bearer {secret}", None, None, "GET", "127.0.0.1")
    info = RequestInfo(source_ip="127.0.0.1", user_agent="bench", request_id="0" * 32)
    with sessions() as db:
        principal = authenticate(db, creds)
        db.commit()  # the once-a-minute last-used mark, out of the way

    def select_one() -> None:
        with sessions() as db:
            db.execute(text("SELECT 1"))

    def authn() -> None:
        with sessions() as db:
            authenticate(db, creds)

    def authn_decide() -> None:
        with sessions() as db:
            decide(authenticate(db, creds).policy, Permission.CALL_READ)

    def audit_commit() -> None:
        with sessions() as db:
            record_event(
                db,
                principal,
                "bench:read",
                resource_type="bench",
                resource_id=None,
                outcome=Outcome.ALLOWED,
                request=info,
            )
            db.commit()

    pieces = {
        "session + SELECT 1": select_one,
        "authenticate()": authn,
        "authenticate() + decide()": authn_decide,
        "audit event + commit": audit_commit,
    }
    times: dict[str, list[float]] = {name: [] for name in pieces}
    try:
        for i in range(n):
            for name in list(pieces)[i % 4 :] + list(pieces)[: i % 4]:
                started = time.perf_counter()
                pieces[name]()
                times[name].append(time.perf_counter() - started)
    finally:
        engine.dispose()
    print(f"{'in process (same SQLite file)':30} {'median ms':>9} {'p95 ms':>8}")
    for name, values in times.items():
        print(f"{name:30} {ms(statistics.median(values)):>9} {ms(p95(values)):>8}")


def part_b(requests: int, tmp_parent: Path | None, keep: bool) -> None:
    root = Path(tempfile.mkdtemp(prefix="callvault-authz-", dir=tmp_parent))
    data_dir, log = root / "data", root / "server.log"
    env = clean_env()
    proc: subprocess.Popen[bytes] | None = None
    print("## B. added latency per request (loopback, plain HTTP, SQLite)")
    print(f"load average before: {load()} (other work on this machine skews the medians)")
    print(f"temp dir {root}; {requests} rounds of {len(SERIES)} requests, one keep-alive client")
    try:
        cli(env, "init", "--tenant", TENANT, "--data-dir", str(data_dir), *baa_options(data_dir))
        secret = cli(
            env,
            "token",
            "create",
            "--tenant",
            TENANT,
            "--role",
            "integration",
            "--data-dir",
            str(data_dir),
        ).strip()
        token = {"Authorization": f"Bearer {secret}"}
        proc, url = start_server(env, data_dir, log)
        wait_ready(proc, url, log)
        with httpx.Client(base_url=url, timeout=30) as client:
            if client.post("/api/v1/calls", json=CALL, headers=token).status_code != 201:
                raise SystemExit("could not ingest the one call the query returns")
            check_series(client, token)
            alternate(client, token, max(20, requests // 20))  # warm-up, untimed
            times = alternate(client, token, requests)
        stop_server(proc)
        print(f"load average after the HTTP phase: {load()}")
        report_http(times)
        print()
        in_process(data_dir, secret, requests)
    finally:
        if proc is not None:
            stop_server(proc)
        if keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny run (200 rounds)")
    parser.add_argument("--requests", type=int, default=None, help="rounds (default 2000)")
    parser.add_argument("--dir", type=Path, default=None, help="where to make the temp dir")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and server log")
    parser.add_argument("--only", choices=("a", "b"), default=None, help="run one part")
    args = parser.parse_args()
    requests = args.requests or (200 if args.quick else 2000)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    if args.only in (None, "a"):
        part_a(args.quick)
    if args.only in (None, "b"):
        part_b(requests, args.dir, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())

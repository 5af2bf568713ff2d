"""Benchmark: where a signed-in read's CPU goes, in process (issue 13's hot path).

No network and no TLS: the app is driven through httpx's ASGI transport, 20 reads in
flight, in one process (the audit writer still runs in its child process, as in
``callvault serve``). Two modes, alternated round by round so that a noisy machine
shifts both alike:

- ``threaded``: as served; each read's database work goes through the worker pool
  (authorization, then the handler: two trips);
- ``inline``: the same code with the pool replaced by a direct call, so all of a read's
  work runs on the event-loop thread. Not a way to serve (the database would block the
  loop); it measures what the trips through the pool cost.

Printed per mode: reads/s and the process's CPU per read (all threads; the ASGI client's
share included, which is the same in both modes), and the ratio threaded/inline.
``--profile`` writes a cProfile of one inline round (``--profile-out``).

    .venv/bin/python bench/hotpath.py               # 3 rounds x 2,000 reads per mode
    .venv/bin/python bench/hotpath.py --rounds 1 --reads 500 --profile
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # the vault recipe and its synthetic credentials

CONCURRENCY = 20
CALLS = 100


def pool_bypassed() -> None:
    """Replace every trip through the worker pool with a direct call (``inline``)."""
    import fastapi.routing
    import starlette.concurrency

    import callvault.web.context

    async def direct(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    for module in (starlette.concurrency, fastapi.routing, callvault.web.context):
        if hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = direct  # type: ignore[attr-defined]


async def signed_in(client: httpx.AsyncClient, uri: str) -> str:
    """The session cookie (one sign-in per run: a TOTP code is accepted once)."""
    login = await client.post(
        "/api/v1/auth/login", json={"email": load.SUPERVISOR, "password": load.PASSWORD}
    )
    login.raise_for_status()
    code = pyotp.parse_uri(uri).now()
    answer = await client.post(
        "/api/v1/auth/mfa", json={"challenge": login.json()["challenge"], "code": code}
    )
    answer.raise_for_status()
    return answer.cookies["callvault_session"]


async def seeded(client: httpx.AsyncClient, token: str) -> list[str]:
    ids = []
    for n in range(CALLS):
        body = {
            "caller_number": f"+1202555{n:04d}",
            "called_number": "+12025550100",
            "tracking_number": "+12025550111",
            "started_at": "2026-11-02T09:00:00+00:00",
            "ended_at": "2026-11-02T09:04:00+00:00",
            "direction": "inbound",
        }
        answer = await client.post(
            "/api/v1/calls", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        answer.raise_for_status()
        ids.append(answer.json()["id"])
    return ids


async def timed(read: Callable[[int], Awaitable[None]], count: int) -> tuple[float, float]:
    """(reads/s, CPU ms per read) for ``count`` reads, ``CONCURRENCY`` in flight."""
    queue = iter(range(count))

    async def reader() -> None:
        for n in queue:
            await read(n)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(reader() for _ in range(CONCURRENCY)))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return count / wall, cpu / count * 1000


@asynccontextmanager
async def app_client(data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    from callvault.settings import load_settings
    from callvault.web.app import create_app

    app = create_app(load_settings(data_dir))
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="https://testserver") as client,
    ):
        yield client


async def prepared(vault: load.Vault) -> tuple[str, list[str]]:
    async with app_client(vault.data_dir) as client:
        ids = await seeded(client, vault.token)
        return await signed_in(client, vault.supervisor_uri), ids


async def measure(
    data_dir: Path, cookie: str, ids: list[str], mode: str, args: argparse.Namespace
) -> list[tuple[float, float]]:
    if args.threads:
        anyio.to_thread.current_default_thread_limiter().total_tokens = args.threads
    async with app_client(data_dir) as client:
        client.cookies.set("callvault_session", cookie)

        async def read(n: int) -> None:
            answer = await client.get(f"/api/v1/calls/{ids[n % len(ids)]}")
            assert answer.status_code == 200, answer.status_code

        await timed(read, 200)  # warm caches and the writer
        results = []
        for _ in range(args.rounds):
            profile = cProfile.Profile() if args.profile and mode == "inline" else None
            if profile:
                profile.enable()
            results.append(await timed(read, args.reads))
            if profile:
                profile.disable()
                profile.dump_stats(args.profile_out)
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--threads", type=int, help="worker-pool size (default: anyio's 40)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-out", default="hotpath.pstats")
    parser.add_argument("--mode", choices=["threaded", "inline"], help=argparse.SUPPRESS)
    parser.add_argument("--vault", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:  # one measurement, in a process of its own (the bypass is global)
        if args.mode == "inline":
            pool_bypassed()
        cookie, ids = os.environ["HOTPATH_COOKIE"], os.environ["HOTPATH_IDS"].split(",")
        for rate, cpu in asyncio.run(measure(Path(args.vault), cookie, ids, args.mode, args)):
            print(f"{rate:.1f} {cpu:.3f}")
        return 0
    root = Path(tempfile.mkdtemp(prefix="callvault-hotpath-"))
    try:
        return compare(root, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def compare(root: Path, args: argparse.Namespace) -> int:
    vault = make_small_vault(root)
    cookie, ids = asyncio.run(prepared(vault))
    env = {**vault.env, "HOTPATH_COOKIE": cookie, "HOTPATH_IDS": ",".join(ids)}
    rows: dict[str, list[tuple[float, float]]] = {"threaded": [], "inline": []}
    for _ in range(args.rounds):  # alternate, so drift hits both modes
        for mode in rows:
            rows[mode] += one_round(mode, env, vault, args)
    print(f"# GET /calls/{{id}} in process, {CONCURRENCY} in flight, {os.cpu_count()} cores")
    for mode, values in rows.items():
        rate = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"{mode:>8}: {rate:.0f} reads/s, {cpu:.2f} ms CPU per read (median of {len(values)})")
    ratio = statistics.median(v[1] for v in rows["threaded"]) / statistics.median(
        v[1] for v in rows["inline"]
    )
    print(f"CPU per read, threaded / inline: {ratio:.2f}")
    return 0


def one_round(
    mode: str, env: dict[str, str], vault: load.Vault, args: argparse.Namespace
) -> list[tuple[float, float]]:
    cmd = [sys.executable, __file__, "--mode", mode, "--vault", str(vault.data_dir)]
    cmd += ["--rounds", "1", "--reads", str(args.reads), "--profile-out", args.profile_out]
    if args.profile:
        cmd.append("--profile")
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    rate, cpu = done.stdout.split()[-2:]
    return [(float(rate), float(cpu))]


def make_small_vault(root: Path) -> load.Vault:
    data_dir = root / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLVAULT_")}
    env["CALLVAULT_DATA_DIR"] = str(data_dir)
    load.callvault(env, "init", "--tenant", load.TENANT, *load.baa_options(data_dir))
    uri = load.callvault(
        env, "user", "create", "--tenant", load.TENANT, "--email", load.SUPERVISOR,
        "--role", "supervisor", "--password-stdin", stdin=load.PASSWORD + "\n",
    )  # fmt: skip
    token = load.callvault(env, "token", "create", "--tenant", load.TENANT, "--role", "integration")
    return load.Vault(env, data_dir, uri, [], token.split()[-1])


if __name__ == "__main__":
    sys.exit(main())

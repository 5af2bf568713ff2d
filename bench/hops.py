"""Benchmark: one trip of a request's work to a worker thread and back, the narrow read
pool (``callvault.web.pools.ReadPool``) against anyio's ``to_thread.run_sync`` with a
two-token limiter (what the read pool was before), on uvloop as ``callvault serve`` runs.

Twenty concurrent tasks (as twenty connections) each make ``--trips`` trips with work that
does nothing, so the figure is the trip's own cost: the event loop's process CPU per trip
(``time.process_time``, both threads) and wall time. Run:

    .venv/bin/python bench/hops.py --trips 1000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

import anyio.to_thread
import uvloop
from anyio import CapacityLimiter

from callvault.web.pools import READ_THREADS, read_pool

TASKS = 20


def nothing() -> int:
    return 1


async def measure(trip: Callable[[], Awaitable[int]], trips: int) -> tuple[float, float]:
    async def client() -> None:
        for _ in range(trips):
            await trip()

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(client() for _ in range(TASKS)))
    count = trips * TASKS
    return (time.process_time() - cpu) / count * 1e6, (time.perf_counter() - wall) / count * 1e6


async def rounds(trips: int, count: int) -> None:
    limiter = CapacityLimiter(READ_THREADS)
    pool = read_pool()

    def anyio_trip() -> Awaitable[int]:
        return anyio.to_thread.run_sync(nothing, limiter=limiter)

    def pool_trip() -> Awaitable[int]:
        return pool.run(nothing)

    print(f"# {TASKS} tasks x {trips} trips, {READ_THREADS} threads; CPU and wall per trip")
    for number in range(1, count + 1):
        base_cpu, base_wall = await measure(anyio_trip, trips)
        cpu, wall = await measure(pool_trip, trips)
        print(
            f"round {number}: anyio {base_cpu:.1f} us CPU, {base_wall:.1f} us wall; "
            f"read pool {cpu:.1f} us CPU, {wall:.1f} us wall; "
            f"CPU ratio {cpu / base_cpu:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trips", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    uvloop.run(rounds(args.trips, args.rounds))


if __name__ == "__main__":
    main()

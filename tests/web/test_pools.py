"""The two worker pools (``callvault.web.pools``): read-only work runs at most
``READ_THREADS`` at a time, other work in anyio's default pool, and every route of the
app goes through them."""

from __future__ import annotations

import inspect
import multiprocessing
import multiprocessing.queues
import threading
import time
from contextvars import ContextVar

import anyio
from fastapi import FastAPI
from fastapi.routing import APIRoute

from callvault.web.pools import (
    READ_THREADS,
    PooledRoute,
    mark_read_only,
    run_blocking,
    run_read_only,
)
from tests.authz.test_route_inventory import flatten

TASKS = 12


class Concurrency:
    """How many threads were inside ``work`` at once, at most."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def work(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.05)
        with self._lock:
            self.now -= 1


def peak_concurrency(read_only: bool, via_mark: bool = True) -> int:
    seen = Concurrency()

    async def request() -> None:  # each a task of its own, as each request is
        if not via_mark:
            await run_read_only(seen.work)
            return
        mark_read_only(read_only)
        await run_blocking(seen.work)

    async def burst() -> None:
        async with anyio.create_task_group() as tasks:
            for _ in range(TASKS):
                tasks.start_soon(request)

    anyio.run(burst)
    return seen.peak


def test_read_only_work_shares_a_narrow_pool() -> None:
    assert peak_concurrency(read_only=True) == READ_THREADS
    assert peak_concurrency(read_only=True, via_mark=False) == READ_THREADS


def test_other_work_is_not_held_to_it() -> None:
    # Writes may wait for SQLite's write lock on their thread: they must not queue
    # behind each other in two threads.
    assert peak_concurrency(read_only=False) > READ_THREADS


def test_every_route_of_the_app_runs_its_handler_through_the_pools(app: FastAPI) -> None:
    api_routes = [route for route in flatten(list(app.routes)) if isinstance(route, APIRoute)]
    assert len(api_routes) > 100
    not_pooled = [route.path for route in api_routes if not isinstance(route, PooledRoute)]
    assert not_pooled == []
    # A plain-def handler left as it was would run in anyio's default pool.
    assert all(inspect.iscoroutinefunction(route.endpoint) for route in api_routes)


def test_a_cancelled_request_waits_for_its_read_only_work_to_end() -> None:
    # Its session is closed as it unwinds: never under a statement still running.
    events: list[str] = []

    def work() -> str:
        time.sleep(0.3)
        events.append("work ended")
        return "result"

    async def request() -> None:
        try:
            await run_read_only(work)
        finally:
            events.append("request unwound")

    async def cancel_soon() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(request)
            await anyio.sleep(0.05)
            tasks.cancel_scope.cancel()

    anyio.run(cancel_soon)
    assert events == ["work ended", "request unwound"]


REQUEST_FACT: ContextVar[str] = ContextVar("request_fact", default="unset")


def test_read_only_work_sees_its_request_context_and_hands_back_its_error() -> None:
    def work() -> None:
        raise LookupError(f"not there for {REQUEST_FACT.get()}")

    async def request() -> str:
        REQUEST_FACT.set("request 7")
        try:
            await run_read_only(work)
        except LookupError as error:
            return str(error)
        return "no error"

    assert anyio.run(request) == "not there for request 7"


def _trip_in_child(results: multiprocessing.queues.Queue[str]) -> None:
    results.put(anyio.run(run_read_only, lambda: "answered in the child"))


def test_a_forked_child_makes_its_own_read_pool() -> None:
    anyio.run(run_read_only, lambda: None)  # the parent's pool and threads exist
    fork = multiprocessing.get_context("fork")
    results: multiprocessing.queues.Queue[str] = fork.Queue()
    child = fork.Process(target=_trip_in_child, args=(results,))
    child.start()
    try:
        assert results.get(timeout=20) == "answered in the child"
    finally:
        child.join(20)

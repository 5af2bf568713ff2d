"""Where a request's blocking work runs: a narrow pool for read-only work, anyio's
default pool (40 threads) for the rest.

Why two: the server is one interpreter, and ``sqlite3`` and ``psycopg`` let go of the
GIL around every statement. With twenty reads in flight on twenty threads, each release
hands the interpreter to another thread (a futex wake and a context switch), and those
hand-overs cost about as much CPU as the reads themselves (bench/RESULTS.md, "Where the
missing reads went"). Two threads keep the database busy with far fewer hand-overs.

Why not one narrow pool for everything: a write may wait for SQLite's write lock while
holding its thread, and with few threads, waiting writers could leave none to the
request that holds the lock. Read-only work never waits for a lock (SQLite's WAL
readers and PostgreSQL's MVCC readers don't wait for writers), so a narrow pool is safe
for it and only for it.

Which is which is decided per request by ``web.context`` when it builds the request's
context: a read-only session (safe methods, and routes declared ``writes=False``) marks
the request's work read-only. Every route class is a ``PooledRoute``, whose plain-``def``
handlers run in the pool the request was marked for.

Why the narrow pool is not anyio's ``to_thread`` with a limiter: a read makes two trips
(authorization, then the handler), and anyio's trip (a cancel scope, a limiter, a
``queue.Queue`` per worker) costs about 65 us of CPU against about 6 for this pool's (a
``SimpleQueue`` and ``call_soon_threadsafe``; ``bench/hops.py``). Like anyio's, a trip
cannot be abandoned: a request cancelled meanwhile (its client went away) waits for its
work to finish before it unwinds, so its session is never closed under a running
statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import os
import queue
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import anyio
import anyio.to_thread
from fastapi.routing import APIRoute

READ_THREADS = 2

P = ParamSpec("P")
T = TypeVar("T")

_read_only: ContextVar[bool] = ContextVar("callvault_read_only", default=False)


class ReadPool:
    """``READ_THREADS`` threads taking work from one queue, each handing its result back
    to the event loop that asked for it."""

    def __init__(self, threads: int) -> None:
        self._work: queue.SimpleQueue[_Trip] = queue.SimpleQueue()
        for number in range(threads):
            name = f"callvault-read-{number}"
            threading.Thread(target=self._serve, name=name, daemon=True).start()

    async def run(self, call: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        self._work.put(_Trip(loop, done, contextvars.copy_context(), call))
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            if not done.cancelled():  # (cancelled: the loop is going away)
                with anyio.CancelScope(shield=True):
                    await _finished(done)
            raise

    def _serve(self) -> None:
        while True:
            self._work.get().run()


@dataclass(slots=True)
class _Trip:
    loop: asyncio.AbstractEventLoop
    done: asyncio.Future[Any]
    context: contextvars.Context
    call: Callable[[], Any]

    def run(self) -> None:
        try:
            outcome: tuple[Any, BaseException | None] = (self.context.run(self.call), None)
        except BaseException as error:  # handed to the awaiting request, as anyio does
            outcome = (None, error)
        with contextlib.suppress(RuntimeError):  # that loop closed: nobody waits any more
            self.loop.call_soon_threadsafe(_settle, self.done, *outcome)


async def _finished(done: asyncio.Future[Any]) -> None:
    """Wait until the work behind ``done`` has ended, whatever cancels the waiter."""
    while not done.done():
        try:
            await asyncio.shield(done)
        except asyncio.CancelledError:
            continue
        except BaseException:  # the work's own error: it has ended
            return


def _settle(done: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(result)
    else:
        done.set_exception(error)


_pool: ReadPool | None = None
_pool_lock = threading.Lock()


def read_pool() -> ReadPool:
    """This process's narrow pool (made on first use; a forked child makes its own)."""
    global _pool
    if _pool is None:  # the lock only while it is made, not on every trip
        with _pool_lock:
            if _pool is None:
                _pool = ReadPool(READ_THREADS)
    return _pool


def _forget_pool_in_child() -> None:
    """A forked child has none of its parent's threads: its first trip makes a pool."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool_in_child)


def mark_read_only(read_only: bool) -> None:
    """Say whether the current request's blocking work only reads (its task's context)."""
    _read_only.set(read_only)


async def run_read_only(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``func`` in the narrow pool: for work that reads and never waits for a lock."""
    return await read_pool().run(functools.partial(func, *args, **kwargs))


async def run_blocking(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``func`` in the pool the current request was marked for (anyio's default pool
    unless it was marked read-only)."""
    call = functools.partial(func, *args, **kwargs)
    if _read_only.get():
        return await read_pool().run(call)
    return await anyio.to_thread.run_sync(call)


class ResolvedInTrip:
    """A dependency's value whose blocking part is done at the start of its handler's
    trip, as ``resolve()``, instead of in a trip of its own (``web.context``'s
    authorization of a read: one trip through the pool a read instead of two). Only a
    dependency marked ``IN_HANDLER_TRIP`` may give one, and only to a route that
    ``resolves_in_trip`` (a plain-``def`` handler, its only consumer)."""

    def resolve(self) -> Any:
        raise NotImplementedError


IN_HANDLER_TRIP = "__callvault_in_handler_trip__"


def pooled(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A plain-``def`` handler as an ``async`` one that runs it through ``run_blocking``.
    FastAPI reads the parameters through ``__wrapped__``, so nothing else changes."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def in_pool(**values: Any) -> Any:
        return await run_blocking(_resolved_then, endpoint, values)

    return in_pool


def _resolved_then(endpoint: Callable[..., Any], values: dict[str, Any]) -> Any:
    for name, value in values.items():
        if isinstance(value, ResolvedInTrip):
            values[name] = value.resolve()
    return endpoint(**values)


class PooledRoute(APIRoute):
    """The route class of every router: its plain-``def`` handler runs in the pool its
    request was marked for. ``resolves_in_trip`` says whether a dependency marked
    ``IN_HANDLER_TRIP`` may leave its blocking part to the handler's trip: only when the
    handler is a plain ``def`` and takes that dependency itself, and nothing else in
    the route's dependencies uses it (which would be handed an unresolved value)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, pooled(endpoint), **kwargs)
        marked = [d for d in _all_dependencies(self.dependant) if _in_handler_trip(d.call)]
        resolves = (
            not inspect.iscoroutinefunction(endpoint)
            and len(marked) == 1
            # A parameter of the handler itself: a route's own ``dependencies=[...]``
            # have no name, and their values never reach the handler to be resolved.
            and marked[0].name is not None
            and any(d is marked[0] for d in self.dependant.dependencies)
        )
        # Named, not merely flagged: a dependency added later (``include_router``'s
        # ``dependencies=``) is another callable, and keeps its own trip.
        self.in_trip_dependency: Callable[..., Any] | None = marked[0].call if resolves else None

    @property
    def resolves_in_trip(self) -> bool:
        return self.in_trip_dependency is not None


def _in_handler_trip(call: Any) -> bool:
    return bool(getattr(call, IN_HANDLER_TRIP, False))


def _all_dependencies(dependant: Any) -> list[Any]:
    found = []
    for inner in dependant.dependencies:
        found += [inner, *_all_dependencies(inner)]
    return found

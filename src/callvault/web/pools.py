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
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from fastapi.routing import APIRoute

READ_THREADS = 2

P = ParamSpec("P")
T = TypeVar("T")

_read_limiter: RunVar[CapacityLimiter] = RunVar("callvault_read_limiter")
_read_only: ContextVar[bool] = ContextVar("callvault_read_only", default=False)


def read_limiter() -> CapacityLimiter:
    """The narrow pool's limiter, one per event loop (as anyio's own default)."""
    try:
        return _read_limiter.get()
    except LookupError:
        limiter = CapacityLimiter(READ_THREADS)
        _read_limiter.set(limiter)
        return limiter


def mark_read_only(read_only: bool) -> None:
    """Say whether the current request's blocking work only reads (its task's context)."""
    _read_only.set(read_only)


async def run_read_only(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``func`` in the narrow pool: for work that reads and never waits for a lock."""
    call = functools.partial(func, *args, **kwargs)
    return await anyio.to_thread.run_sync(call, limiter=read_limiter())


async def run_blocking(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``func`` in the pool the current request was marked for (the default pool unless
    it was marked read-only)."""
    limiter = read_limiter() if _read_only.get() else None
    call = functools.partial(func, *args, **kwargs)
    return await anyio.to_thread.run_sync(call, limiter=limiter)


def pooled(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A plain-``def`` handler as an ``async`` one that runs it through ``run_blocking``.
    FastAPI reads the parameters through ``__wrapped__``, so nothing else changes."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def in_pool(**values: Any) -> Any:
        return await run_blocking(endpoint, **values)

    return in_pool


class PooledRoute(APIRoute):
    """The route class of every router: its plain-``def`` handler runs in the pool its
    request was marked for."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, pooled(endpoint), **kwargs)

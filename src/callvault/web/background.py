"""Periodic jobs the server runs while it is up (signing due audit tree heads, ...).

Each job gets a fresh database session, runs in a worker thread, and is isolated: one
that fails is logged (its type only: errors may carry anything) and retried next tick.
Every job must be safe to run in several server processes at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import suppress

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

log = logging.getLogger("callvault.background")

Job = Callable[[Session], object]


def run_jobs_once(sessions: sessionmaker[Session], jobs: Sequence[Job]) -> None:
    for job in jobs:
        with sessions() as session:
            try:
                job(session)
                session.commit()
            except Exception as exc:  # one failing job must not stop the rest
                session.rollback()
                log.error(
                    "background job failed",
                    extra={"job": getattr(job, "__name__", "?"), "error": type(exc).__name__},
                )


async def run_periodically(
    sessions: sessionmaker[Session], jobs: Sequence[Job], interval_seconds: float
) -> None:
    while True:
        await run_in_threadpool(run_jobs_once, sessions, jobs)
        await asyncio.sleep(interval_seconds)


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task

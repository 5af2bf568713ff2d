"""An idle tick of the jobs loop takes no write lock (issue 13: "idle background ticks
do not take SQLite's write lock"). On SQLite the lock is one for the whole database,
and every audited request's events wait for it: the jobs process looks for work with
reads and writes only when it found some."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator

import pytest

from callvault.db.base import LOCK_TIMEOUT_MS
from callvault.settings import Settings
from callvault.web.background import JobsLoop, run_jobs_once


@pytest.fixture
def loop(vault: Settings, db_backend: str) -> Iterator[JobsLoop]:
    if db_backend != "sqlite":
        pytest.skip("sqlite only: PostgreSQL has no database-wide write lock")
    jobs = JobsLoop(vault)
    try:
        yield jobs
    finally:
        jobs.close()


def test_an_idle_tick_runs_while_another_process_holds_the_write_lock(
    vault: Settings, loop: JobsLoop, caplog: pytest.LogCaptureFixture
) -> None:
    run_jobs_once(loop.sessions, loop.jobs)  # whatever was due at start is done now
    holder = sqlite3.connect(vault.database_url.removeprefix("sqlite:///"))
    holder.execute("BEGIN IMMEDIATE")  # as a writer in the middle of its commit
    try:
        with caplog.at_level(logging.ERROR, logger="callvault.background"):
            started = time.monotonic()
            run_jobs_once(loop.sessions, loop.jobs)
            took = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert [r.getMessage() for r in caplog.records] == []  # no job failed on the lock
    assert took < LOCK_TIMEOUT_MS / 1000 / 2, f"the idle tick waited {took:.1f} s for the lock"

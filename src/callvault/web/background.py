"""The periodic background work: signing due audit tree heads, the alert watcher, alert
delivery, the daily retention sweep, approved exports (built, and shredded once spent),
and the recording pipeline.

It runs in jobs processes (``callvault jobs run``, ``callvault worker``), never in an API
worker: the pipeline's transcriber holds the GIL for seconds at a time, and an API
process that shared its interpreter would keep requests waiting for it. ``callvault
serve`` starts one with itself, restarts it if it dies and drains it at shutdown
(``callvault.web.supervisor``); ``callvault jobs run`` and ``callvault worker`` run the
same loop on their own, on other hosts say.

The two databases differ in two ways:

- **SQLite** (one host): the recording pipeline is ``PipelineWorker``, one thread
  claiming due jobs; the periodic jobs run in the process as they come.
- **PostgreSQL** (scaled out): the recording pipeline is ``QueuedPipeline``, a
  procrastinate worker running ``concurrency`` jobs at once (``callvault.jobs.queue``),
  and every periodic job is kept to one run cluster-wide (``callvault.jobs.schedules``):
  the per-tick ones under an advisory lock each, the daily ones (retention sweep, BAA
  expiry reminders) by their ``job_schedules`` row as well. Any number of these
  processes may run; one more is capacity, never a second run of a schedule.

Each periodic job gets a fresh database session and is isolated: one that fails is
logged (its type only: errors may carry anything) and retried next tick. Each looks for
its work with reads and writes only when it found some (``when_due``, ``reading_first``):
on SQLite an idle tick then takes no write lock, which audited requests would wait for.
Tests that need the loop run it in a thread beside their app: ``jobs_running(settings)``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from callvault.alerts.delivery import any_alert_due, deliver_alerts_job, delivery_session_info
from callvault.alerts.watcher import run_watcher
from callvault.audit.heads import any_head_due, sign_due_heads
from callvault.audit.runtime import AuditRuntime
from callvault.blobs.factory import create_blob_store
from callvault.blobs.interface import BlobStore
from callvault.compliance.reminders import DailyExpiryReminder
from callvault.crypto.keyprovider import LocalKeyFileProvider, RootKeyProvider
from callvault.db.base import (
    create_db_engine,
    create_read_session_factory,
    create_session_factory,
    purge_pending_data,
)
from callvault.jobs.queue import STALLED_AFTER_SECONDS, is_queue_database
from callvault.jobs.schedules import ClusterLocks, daily, exclusive, next_utc_midnight, scheduled
from callvault.jobs.service import RetryPolicy
from callvault.lifecycle.exports_build import ExportBuilder
from callvault.lifecycle.sweep import DailySweep, Sweeper
from callvault.pipeline.runner import JobResult, PipelineRuntime, PipelineWorker
from callvault.pipeline.steps import remove_abandoned_workdirs, workdir_base
from callvault.settings import Settings

if TYPE_CHECKING:  # procrastinate's, imported only on PostgreSQL (callvault.jobs.queue)
    from callvault.pipeline.queued import QueuedPipeline

log = logging.getLogger("callvault.background")

Job = Callable[[Session], object]
TICK_SECONDS = 1.0
# How long a stopping loop waits for the pipeline job in flight; beyond it the job is
# left to its lease. Below the supervisor's own wait (callvault.web.supervisor).
DRAIN_SECONDS = 20.0


def periodic_jobs(read_sessions: sessionmaker[Session]) -> list[Job]:
    """What runs every tick besides the pipeline, each reading before it writes: the
    alert watcher reads and evaluates in a session of ``read_sessions``, and the others
    start only when one of them shows there is work, so an idle tick takes no write lock."""
    return [
        when_due(read_sessions, any_head_due, sign_due_heads),
        reading_first(read_sessions, run_watcher),
        when_due(read_sessions, any_alert_due, deliver_alerts_job),
    ]


def purge_pending(session: Session) -> bool:
    """The WAL purges after crypto-shreds that could not finish at once (SQLite:
    ``callvault.db.base.purge_deleted_data``); looking costs one ``stat``."""
    return purge_pending_data(session.get_bind().engine)


def when_due(
    read_sessions: sessionmaker[Session], is_due: Callable[[Session], bool], job: Job
) -> Job:
    """``job`` in the tick's session, only when ``is_due`` finds work in a read-only
    session: on SQLite a writing session takes the database's one write lock at its
    first statement, even to find that there is nothing to do."""

    def run(session: Session) -> object:
        with read_sessions() as reading:
            if not is_due(reading):
                return None
        return job(session)

    run.__name__ = getattr(job, "__name__", "job")
    return run


def reading_first(read_sessions: sessionmaker[Session], job: Job) -> Job:
    """``job`` in a read-only session of its own, which writes aside
    (``callvault.db.base.write_aside``): on SQLite it then holds the write lock only
    while it writes, never while it reads and thinks, and audited requests, whose
    events wait for that lock, do not wait behind it."""

    def run(_: Session) -> object:
        with read_sessions() as session:
            return job(session)

    run.__name__ = getattr(job, "__name__", "job")
    return run


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


@dataclass(frozen=True)
class QueueOptions:
    """How the recording pipeline runs on PostgreSQL (``callvault worker``'s options):
    jobs at once, seconds of silence after which a worker counts as dead, and the retry
    policy. Ignored on SQLite."""

    concurrency: int = 1
    stalled_after: float = STALLED_AFTER_SECONDS
    retry: RetryPolicy = field(default_factory=RetryPolicy)


class JobsLoop:
    """The jobs process's loop on ``settings``' database, blobs and root key."""

    def __init__(
        self,
        settings: Settings,
        *,
        root_key: RootKeyProvider | None = None,
        blobs: BlobStore | None = None,
        pipeline_limit: int = 100,
        on_result: Callable[[JobResult], None] | None = None,
        queue: QueueOptions | None = None,
    ) -> None:
        root_key = root_key or LocalKeyFileProvider(settings.root_key_path)
        audit = AuditRuntime.for_settings(settings, root_key)
        self._engine = create_db_engine(settings.database_url)
        self._read_engine = create_db_engine(settings.database_url, read_only=True)
        info = {**audit.session_info(), **delivery_session_info(root_key)}
        self.sessions = create_session_factory(self._engine, info)
        self.read_sessions = create_read_session_factory(self._read_engine, self.sessions)
        blobs = blobs or create_blob_store(settings)
        self.queued = is_queue_database(settings.database_url)
        self.every_tick: list[Job] = []
        options = queue or QueueOptions()
        runtime = PipelineRuntime(root_key, settings, retry=options.retry)
        # A pipeline process killed mid-job left its decrypted original behind.
        remove_abandoned_workdirs(workdir_base(settings.data_dir))
        self.pipeline: PipelineWorker | QueuedPipeline
        if self.queued:
            from callvault.pipeline.queued import QueuedPipeline

            self.pipeline = QueuedPipeline(
                self.sessions,
                blobs,
                runtime,
                settings.database_url,
                concurrency=options.concurrency,
                stalled_after=options.stalled_after,
                limit=pipeline_limit,
                on_result=on_result,
            )
        else:
            self.pipeline = PipelineWorker(
                self.sessions, blobs, runtime, limit=pipeline_limit, on_result=on_result
            )
        sweeper = Sweeper(self.sessions, root_key, blobs)
        exports = ExportBuilder(self.sessions, root_key, blobs, read_sessions=self.read_sessions)
        # The pipeline's tick only looks for due jobs (its thread has sessions of its own).
        pipeline = reading_first(self.read_sessions, self.pipeline.run_pipeline)
        self.jobs: list[Job] = [*self._periodic(sweeper, exports), pipeline]

    def _periodic(self, sweeper: Sweeper, exports: ExportBuilder) -> list[Job]:
        """Every job but the pipeline: as they are on SQLite, each kept to one run
        cluster-wide on PostgreSQL."""
        if not self.queued:
            self.every_tick = [*periodic_jobs(self.read_sessions), purge_pending]
            daily_jobs: list[Job] = [DailySweep(sweeper), DailyExpiryReminder()]
            return [*self.every_tick, *daily_jobs, exports]
        locks = ClusterLocks(self._engine)
        self.every_tick = [exclusive(locks, job) for job in periodic_jobs(self.read_sessions)]

        def retention_sweep(_: Session) -> object:
            return sweeper.run()

        def baa_expiry_reminder(session: Session) -> object:
            return DailyExpiryReminder()(session)  # its own once-a-day is per process

        return [
            *self.every_tick,
            exclusive(locks, exports),
            scheduled(locks, retention_sweep, daily),
            scheduled(locks, baa_expiry_reminder, next_utc_midnight),
        ]

    def run(self, stop: threading.Event, tick_seconds: float = TICK_SECONDS) -> bool:
        """Tick until ``stop`` is set, then drain: a tick in progress ends, the pipeline
        claims nothing new and its jobs in flight get ``DRAIN_SECONDS`` to finish. True
        if none is left running (one that is is retried: after its lease on SQLite,
        once this process's heartbeats stop on PostgreSQL)."""
        while not stop.is_set():
            run_jobs_once(self.sessions, self.jobs)
            stop.wait(tick_seconds)
        if self.pipeline.drain(DRAIN_SECONDS):
            return True
        log.warning("pipeline job still running at exit: left to its lease")
        return False

    def run_once(self) -> list[JobResult]:
        """One round in this thread: the periodic jobs, then the recording jobs due now
        (at most ``pipeline_limit``)."""
        run_jobs_once(self.sessions, self.every_tick)
        return self.pipeline.run_now()

    def close(self) -> None:
        self._engine.dispose()
        self._read_engine.dispose()


@contextmanager
def jobs_running(settings: Settings, tick_seconds: float = 0.2) -> Iterator[JobsLoop]:
    """The jobs loop in a thread of this process while the block runs (tests and
    embedders: ``callvault serve`` runs it in a process of its own)."""
    loop = JobsLoop(settings)
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop, tick_seconds), name="jobs-loop")
    thread.start()
    try:
        yield loop
    finally:
        stop.set()
        thread.join()
        loop.close()

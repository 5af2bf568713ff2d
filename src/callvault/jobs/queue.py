"""The job queue on PostgreSQL: procrastinate carries the recording jobs' execution.

``recording_jobs`` stays the record of where a call's pipeline stands (the calls API
reads it; claims, leases, retries and backoff are ``callvault.jobs.service``'s).
procrastinate (PostgreSQL-backed, psycopg 3) delivers the work to any number of
workers on any number of machines (``callvault worker``):

- **Dispatch.** Each worker, every second, defers one procrastinate job per due
  recording job (task ``RECORDING_TASK``, kwargs ``{"job_id": ...}``) with a queueing
  lock (at most one waiting per recording job, so several dispatching workers defer it
  once) and a lock (no two run at once, across the cluster).
- **Run.** The worker that fetches it claims the recording job by id
  (``service.claim_job``) with a lease token naming the procrastinate job
  (``lease_token``). Not due any more (done, reset, leased)? Nothing happens.
- **Retries with backoff** are the recording job's own (``RetryPolicy``): a failed
  attempt makes it due again later, and the dispatcher defers it again then.
- **A worker killed with -9.** procrastinate's workers send heartbeats; once one has
  been silent for ``stalled_after`` seconds its jobs are stalled
  (``stalled_recording_jobs``). Any worker then makes the recording job the dead one
  held due at once (``service.expire_lease``, matched by the token's prefix, so only
  that worker's claim) and fails the procrastinate job (``WorkerLost`` in its history),
  which frees the lock; the next dispatch runs the job again, as a new attempt. A
  result is stored only under a live claim (``service.move_held`` in the storing
  transaction), so however a worker died, exactly one result is stored.

procrastinate's tables live in the PostgreSQL schema ``QUEUE_SCHEMA`` (migration 0020);
its connections set ``search_path`` to it. Nothing here runs on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from callvault.db.base import new_id

if TYPE_CHECKING:
    from procrastinate import App

# procrastinate (and psycopg with it, ~0.2 s) is imported where the queue is used, so
# a SQLite jobs process, which never is, does not pay for it at every start.

QUEUE_SCHEMA = "procrastinate"
RECORDING_TASK = "callvault.recording_job"
RECORDING_QUEUE = "recordings"
STALLED_AFTER_SECONDS = 30.0  # a worker silent this long is dead (heartbeats every 1/3)


def is_queue_database(database_url: str) -> bool:
    """Whether ``database_url`` runs the queue (PostgreSQL) or the embedded runner."""
    return database_url.startswith("postgresql")


def libpq_url(database_url: str) -> str:
    """Our SQLAlchemy URL (``postgresql+psycopg://``) as libpq's conninfo URL."""
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


def queue_app(database_url: str, *, max_connections: int = 4) -> App:
    """A procrastinate app on the database (not opened; async, psycopg 3 pool)."""
    from procrastinate import App, PsycopgConnector

    connector = PsycopgConnector(
        conninfo=libpq_url(database_url),
        kwargs={"options": f"-c search_path={QUEUE_SCHEMA}"},
        min_size=1,
        max_size=max_connections,
    )
    return App(connector=connector)


def job_lock(job_id: str) -> str:
    return f"recording-job:{job_id}"


def token_prefix(queue_job_id: int) -> str:
    """How a lease token taken by procrastinate job ``queue_job_id`` starts."""
    return f"q{queue_job_id}-"


def lease_token(queue_job_id: int) -> str:
    """A fresh lease token (32 characters, like ``new_id``) naming the queue job."""
    return (token_prefix(queue_job_id) + new_id())[:32]


async def defer_due(app: App, job_ids: list[str]) -> int:
    """Defer one run per due recording job unless one is already waiting; how many
    were deferred."""
    from procrastinate.exceptions import AlreadyEnqueued

    deferred = 0
    for job_id in job_ids:
        lock = job_lock(job_id)
        deferrer = app.configure_task(
            RECORDING_TASK, queue=RECORDING_QUEUE, lock=lock, queueing_lock=lock
        )
        try:
            await deferrer.defer_async(job_id=job_id)
        except AlreadyEnqueued:
            continue  # another worker's dispatch (or ours, earlier) is waiting
        deferred += 1
    return deferred


@dataclass(frozen=True)
class StalledRun:
    """A procrastinate job whose worker stopped sending heartbeats."""

    queue_job_id: int
    job_id: str | None  # the recording job it was running


async def stalled_recording_jobs(app: App, stalled_after: float) -> list[StalledRun]:
    jobs = await app.job_manager.get_stalled_jobs(
        task_name=RECORDING_TASK, seconds_since_heartbeat=stalled_after
    )
    runs = []
    for job in jobs:
        job_id = job.task_kwargs.get("job_id")
        assert job.id is not None
        runs.append(StalledRun(job.id, job_id if isinstance(job_id, str) else None))
    return runs


async def fail_stalled(app: App, queue_job_id: int) -> None:
    """Move a stalled run out of ``doing`` (failed), which frees its lock."""
    from procrastinate.jobs import Status

    await app.job_manager.finish_job_by_id_async(
        job_id=queue_job_id, status=Status.FAILED, delete_job=False
    )

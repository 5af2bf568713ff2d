"""What an operator sees of the queue (``callvault jobs status``): recording jobs by
state, the failed ones with their reasons, procrastinate's runs and live workers
(PostgreSQL), and the cluster-wide schedules. Ids, counts, times and error class names
only: nothing here can hold PHI. Reads every tenant's jobs (an operator's view of one
installation), never a call's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from callvault.jobs.models import JobSchedule, JobState, RecordingJob
from callvault.jobs.queue import QUEUE_SCHEMA, RECORDING_QUEUE

assert QUEUE_SCHEMA == "procrastinate"  # the schema the queries below name


@dataclass(frozen=True)
class FailedJob:
    job_id: str
    call_id: str
    attempts: int
    reason: str | None  # an error class name (or WorkerLost), never a message
    updated_at: datetime


@dataclass(frozen=True)
class QueueRuns:
    """procrastinate's view: its runs by status, and workers heard from lately."""

    by_status: dict[str, int]
    live_workers: int


def counts_by_state(session: Session) -> dict[str, int]:
    """Recording jobs per state, every state listed (0 when none)."""
    rows = session.execute(
        select(RecordingJob.state, func.count()).group_by(RecordingJob.state)
    ).all()
    found = {state: int(count) for state, count in rows}
    return {state.value: found.get(state.value, 0) for state in JobState}


def failed_jobs(session: Session, limit: int = 50) -> list[FailedJob]:
    """The failed recording jobs, latest first."""
    rows = session.execute(
        select(RecordingJob)
        .where(RecordingJob.state == JobState.FAILED.value)
        .order_by(RecordingJob.updated_at.desc())
        .limit(limit)
    ).scalars()
    return [FailedJob(r.id, r.call_id, r.attempts, r.reason, r.updated_at) for r in rows]


def schedules(session: Session) -> list[JobSchedule]:
    return list(session.execute(select(JobSchedule).order_by(JobSchedule.name)).scalars())


def queue_runs(session: Session, heard_within_s: float = 60.0) -> QueueRuns:
    """procrastinate's runs of recording jobs by status, and its workers that sent a
    heartbeat within ``heard_within_s`` seconds (PostgreSQL only)."""
    by_status = session.execute(
        text(
            "SELECT status::text, count(*) FROM procrastinate.procrastinate_jobs"
            " WHERE queue_name = :queue GROUP BY status"
        ),
        {"queue": RECORDING_QUEUE},
    ).all()
    workers = session.execute(
        text(
            "SELECT count(*) FROM procrastinate.procrastinate_workers"
            " WHERE last_heartbeat > now() - make_interval(secs => :within)"
        ),
        {"within": heard_within_s},
    ).scalar_one()
    return QueueRuns({str(status): int(n) for status, n in by_status}, int(workers))

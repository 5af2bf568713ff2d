"""Background schedules that run once cluster-wide, not once per jobs process.

On PostgreSQL any number of jobs processes and workers (``callvault jobs run``,
``callvault worker``, serve's own jobs process) tick on one database. Every periodic job
they run goes through one of two gates here:

- ``exclusive(job)``: a PostgreSQL session-level advisory lock per job
  (``pg_try_advisory_lock``, key ``advisory_key(name)``) held on a connection of its own
  while the job runs. A process that does not get it skips that job this tick, so the
  job runs in one process at a time; what it does is decided from the database (heads
  due for signing, events not yet evaluated, exports approved), so the next holder
  finds it done. A process killed with -9 loses its connection and with it the lock.
- ``scheduled(job, next_due)``: the same lock, plus a row in ``job_schedules`` saying
  when the job is next due: taken (next due moved on, run counted) before it runs, so
  the daily retention sweep and the BAA expiry reminders run once a day for the whole
  cluster, however many processes start or restart.

On SQLite (one host, one jobs process) neither is used: the loop runs its jobs as it
always has.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from callvault.db.base import utcnow
from callvault.jobs.models import JobSchedule

log = logging.getLogger("callvault.jobs.schedules")

Job = Callable[[Session], object]


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for the schedule ``name``."""
    digest = hashlib.sha256(b"callvault-schedule:" + name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class ClusterLocks:
    """Advisory locks on ``engine``'s PostgreSQL database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def held(self, name: str) -> Iterator[bool]:
        """Try the lock for ``name``; yields whether this process holds it (released
        when the block ends). No transaction stays open while the block runs."""
        key = advisory_key(name)
        with self._engine.connect() as connection:
            got = bool(
                connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            )
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    connection.commit()


def job_name(job: Job) -> str:
    return str(getattr(job, "__name__", type(job).__name__))


def exclusive(locks: ClusterLocks, job: Job, name: str | None = None) -> Job:
    """``job``, run by at most one process of the cluster at a time."""
    label = name or job_name(job)

    def run(session: Session) -> object:
        with locks.held(label) as mine:
            return job(session) if mine else None

    run.__name__ = label
    return run


def daily(now: datetime) -> datetime:
    return now + timedelta(days=1)


def next_utc_midnight(now: datetime) -> datetime:
    day = now.astimezone(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def scheduled(
    locks: ClusterLocks,
    job: Job,
    next_due: Callable[[datetime], datetime],
    name: str | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Job:
    """``job``, run when its ``job_schedules`` row says it is due (at once the first
    time), by one process of the cluster; a failure waits for the next due time, as
    the per-process schedules it replaces did."""
    label = name or job_name(job)

    def run(session: Session) -> object:
        with locks.held(label) as mine:
            if not mine or not take_due(session, label, clock(), next_due):
                return None
            try:
                result = job(session)
            except Exception as exc:
                session.rollback()
                record_end(session, label, clock(), type(exc).__name__)
                raise
            session.commit()
            record_end(session, label, clock(), None)
            return result

    run.__name__ = label
    return run


def take_due(
    session: Session, name: str, now: datetime, next_due: Callable[[datetime], datetime]
) -> bool:
    """If ``name`` is due, count the run and move its due time on (committed); True if
    it was due. Called under the schedule's advisory lock."""
    row = session.get(JobSchedule, name)
    if row is None:
        row = JobSchedule(name=name, runs=0)
        session.add(row)
    elif row.next_due_at is not None and row.next_due_at > now:
        session.rollback()
        return False
    row.next_due_at = next_due(now)
    row.last_started_at = now
    row.runs = (row.runs or 0) + 1
    session.commit()
    return True


def record_end(session: Session, name: str, now: datetime, error: str | None) -> None:
    row = session.get(JobSchedule, name)
    if row is not None:
        row.last_finished_at = now
        row.last_error = error[:100] if error else None
        session.commit()

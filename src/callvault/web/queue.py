"""The recording job queue seen from outside: its depth for ``/metrics`` and its health
for ``/readyz``, read from the ``recording_jobs`` table (``callvault.jobs.models``).

The toolkit cannot import the jobs capability (it stands above), so the table is named
here by its columns; ``tests/web/test_queue.py`` holds ``JOB_STATES`` equal to
``JobState``. Counts are over every tenant and carry no tenant: the statements run on a
connection, never through a tenant-scoped ORM session.

The readiness rule: the queue is failing when the table cannot be read, or when it is
stalled: a job has been due (pending, or processing with its lease run out) for longer
than ``STALL`` and no job row has moved in that time either. A long backlog that is
being worked (rows finish, leases are renewed) is busy, not broken, and stays ready.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import ColumnElement, Connection, and_, column, func, select, table

from callvault.db.base import UTCDateTime, utcnow
from callvault.errors import ServiceUnavailable

JOB_STATES = ("pending", "processing", "done", "review", "failed")
ACTIVE_STATES = ("pending", "processing")
STALL = timedelta(minutes=15)

_jobs = table(
    "recording_jobs",
    column("state"),
    column("next_attempt_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)


class QueueStalled(ServiceUnavailable):
    """Jobs have been due for longer than ``STALL`` and none has moved."""


@dataclass(frozen=True)
class QueueSnapshot:
    depth: dict[str, int]  # jobs in each state, every state named
    due: int  # pending or lease-expired jobs whose time has come
    oldest_due_seconds: float  # how long the longest-waiting due job has waited; 0 if none


def read_queue(connection: Connection, now: datetime) -> QueueSnapshot:
    depth = dict.fromkeys(JOB_STATES, 0)
    rows = connection.execute(select(_jobs.c.state, func.count()).group_by(_jobs.c.state))
    for state, count in rows:
        depth[str(state)] = int(count)
    due, oldest = connection.execute(
        select(func.count(), func.min(_jobs.c.next_attempt_at)).where(_due(now))
    ).one()
    waited = (now - oldest).total_seconds() if oldest is not None else 0.0
    return QueueSnapshot(depth, int(due), max(waited, 0.0))


def check_queue(connection: Connection, now: datetime | None = None) -> None:
    """Return if the queue can be read and is not stalled, else ``QueueStalled``."""
    now = now or utcnow()
    cutoff = now - STALL
    overdue = connection.execute(select(_jobs.c.state).where(_due(cutoff)).limit(1)).first()
    if overdue is None:
        return
    moved = connection.execute(
        select(_jobs.c.state).where(_jobs.c.updated_at >= cutoff).limit(1)
    ).first()
    if moved is None:
        raise QueueStalled("recording jobs are overdue and none is moving")


def _due(moment: datetime) -> ColumnElement[bool]:
    return and_(_jobs.c.state.in_(ACTIVE_STATES), _jobs.c.next_attempt_at <= moment)


class QueueCollector(Collector):
    """The queue's gauges, read when scraped on ``connection``."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def collect(self) -> Iterator[Metric]:
        snapshot = read_queue(self._connection, utcnow())
        depth = GaugeMetricFamily(
            "callvault_recording_jobs", "Recording jobs in each state.", labels=["state"]
        )
        for state, count in snapshot.depth.items():
            depth.add_metric([state], count)
        yield depth
        yield GaugeMetricFamily(
            "callvault_recording_jobs_due", "Recording jobs due to run now.", value=snapshot.due
        )
        yield GaugeMetricFamily(
            "callvault_recording_jobs_oldest_due_seconds",
            "How long the longest-waiting due recording job has waited (0: none due).",
            value=snapshot.oldest_due_seconds,
        )

"""Cluster-wide schedules (``callvault.jobs.schedules``): a due schedule is taken once and
moved on; on PostgreSQL an advisory lock lets one holder at a time run a job, released
when it ends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from callvault.db.base import create_db_engine, create_session_factory
from callvault.jobs.models import JobSchedule
from callvault.jobs.schedules import (
    ClusterLocks,
    advisory_key,
    daily,
    exclusive,
    next_utc_midnight,
    scheduled,
    take_due,
)

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
def engine(migrated_database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(migrated_database_url)
    yield engine
    engine.dispose()


def test_a_schedule_is_taken_once_until_it_is_due_again(engine: Engine) -> None:
    with create_session_factory(engine)() as session:
        assert take_due(session, "sweep", NOW, daily)  # never ran: due at once
        assert not take_due(session, "sweep", NOW + timedelta(hours=23), daily)
        assert take_due(session, "sweep", NOW + timedelta(days=1), daily)
        row = session.get(JobSchedule, "sweep")
        assert row is not None and row.runs == 2
        assert row.next_due_at == NOW + timedelta(days=2)


def test_next_utc_midnight_and_keys_are_stable() -> None:
    assert next_utc_midnight(NOW) == datetime(2026, 1, 6, tzinfo=UTC)
    assert advisory_key("retention_sweep") == advisory_key("retention_sweep")
    assert advisory_key("retention_sweep") != advisory_key("run_watcher")


@pytest.mark.postgresql_only
def test_a_held_lock_keeps_a_second_holder_out_until_released(engine: Engine) -> None:
    locks, other = ClusterLocks(engine), ClusterLocks(engine)  # two connections
    ran: list[str] = []

    def job(_: Session) -> None:
        ran.append("second")

    with create_session_factory(engine)() as session:
        with locks.held("run_watcher") as mine:
            assert mine
            assert exclusive(other, job, "run_watcher")(session) is None
            with other.held("run_watcher") as theirs:
                assert not theirs
        assert ran == []
        exclusive(other, job, "run_watcher")(session)
        assert ran == ["second"]


@pytest.mark.postgresql_only
def test_a_scheduled_job_runs_once_and_records_its_failure_class(engine: Engine) -> None:
    locks = ClusterLocks(engine)
    calls: list[int] = []

    def sweep(_: Session) -> None:
        calls.append(1)
        raise ValueError("synthetic")

    job = scheduled(locks, sweep, daily, clock=lambda: NOW)
    with create_session_factory(engine)() as session:
        with pytest.raises(ValueError):
            job(session)
        job(session)  # not due again until tomorrow
        row = session.get(JobSchedule, "sweep")
        assert calls == [1]
        assert row is not None and (row.runs, row.last_error) == (1, "ValueError")

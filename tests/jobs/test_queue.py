"""The queue on its own (``callvault.jobs.service``): enqueue, claims, leases, backoff
and the reads ``calls`` shows. The runner driving it is tested in tests/pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from callvault.calls.models import Call
from callvault.db.base import create_db_engine, create_session_factory
from callvault.jobs.models import JobState, RecordingJob
from callvault.jobs.service import (
    WORKER_LOST,
    LeaseLost,
    RetryPolicy,
    any_due,
    claim_next,
    enqueue,
    finish_done,
    finish_failed,
    job_state,
    renew,
)
from callvault.tenants.models import Tenant

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=2, base_delay=timedelta(seconds=10))


@pytest.fixture
def session(migrated_database_url: str) -> Iterator[Session]:
    """A session on a fresh database holding one call (a job names its call)."""
    engine = create_db_engine(migrated_database_url)
    with create_session_factory(engine)() as session:
        session.add(Tenant(id="t1", name="t1", wrapped_index_key=b"k", created_at=NOW))
        session.flush()
        session.add(
            Call(
                id="c1",
                tenant_id="t1",
                caller_number_enc=b"x",
                caller_number_index="i",
                called_number="+15550100",
                tracking_number="+15550101",
                started_at=NOW,
                ended_at=NOW,
                direction="inbound",
                created_at=NOW,
            )
        )
        session.commit()
        yield session
    engine.dispose()


def test_a_call_without_a_job_has_no_state_and_nothing_is_due(session: Session) -> None:
    assert job_state(session, "c1") is None
    assert not any_due(session, NOW)
    assert claim_next(session, NOW, POLICY) is None


def test_an_enqueued_job_is_due_now_and_claimed_once(session: Session) -> None:
    enqueue(session, "t1", "c1", "r1", NOW)
    session.commit()
    assert job_state(session, "c1") is JobState.PENDING
    assert any_due(session, NOW)
    claim = claim_next(session, NOW, POLICY)
    assert claim is not None
    assert (claim.call_id, claim.recording_id, claim.attempt) == ("c1", "r1", 1)
    assert job_state(session, "c1") is JobState.PROCESSING
    assert claim_next(session, NOW, POLICY) is None  # leased
    finish_done(session, claim, NOW)
    assert job_state(session, "c1") is JobState.DONE
    assert not any_due(session, NOW + timedelta(days=1))


def test_a_failure_backs_off_then_fails_for_good(session: Session) -> None:
    enqueue(session, "t1", "c1", "r1", NOW)
    session.commit()
    first = claim_next(session, NOW, POLICY)
    assert first is not None
    assert finish_failed(session, first, "Boom", NOW, POLICY) is JobState.PENDING
    assert claim_next(session, NOW + timedelta(seconds=9), POLICY) is None
    second = claim_next(session, NOW + timedelta(seconds=10), POLICY)
    assert second is not None and second.attempt == 2
    assert finish_failed(session, second, "Boom", NOW, POLICY) is JobState.FAILED
    job = session.query(RecordingJob).one()
    assert (job.state, job.reason, job.next_attempt_at) == ("failed", "Boom", None)


def test_a_new_upload_voids_the_claim_on_the_old_recording(session: Session) -> None:
    enqueue(session, "t1", "c1", "r1", NOW)
    session.commit()
    claim = claim_next(session, NOW, POLICY)
    assert claim is not None
    enqueue(session, "t1", "c1", "r2", NOW)  # reset: pending, no attempts, no lease
    session.commit()
    with pytest.raises(LeaseLost):
        renew(session, claim, NOW, POLICY)
    with pytest.raises(LeaseLost):
        finish_done(session, claim, NOW)
    again = claim_next(session, NOW, POLICY)
    assert again is not None and (again.recording_id, again.attempt) == ("r2", 1)


def test_a_last_attempt_whose_lease_ran_out_fails_as_worker_lost(session: Session) -> None:
    enqueue(session, "t1", "c1", "r1", NOW)
    session.commit()
    later = NOW
    for _ in range(POLICY.max_attempts):  # each worker crashes, its lease runs out
        assert claim_next(session, later, POLICY) is not None
        later += POLICY.lease
    assert claim_next(session, later, POLICY) is None
    job = session.query(RecordingJob).one()
    assert (job.state, job.reason) == (JobState.FAILED.value, WORKER_LOST)


@pytest.mark.parametrize(
    ("attempts", "delay_s"),
    [(0, 30), (1, 30), (2, 60), (3, 120), (8, 3600), (10_000, 3600)],
)
def test_backoff_doubles_up_to_its_ceiling(attempts: int, delay_s: int) -> None:
    assert RetryPolicy().backoff(attempts) == timedelta(seconds=delay_s)

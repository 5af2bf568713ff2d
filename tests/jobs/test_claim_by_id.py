"""What the queue (``callvault.jobs.queue``) asks of the job table: the due jobs' ids, a
claim of one job by id with a token naming the queue's run, and a dead worker's lease
ended early, matched by that token only. Both databases: the functions are plain SQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from callvault.jobs.models import JobState, RecordingJob
from callvault.jobs.queue import lease_token, token_prefix
from callvault.jobs.service import (
    claim_job,
    due_job_ids,
    enqueue,
    expire_lease,
    finish_done,
    job_state,
)
from tests.jobs.test_queue import NOW, POLICY, session

__all__ = ["session"]  # the fixture: a database holding one call


def queued(session: Session) -> str:
    enqueue(session, "t1", "c1", "r1", NOW)
    session.commit()
    job_id: str = session.query(RecordingJob.id).one()[0]
    return job_id


def test_a_due_job_is_listed_and_claimed_once_by_id_with_the_queues_token(
    session: Session,
) -> None:
    job_id = queued(session)
    assert due_job_ids(session, NOW) == [job_id]
    assert due_job_ids(session, NOW - timedelta(seconds=1)) == []  # not yet due
    claim = claim_job(session, job_id, NOW, POLICY, lease_token(41))
    assert claim is not None and claim.token.startswith("q41-") and len(claim.token) == 32
    assert claim_job(session, job_id, NOW, POLICY, lease_token(42)) is None  # leased
    assert due_job_ids(session, NOW) == []
    finish_done(session, claim, NOW)
    assert claim_job(session, job_id, NOW + timedelta(days=1), POLICY, lease_token(43)) is None
    assert claim_job(session, "no-such-job", NOW, POLICY, lease_token(44)) is None


def test_a_dead_workers_lease_ends_early_and_only_its_own(session: Session) -> None:
    job_id = queued(session)
    claim = claim_job(session, job_id, NOW, POLICY, lease_token(7))
    assert claim is not None
    # Another run's token (q70-, q71- share no prefix with q7-) leaves it alone.
    assert not expire_lease(session, job_id, token_prefix(70), NOW)
    assert claim_job(session, job_id, NOW, POLICY, lease_token(8)) is None
    assert expire_lease(session, job_id, token_prefix(7), NOW)
    again = claim_job(session, job_id, NOW, POLICY, lease_token(8))
    assert again is not None and again.attempt == 2  # the lost attempt counts
    assert not expire_lease(session, job_id, token_prefix(7), NOW)  # no longer its claim
    assert job_state(session, "c1") is JobState.PROCESSING

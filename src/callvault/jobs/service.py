"""The job queue's state changes (enqueue, claim, renew, finish) and what they are
read for (is anything due, where a call's job stands). No audio, no PHI.

Claiming is safe across processes without a queue server: a worker reads a few due
rows, then takes one with a conditional ``UPDATE ... WHERE state = :seen AND
lease_token IS :seen AND recording_id = :seen``. Exactly one worker's update matches
(PostgreSQL re-checks the condition after waiting for a competing update; SQLite
serializes writers), so two workers never run the same job. A claimed job carries a
lease (``next_attempt_at``); a worker renews it while it works, and a job whose lease
ran out (its worker crashed) is due again and counts as a used attempt.

On PostgreSQL the queue (``callvault.jobs.queue``) hands a worker one job by id
(``claim_job``, the same conditional update) and, when procrastinate finds the worker
that held it dead, ends that claim's lease early (``expire_lease``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.authz.permissions import Permission
from callvault.db.base import new_id, updated_rows, utcnow
from callvault.errors import Conflict, NotFound, PermissionDenied
from callvault.jobs.models import JobState, RecordingJob

WORKER_LOST = "WorkerLost"  # the reason of a job whose last lease ran out


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` tries, waiting ``base_delay * 2**(n-1)`` (at most ``max_delay``)
    after the n-th failure; a claim holds a job for ``lease`` unless renewed."""

    max_attempts: int = 4
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(minutes=10)

    def backoff(self, attempts: int) -> timedelta:
        delay: timedelta = self.base_delay * (1 << min(max(attempts - 1, 0), 20))
        return min(delay, self.max_delay)


@dataclass(frozen=True)
class Claim:
    """A job this worker holds: every write it makes checks ``token``."""

    job_id: str
    tenant_id: str
    call_id: str
    recording_id: str
    token: str
    attempt: int


class LeaseLost(Exception):  # a state, not a bug: the job moved on
    """The job was re-claimed after the lease ran out, or reset by a new upload."""


def enqueue(
    session: Session, tenant_id: str, call_id: str, recording_id: str, now: datetime
) -> None:
    """Make the call's job due now for ``recording_id`` (in the caller's transaction):
    a new row, or the existing one reset, which also voids any claim on it."""
    job = session.execute(
        select(RecordingJob).where(RecordingJob.call_id == call_id).with_for_update()
    ).scalar_one_or_none()
    if job is None:
        job = RecordingJob(id=new_id(), tenant_id=tenant_id, call_id=call_id, created_at=now)
        session.add(job)
    job.recording_id = recording_id
    job.state = JobState.PENDING.value
    job.attempts = 0
    job.next_attempt_at = now
    job.lease_token = None
    job.reason = None
    job.updated_at = now


# What re-running a failed job needs: the permission to put a recording in for
# processing, as ``PUT /api/v1/calls/{id}/recording`` does.
RERUN_PERMISSION = Permission.RECORDING_UPLOAD


def rerun_failed(ctx: ServiceContext, call_id: str, now: datetime | None = None) -> None:
    """Queue the call's failed recording job again, with its attempts reset, committed
    with its audit event (``recording:rerun``). PermissionDenied (audited) without
    ``recording:upload``; NotFound (audited) for a call of another tenant or without a
    job; Conflict (audited) for a job that has not failed."""
    action = AuditAction.RECORDING_RERUN
    session = ctx.session
    if not ctx.may(RERUN_PERMISSION):
        ctx.audit_refusal(
            AuditAction.RECORDING_RERUN,
            call_id,
            outcome=Outcome.DENIED,
            reason="needs recording:upload",
        )
        raise PermissionDenied("re-running a job needs recording:upload")
    job = session.execute(  # the session is scoped to the principal's tenant
        select(RecordingJob).where(RecordingJob.call_id == call_id).with_for_update()
    ).scalar_one_or_none()
    if job is None:
        ctx.audit_refusal(
            AuditAction.RECORDING_RERUN,
            call_id,
            outcome=Outcome.NOT_FOUND,
            reason="no recording job",
        )
        raise NotFound("the call has no recording job")
    if job.state != JobState.FAILED.value:
        ctx.audit_refusal(
            AuditAction.RECORDING_RERUN,
            call_id,
            outcome=Outcome.DENIED,
            reason=f"job is {job.state}",
        )
        raise Conflict(f"the job is {job.state}, not failed")
    moment = now or utcnow()
    job.state = JobState.PENDING.value
    job.attempts = 0
    job.next_attempt_at = moment
    job.lease_token = None
    job.reason = None
    job.updated_at = moment
    ctx.audit(action, call_id)
    session.commit()


# Approving a held scrub: the reviewer listens to the original to check it, so the
# permission is the one that plays the original.
REVIEW_PERMISSION = Permission.RECORDING_PLAY_UNREDACTED
HELD_FOR_REVIEW = (
    "the recording is held for review: its speech recognition was too uncertain to vouch "
    "for the scrub; a reviewer (recording:play_unredacted) must approve it first"
)


def approve_review(ctx: ServiceContext, call_id: str, now: datetime | None = None) -> None:
    """Mark a call held for review as reviewed (``done``: its scrub plays), committed
    with its audit event (``recording:review_approve``). PermissionDenied (audited)
    without ``recording:play_unredacted``; NotFound (audited) for a call of another
    tenant or without a job; Conflict (audited) for a job that is not held."""
    action = AuditAction.RECORDING_REVIEW_APPROVE
    session = ctx.session
    if not ctx.may(REVIEW_PERMISSION):
        ctx.audit_refusal(
            action, call_id, outcome=Outcome.DENIED, reason="needs recording:play_unredacted"
        )
        raise PermissionDenied("approving a held recording needs recording:play_unredacted")
    job = session.execute(  # the session is scoped to the principal's tenant
        select(RecordingJob).where(RecordingJob.call_id == call_id).with_for_update()
    ).scalar_one_or_none()
    if job is None:
        ctx.audit_refusal(action, call_id, outcome=Outcome.NOT_FOUND, reason="no recording job")
        raise NotFound("the call has no recording job")
    if job.state != JobState.REVIEW.value:
        ctx.audit_refusal(action, call_id, outcome=Outcome.DENIED, reason=f"job is {job.state}")
        raise Conflict(f"the job is {job.state}, not held for review")
    job.state = JobState.DONE.value
    job.reason = None
    job.updated_at = now or utcnow()
    ctx.audit(action, call_id)
    session.commit()


def job_state(session: Session, call_id: str) -> JobState | None:
    """Where the call's job stands; None if the call never had one."""
    state = session.execute(
        select(RecordingJob.state).where(RecordingJob.call_id == call_id)
    ).scalar_one_or_none()
    return None if state is None else JobState(state)


def any_due(session: Session, now: datetime) -> bool:
    """Whether some job is due now (pending, or processing with its lease run out)."""
    return session.execute(select(RecordingJob.id).where(_due(now)).limit(1)).first() is not None


def jobs_for(session: Session, tenant_id: str, call_ids: Sequence[str]) -> dict[str, RecordingJob]:
    if not call_ids:
        return {}
    rows = session.execute(
        select(RecordingJob).where(
            RecordingJob.tenant_id == tenant_id, RecordingJob.call_id.in_(call_ids)
        )
    ).scalars()
    return {row.call_id: row for row in rows}


def claim_next(session: Session, now: datetime, policy: RetryPolicy) -> Claim | None:
    """Take the most overdue job, or None; commits."""
    rows = session.execute(
        select(RecordingJob).where(_due(now)).order_by(RecordingJob.next_attempt_at).limit(8)
    ).scalars()
    seen = [_Seen.of(row) for row in rows]
    session.rollback()  # nothing holds the rows: the conditional update decides
    for row in seen:
        claim = _claim_seen(session, row, now, policy, new_id())
        if claim is not None:
            return claim
    return None


def claim_job(
    session: Session, job_id: str, now: datetime, policy: RetryPolicy, token: str
) -> Claim | None:
    """Take the job ``job_id`` if it is due (the queue's worker, ``callvault.jobs.queue``,
    names the job it was handed), with ``token`` as its lease token; None if it is not
    due (done, leased by another worker, reset, gone) or was out of attempts; commits."""
    row = session.execute(
        select(RecordingJob).where(RecordingJob.id == job_id, _due(now))
    ).scalar_one_or_none()
    seen = None if row is None else _Seen.of(row)
    session.rollback()
    return None if seen is None else _claim_seen(session, seen, now, policy, token)


def due_job_ids(session: Session, now: datetime, limit: int = 100) -> list[str]:
    """The ids of the due jobs, most overdue first (what the queue's dispatcher defers)."""
    stmt = select(RecordingJob.id).where(_due(now)).order_by(RecordingJob.next_attempt_at)
    return list(session.execute(stmt.limit(limit)).scalars())


def expire_lease(session: Session, job_id: str, token_prefix: str, now: datetime) -> bool:
    """Make a processing job due now if its lease token starts with ``token_prefix``
    (the queue knows the worker that held it died); True if it did. Commits. The claim
    that follows counts the lost attempt, like a lease that ran out."""
    matched = updated_rows(
        session,
        update(RecordingJob)
        .where(
            RecordingJob.id == job_id,
            RecordingJob.state == JobState.PROCESSING.value,
            RecordingJob.lease_token.startswith(token_prefix, autoescape=True),
        )
        .values(next_attempt_at=now, updated_at=now),
    )
    session.commit()
    return matched == 1


def _due(now: datetime) -> ColumnElement[bool]:
    """Pending and due, or processing with its lease run out."""
    return and_(
        RecordingJob.state.in_([JobState.PENDING.value, JobState.PROCESSING.value]),
        RecordingJob.next_attempt_at <= now,
    )


@dataclass(frozen=True)
class _Seen:
    """A due row as read, before the conditional update that claims it."""

    id: str
    tenant_id: str
    call_id: str
    recording_id: str
    state: str
    token: str | None
    attempts: int

    @classmethod
    def of(cls, r: RecordingJob) -> _Seen:
        return cls(r.id, r.tenant_id, r.call_id, r.recording_id, r.state, r.lease_token, r.attempts)


def _claim_seen(
    session: Session, seen: _Seen, now: datetime, policy: RetryPolicy, token: str
) -> Claim | None:
    """The conditional update: exactly one worker's matches. A job whose last lease ran
    out is failed (``WorkerLost``) instead of claimed."""
    lost_last = seen.state == JobState.PROCESSING.value and seen.attempts >= policy.max_attempts
    values = {
        "state": JobState.PROCESSING.value,
        "lease_token": token,
        "attempts": seen.attempts + 1,
        "next_attempt_at": now + policy.lease,
        "updated_at": now,
    }
    if lost_last:
        values = _final(JobState.FAILED, WORKER_LOST, now)
    matched = updated_rows(
        session,
        update(RecordingJob)
        .where(
            RecordingJob.id == seen.id,
            RecordingJob.state == seen.state,
            RecordingJob.recording_id == seen.recording_id,
            _token_is(seen.token),
            RecordingJob.attempts == seen.attempts,
        )
        .values(**values),
    )
    session.commit()
    if matched != 1 or lost_last:
        return None
    return Claim(seen.id, seen.tenant_id, seen.call_id, seen.recording_id, token, seen.attempts + 1)


def renew(session: Session, claim: Claim, now: datetime, policy: RetryPolicy) -> None:
    """Extend the lease (while transcribing a long call); LeaseLost if it is gone."""
    _update_held(session, claim, {"next_attempt_at": now + policy.lease, "updated_at": now})


def finish_done(session: Session, claim: Claim, now: datetime) -> None:
    _update_held(session, claim, _final(JobState.DONE, None, now))


def finish_review(session: Session, claim: Claim, reason: str, now: datetime) -> None:
    """Scrubbed, but held for a person to check (``JobState.REVIEW``)."""
    _update_held(session, claim, _final(JobState.REVIEW, reason, now))


def finish_failed(
    session: Session, claim: Claim, reason: str, now: datetime, policy: RetryPolicy
) -> JobState:
    """Record a failed attempt: due again after the backoff, or failed for good."""
    if claim.attempt >= policy.max_attempts:
        _update_held(session, claim, _final(JobState.FAILED, reason, now))
        return JobState.FAILED
    values = _final(JobState.PENDING, reason, now)
    values["next_attempt_at"] = now + policy.backoff(claim.attempt)
    _update_held(session, claim, values)
    return JobState.PENDING


def _final(state: JobState, reason: str | None, now: datetime) -> dict[str, object]:
    return {
        "state": state.value,
        "lease_token": None,
        "next_attempt_at": None,
        "reason": reason[:100] if reason else None,
        "updated_at": now,
    }


def _token_is(token: str | None) -> ColumnElement[bool]:
    if token is None:
        return RecordingJob.lease_token.is_(None)
    return RecordingJob.lease_token == token


def _update_held(session: Session, claim: Claim, values: dict[str, object]) -> None:
    matched = updated_rows(
        session,
        update(RecordingJob)
        .where(
            and_(
                RecordingJob.id == claim.job_id,
                RecordingJob.lease_token == claim.token,
                RecordingJob.state == JobState.PROCESSING.value,
            )
        )
        .values(**values),
    )
    session.commit()
    if matched != 1:
        raise LeaseLost("the job is no longer held by this worker")


def move_held(session: Session, claim: Claim, recording_id: str) -> None:
    """Point the held job at ``recording_id`` (its original, rewritten by the job itself:
    recording consent's paused stretches cut out; or the same one, to check the lease in
    the caller's transaction before it stores a result); LeaseLost (the transaction
    rolled back) if the job is no longer this worker's."""
    matched = updated_rows(
        session,
        update(RecordingJob)
        .where(
            RecordingJob.id == claim.job_id,
            RecordingJob.lease_token == claim.token,
            RecordingJob.state == JobState.PROCESSING.value,
        )
        .values(recording_id=recording_id),
    )
    if matched != 1:
        session.rollback()
        raise LeaseLost("the job is no longer held by this worker")


def drop_job(session: Session, call_id: str) -> None:
    """Delete the call's job, if any, in the caller's transaction (its recording was
    withdrawn): a worker still busy on it loses its lease and stores nothing."""
    session.execute(delete(RecordingJob).where(RecordingJob.call_id == call_id))

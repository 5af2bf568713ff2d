"""The persisted job queue: one row per call with a recording, worked by the recording
pipeline (``callvault.pipeline``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class JobState(StrEnum):
    PENDING = "pending"  # due at ``next_attempt_at`` (now, or after a backoff)
    PROCESSING = "processing"  # claimed; ``next_attempt_at`` is the lease's end
    DONE = "done"
    # Scrubbed, but the recognition was too uncertain to vouch for the scrub: not
    # played until a reviewer approves it (``reason`` says why; then DONE).
    REVIEW = "review"
    FAILED = "failed"  # out of attempts; ``reason`` says why


class RecordingJob(Base):
    """The pipeline's work for one call's current recording.

    A new upload resets the row (pending, no attempts) and points it at the new
    original (``recording_id``). ``lease_token`` names the claim that holds a
    processing job: every later write by that worker checks it, so a worker whose
    lease ran out (and whose job someone else took over) changes nothing.
    """

    __tablename__ = "recording_jobs"
    __table_args__ = (Index("ix_recording_jobs_due", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), unique=True)
    recording_id: Mapped[str] = mapped_column(String(32))  # the original's call_objects id
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # An error class name or a fixed message: never an exception's text (PHI).
    reason: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobSchedule(Base):
    """When a cluster-wide background schedule (the daily retention sweep, say) last
    ran and is next due: shared by every jobs process and worker on one PostgreSQL
    database, so the schedule runs once for all of them (``callvault.jobs.schedules``).
    Names and times only."""

    __tablename__ = "job_schedules"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    # An error class name, never an exception's text (PHI).
    last_error: Mapped[str | None] = mapped_column(String(100), nullable=True)

"""Reading calls for display: plain values through Core statements.

Reads are the hottest path there is (every one audited, many a second), and an ORM
object costs about five times as much to load as a Core row. Nothing read here is ever
changed; the write paths (``CallObjects``: replacing, shredding) keep their ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, CompoundSelect, Select, bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from callvault.calls.models import Call, StoredObject
from callvault.calls.schemas import ObjectInfo, ProcessingOut
from callvault.jobs.models import RecordingJob


@dataclass(frozen=True)
class CallRecord:
    """A call's row as stored: its PHI columns still encrypted."""

    id: str
    caller_number_enc: bytes | None  # None once the call's PHI is shredded
    caller_name_enc: bytes | None
    notes_enc: bytes | None
    called_number: str
    tracking_number: str
    started_at: datetime
    ended_at: datetime
    direction: str
    agent: str | None
    campaign: str | None
    disposition: str | None
    created_at: datetime
    phi_shredded_at: datetime | None
    consent: str | None
    recording_pauses: str | None  # canonical JSON (``callvault.calls.consent``)


_CALL_COLUMNS = tuple(getattr(Call, f.name) for f in fields(CallRecord))
CallSelect: TypeAlias = "Select[*tuple[Any, ...]]"


# Statements built once: SQLAlchemy then reuses their cache keys, which it would
# otherwise compute again on every execution.
_CALL = select(*_CALL_COLUMNS).where(
    Call.tenant_id == bindparam("tenant_id"), Call.id == bindparam("call_id")
)
# The same, its row locked until the transaction ends (PostgreSQL; SQLite serializes
# writers anyway): a decision taken on the row holds until it commits.
_CALL_LOCKED = _CALL.with_for_update()


# A call's objects and its recording job, in one statement (a view needs both, and
# each statement costs a read as much as its rows): a discriminator, then five columns
# whose types line up (the call, a short word, a text, a count, a UTC instant).
def _objects_and_job(
    object_of: ColumnElement[bool], job_of: ColumnElement[bool]
) -> CompoundSelect[Any]:
    return union_all(
        select(
            literal("object").label("source"),
            StoredObject.call_id,
            StoredObject.kind,
            StoredObject.media_type,
            StoredObject.plaintext_size,
            StoredObject.created_at,
        ).where(StoredObject.tenant_id == bindparam("tenant_id"), object_of),
        select(
            literal("job"),
            RecordingJob.call_id,
            RecordingJob.state,
            RecordingJob.reason,
            RecordingJob.attempts,
            RecordingJob.updated_at,
        ).where(RecordingJob.tenant_id == bindparam("tenant_id"), job_of),
    )


_OBJECTS_AND_JOB = _objects_and_job(
    StoredObject.call_id.in_(bindparam("call_ids", expanding=True)),
    RecordingJob.call_id.in_(bindparam("call_ids", expanding=True)),
)
# One call with its objects and job (a row per object and one for the job, the call's
# columns on each; one row of NULL extras if it has none): what a read of one call shows,
# in one statement instead of two.
_EXTRAS_OF_ONE = _objects_and_job(
    StoredObject.call_id == bindparam("call_id"), RecordingJob.call_id == bindparam("call_id")
).subquery()
_CALL_WITH_EXTRAS = (
    select(*_CALL_COLUMNS, *(c for c in _EXTRAS_OF_ONE.c if c.name != "call_id"))
    .outerjoin(_EXTRAS_OF_ONE, _EXTRAS_OF_ONE.c.call_id == Call.id)
    .where(Call.tenant_id == bindparam("tenant_id"), Call.id == bindparam("call_id"))
)


def select_calls(tenant_id: str) -> CallSelect:
    """The tenant's calls, as ``CallRecord`` columns, for more ``where`` clauses."""
    return select(*_CALL_COLUMNS).where(Call.tenant_id == tenant_id)


def read_calls(session: Session, statement: CallSelect) -> list[CallRecord]:
    return [CallRecord(*row) for row in session.connection().execute(statement)]


def read_call(
    session: Session, tenant_id: str, call_id: str, *, lock: bool = False
) -> CallRecord | None:
    statement = _CALL_LOCKED if lock else _CALL
    found = session.connection().execute(statement, {"tenant_id": tenant_id, "call_id": call_id})
    row = found.first()
    return None if row is None else CallRecord(*row)


@dataclass(frozen=True)
class CallExtras:
    """What a view shows besides the call's row: per call, its objects by kind, and
    where its recording job stands (calls with a job only)."""

    objects: dict[str, dict[str, ObjectInfo]]
    processing: dict[str, ProcessingOut]

    def add(
        self, call_id: str, source: str, word: str, text: str, count: int, at: datetime
    ) -> None:
        """One row of ``_objects_and_job``."""
        if source == "object":
            info = ObjectInfo(media_type=text, size=count, created_at=at)
            self.objects.setdefault(call_id, {})[word] = info
        else:
            self.processing[call_id] = ProcessingOut(
                state=word,  # type: ignore[arg-type]  # written from JobState only
                reason=text,
                attempts=count,
                updated_at=at,
            )


def call_extras(session: Session, tenant_id: str, call_ids: Sequence[str]) -> CallExtras:
    extras = CallExtras({}, {})
    if not call_ids:
        return extras
    rows = session.connection().execute(
        _OBJECTS_AND_JOB, {"tenant_id": tenant_id, "call_ids": call_ids}
    )
    for source, call_id, *values in rows:
        extras.add(call_id, source, *values)
    return extras


_CALL_WIDTH = len(_CALL_COLUMNS)


def read_call_with_extras(
    session: Session, tenant_id: str, call_id: str
) -> tuple[CallRecord, CallExtras] | None:
    """``read_call`` and ``call_extras`` of one call, in one statement."""
    rows = (
        session.connection()
        .execute(_CALL_WITH_EXTRAS, {"tenant_id": tenant_id, "call_id": call_id})
        .all()
    )
    if not rows:
        return None
    extras = CallExtras({}, {})
    for row in rows:
        source, *values = row[_CALL_WIDTH:]
        if source is not None:
            extras.add(call_id, source, *values)
    return CallRecord(*rows[0][:_CALL_WIDTH]), extras

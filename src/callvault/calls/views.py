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

from sqlalchemy import Select, bindparam, select
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
_OBJECTS = select(
    StoredObject.call_id,
    StoredObject.kind,
    StoredObject.media_type,
    StoredObject.plaintext_size,
    StoredObject.created_at,
).where(
    StoredObject.tenant_id == bindparam("tenant_id"),
    StoredObject.call_id.in_(bindparam("call_ids", expanding=True)),
)
_JOBS = select(
    RecordingJob.call_id,
    RecordingJob.state,
    RecordingJob.reason,
    RecordingJob.attempts,
    RecordingJob.updated_at,
).where(
    RecordingJob.tenant_id == bindparam("tenant_id"),
    RecordingJob.call_id.in_(bindparam("call_ids", expanding=True)),
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


def object_infos(
    session: Session, tenant_id: str, call_ids: Sequence[str]
) -> dict[str, dict[str, ObjectInfo]]:
    """Per call, its objects by kind: what a view shows of them."""
    found: dict[str, dict[str, ObjectInfo]] = {}
    if not call_ids:
        return found
    rows = session.connection().execute(_OBJECTS, {"tenant_id": tenant_id, "call_ids": call_ids})
    for call_id, kind, media_type, size, created_at in rows:
        info = ObjectInfo(media_type=media_type, size=size, created_at=created_at)
        found.setdefault(call_id, {})[kind] = info
    return found


def processing_for(
    session: Session, tenant_id: str, call_ids: Sequence[str]
) -> dict[str, ProcessingOut]:
    """Per call with a recording job, where the job stands."""
    if not call_ids:
        return {}
    rows = session.connection().execute(_JOBS, {"tenant_id": tenant_id, "call_ids": call_ids})
    return {
        # ``state`` is written from JobState only
        call_id: ProcessingOut(state=state, reason=reason, attempts=attempts, updated_at=updated)  # type: ignore[arg-type]
        for call_id, state, reason, attempts, updated in rows
    }

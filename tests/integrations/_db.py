"""What the database holds, read behind the app's back."""

from __future__ import annotations

from sqlalchemy import func, select

from callvault.audit.models import AuditEvent
from callvault.calls.models import Call, StoredObject
from callvault.cli.vault import open_keyring
from callvault.integrations.models import TwilioRecording, TwilioSettings
from callvault.jobs.models import RecordingJob
from callvault.settings import Settings


def calls(vault: Settings) -> list[Call]:
    with open_keyring(vault) as (session, _):
        found = list(session.execute(select(Call).order_by(Call.created_at)).scalars())
        session.expunge_all()
        return found


def events(vault: Settings, action: str) -> list[tuple[str, str, str | None, str | None]]:
    """``(tenant_id, outcome, resource_id, reason)`` of each event with ``action``."""
    with open_keyring(vault) as (session, _):
        rows = session.execute(
            select(
                AuditEvent.tenant_id,
                AuditEvent.outcome,
                AuditEvent.resource_id,
                AuditEvent.reason,
            )
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.tenant_id, AuditEvent.seq)
        )
        return [(t, o, r, why) for t, o, r, why in rows]


def event_count(vault: Settings) -> int:
    with open_keyring(vault) as (session, _):
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def objects_of(vault: Settings, call_id: str) -> dict[str, StoredObject]:
    with open_keyring(vault) as (session, _):
        rows = session.execute(select(StoredObject).where(StoredObject.call_id == call_id))
        found = {row.kind: row for row in rows.scalars()}
        session.expunge_all()
        return found


def jobs_of(vault: Settings, call_id: str) -> list[str]:
    with open_keyring(vault) as (session, _):
        rows = session.execute(select(RecordingJob.state).where(RecordingJob.call_id == call_id))
        return [str(state) for state in rows.scalars()]


def stored_recordings(vault: Settings) -> list[str]:
    with open_keyring(vault) as (session, _):
        return list(session.execute(select(TwilioRecording.recording_sid)).scalars())


def settings_row(vault: Settings) -> TwilioSettings | None:
    with open_keyring(vault) as (session, _):
        row = session.execute(select(TwilioSettings)).scalar_one_or_none()
        session.expunge_all()
        return row

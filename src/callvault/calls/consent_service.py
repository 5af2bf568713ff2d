"""Changing a call's recording consent and adding the paused stretches of its recording,
each committed with its audit event (``docs/compliance.md``, "Recording consent")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import update

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.blobs.interface import BlobStore
from callvault.calls.consent import Consent, Pause, check_pauses, dump_pauses, load_pauses
from callvault.calls.models import Call
from callvault.calls.objects import CallObjects
from callvault.calls.scope import CallScope
from callvault.calls.views import CallRecord
from callvault.db.base import updated_rows
from callvault.errors import Conflict, InvalidInput


@dataclass(frozen=True)
class PendingPauses:
    """Pauses not yet cut out of the call's current original: ``stored`` is the
    column's text as read, which the cut must find unchanged when it commits."""

    pauses: list[Pause]
    stored: str


class RecordingConsent:
    """A principal's writes of its tenant's calls' recording consent."""

    def __init__(self, ctx: ServiceContext, blobs: BlobStore) -> None:
        self._ctx = ctx
        self._scope = CallScope(ctx, blobs)
        self._objects = CallObjects(self._scope)
        self._session = ctx.session

    def set(self, call_id: str, consent: Consent) -> None:
        """Audited ``call:consent_update`` (reason: old and new state). Declined: the
        call's recording, if it has one, is crypto-shredded in the same transaction
        (what the caller refused to have recorded is not kept) and its job dropped."""
        action = AuditAction.CALL_CONSENT_UPDATE
        call = self._scope.call(call_id, action, lock=True)  # against an upload committing
        self._session.execute(update(Call).where(Call.id == call.id).values(consent=consent))
        self._ctx.audit(action, call.id, reason=f"{call.consent} -> {consent.value}")
        if consent is Consent.DECLINED:
            self._objects.withdraw_recording(call.id)
        else:
            self._session.commit()

    def add_pauses(self, call_id: str, pauses: Sequence[Pause]) -> None:
        """Store more paused stretches (InvalidInput, nothing changed, if one is bad:
        ``check_pauses``). A recording already stored is queued to be processed again
        (its original rewritten without them) and its scrub shredded at once: it plays
        the paused audio. Audited ``recording:pauses_add``."""
        action = AuditAction.RECORDING_PAUSES_ADD
        call = self._scope.call(call_id, action)
        stored = load_pauses(call.recording_pauses)
        try:
            check_pauses(pauses, stored, _duration_s(call))
        except InvalidInput:
            self._session.rollback()
            raise
        as_read = Call.recording_pauses.is_not_distinct_from(call.recording_pauses)
        changed = updated_rows(  # as read: two requests at once must not lose one's pauses
            self._session,
            update(Call)
            .where(Call.id == call.id, as_read)
            .values(recording_pauses=dump_pauses([*stored, *pauses]), pauses_applied_to=None),
        )
        if changed != 1:
            self._session.rollback()
            raise Conflict("the call's pauses changed meanwhile: send the request again")
        self._objects.rescrub(call.id, action)

    def pending_pauses(self, call_id: str, original_id: str) -> PendingPauses | None:
        """The call's pauses, unless there are none or they were cut out of
        ``original_id`` already (not PHI: not audited); ends the transaction."""
        call = self._session.get_one(Call, call_id)
        stored, applied_to = call.recording_pauses, call.pauses_applied_to
        self._session.rollback()
        if not stored or applied_to == original_id:
            return None
        return PendingPauses(load_pauses(stored), stored)


def _duration_s(call: CallRecord) -> float:
    return (call.ended_at - call.started_at).total_seconds()

"""A call's encrypted objects (recordings and transcripts): storing, replacing and
crypto-shredding them.

Every object lives under its own data key (DEK). Making a new object the call's
replaces the older one of its kind in one transaction: the older object's DEK is
destroyed (crypto-shredded) with the rows that named it, the audit event is written,
the transaction commits, and only then is the older blob deleted. So an acknowledged
replacement never leaves an older object readable, and a failed one changes nothing.
Reading objects is ``CallService.open_object``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update

from callvault.audit.actions import AuditAction
from callvault.calls.models import Call, StoredObject
from callvault.calls.scope import CallScope
from callvault.crypto.keyring import UnwrappedDataKey
from callvault.crypto.models import DataKey
from callvault.db.base import new_id, purge_deleted_data, updated_rows, utcnow
from callvault.errors import Conflict, NotFound
from callvault.jobs.service import Claim, drop_job, enqueue, move_held

# The kinds of object a call may have, one of each.
RECORDING = "recording"  # as played: scrubbed by the pipeline (callvault.pipeline)
RECORDING_ORIGINAL = "recording_orig"  # as uploaded: play_unredacted only (<= 16)
TRANSCRIPT = "transcript"  # as stored: redacted (callvault.calls.transcripts)
TRANSCRIPT_ORIGINAL = "transcript_orig"  # unredacted, only if the tenant keeps it (<= 16)


class CallObjects:
    """The write side of a tenant's call objects, audited as the scope's principal."""

    def __init__(self, scope: CallScope) -> None:
        self._scope = scope
        self._ctx = scope.ctx
        self._session = scope.ctx.session

    def new_object_key(
        self, call_id: str, kind: str, action: AuditAction
    ) -> tuple[DataKey, UnwrappedDataKey]:
        """A fresh DEK for a new object of an existing call (NotFound, audited, if the
        call is not in this tenant). The transaction ends here, so a long upload holds
        no lock and no snapshot; the key row is added only by ``replace_object``.
        ConsentRefused (audited) for an original recording of a call whose consent
        state refuses one: nothing is stored."""
        call = self._scope.call(call_id, action)
        if kind == RECORDING_ORIGINAL:
            self._scope.check_recordable(call)
        keys = self._ctx.keyring.new_data_key(self._ctx.tenant_id, new_id(), kind)
        self._session.rollback()
        return keys

    def kinds(self, call_id: str) -> set[str]:
        """Which objects the call has (no content, not audited); ends the transaction."""
        kinds = set(self._scope.objects([call_id]).get(call_id, {}))
        self._session.rollback()
        return kinds

    def object_id(self, call_id: str, kind: str) -> str | None:
        """The id of the call's object of ``kind``, if it has one (not audited); ends
        the transaction."""
        stored = self._scope.objects([call_id]).get(call_id, {}).get(kind)
        self._session.rollback()
        return None if stored is None else stored.id

    def replace_object(self, stored: StoredObject, data_key: DataKey, action: AuditAction) -> None:
        """Make a durably stored blob visible as the call's ``kind``; an older object of
        the same kind is crypto-shredded in the same transaction."""
        self._replace(stored.call_id, [(stored, data_key)], (stored.kind,), action)

    def replace_recording(self, stored: StoredObject, data_key: DataKey) -> None:
        """Make an uploaded recording the call's original and queue the pipeline for it,
        in one transaction: an acknowledged upload always has its job. The older
        original and its scrubbed version are crypto-shredded (a scrub of another
        recording must never play for this one). ConsentRefused (audited) if the call
        was declined while the recording was on its way: the caller deletes the blob.
        The call's row stays locked until the commit, so a decline committed meanwhile
        is seen here, or sees this recording and shreds it."""
        call = self._scope.call(stored.call_id, AuditAction.RECORDING_UPLOAD, lock=True)
        self._scope.check_recordable(call)
        enqueue(self._session, self._ctx.tenant_id, stored.call_id, stored.id, utcnow())
        shredded = self._replace(
            stored.call_id,
            [(stored, data_key)],
            (RECORDING_ORIGINAL, RECORDING),
            AuditAction.RECORDING_UPLOAD,
        )
        if shredded:
            purge_deleted_data(self._session.get_bind().engine)

    def replace_scrubbed(self, stored: StoredObject, data_key: DataKey, claim: Claim) -> None:
        """Make a scrubbed recording the call's playable one, if the claim's original
        (what it was made from) is still the call's original (Conflict otherwise) and
        the job is still the claim's, checked in this transaction (LeaseLost
        otherwise): a job queued again meanwhile (a new transcript, new pauses) stores
        no scrub made without them."""
        objects = self._scope.objects([stored.call_id]).get(stored.call_id, {})
        current = objects.get(RECORDING_ORIGINAL)
        if current is None or current.id != claim.recording_id:
            self._session.rollback()
            raise Conflict("the recording was replaced while it was processed")
        move_held(self._session, claim, claim.recording_id)
        self._replace(
            stored.call_id, [(stored, data_key)], (RECORDING,), AuditAction.RECORDING_UPLOAD
        )

    def replace_paused_original(
        self, stored: StoredObject, data_key: DataKey, claim: Claim, pauses_seen: str
    ) -> None:
        """Make the original rewritten without its paused stretches the call's original,
        in one transaction with the job moved to it and the call marked as cut: the
        older original (which still holds them) is crypto-shredded. Conflict if the
        original was replaced or the pauses changed meanwhile (their request queued the
        job again, so this one has lost it); LeaseLost if the job is not ours."""
        call_id = stored.call_id
        current = self._scope.objects([call_id]).get(call_id, {}).get(RECORDING_ORIGINAL)
        if current is None or current.id != claim.recording_id:
            self._session.rollback()
            raise Conflict("the recording was replaced while it was processed")
        marked = updated_rows(
            self._session,
            update(Call)
            .where(Call.id == call_id, Call.recording_pauses == pauses_seen)
            .values(pauses_applied_to=stored.id),
        )
        if marked != 1:
            self._session.rollback()
            raise Conflict("the recording's pauses changed while it was processed")
        move_held(self._session, claim, stored.id)
        new = [(stored, data_key)]
        self._replace(call_id, new, (RECORDING_ORIGINAL,), AuditAction.RECORDING_PAUSES_APPLY)
        purge_deleted_data(self._session.get_bind().engine)

    def rescrub(self, call_id: str, action: AuditAction) -> None:
        """Queue the call's original (if it has one) to be processed again and shred its
        scrub, committed with ``action``'s audit event (in the caller's transaction)."""
        current = self._scope.objects([call_id]).get(call_id, {})
        original = current.get(RECORDING_ORIGINAL)
        if original is not None:
            enqueue(self._session, self._ctx.tenant_id, call_id, original.id, utcnow())
        if RECORDING in current:
            self._ctx.audit(AuditAction.OBJECT_SHRED, call_id)  # say so in the trail
        if self._replace(call_id, [], (RECORDING,), action):
            purge_deleted_data(self._session.get_bind().engine)

    def withdraw_recording(self, call_id: str) -> None:
        """Crypto-shred the call's recording (original and scrub; audited
        ``object:shred``) and drop its job, committed with the caller's transaction."""
        drop_job(self._session, call_id)
        current = self._scope.objects([call_id]).get(call_id, {})
        if RECORDING_ORIGINAL not in current and RECORDING not in current:
            self._session.commit()
            return
        self._replace(call_id, [], (RECORDING_ORIGINAL, RECORDING), AuditAction.OBJECT_SHRED)
        purge_deleted_data(self._session.get_bind().engine)

    def replace_transcript(
        self, call_id: str, new: Sequence[tuple[StoredObject, DataKey]], rescrub: bool = True
    ) -> None:
        """Make a redacted transcript (and its original, if kept) the call's, in one
        transaction that also crypto-shreds the older transcript and any older original:
        an original never outlives the transcript it belongs to. With ``rescrub``, a
        recording of the call is queued to be scrubbed again with the new time ranges,
        and its scrub without them is shredded: it may hold speech that is now known to
        be PHI (all in the same transaction)."""
        current = self._scope.objects([call_id]).get(call_id, {})
        kinds: tuple[str, ...] = (TRANSCRIPT, TRANSCRIPT_ORIGINAL)
        recording = current.get(RECORDING_ORIGINAL)
        if rescrub and recording is not None:
            enqueue(self._session, self._ctx.tenant_id, call_id, recording.id, utcnow())
            kinds += (RECORDING,)
        dropped = TRANSCRIPT_ORIGINAL in current and len(new) == 1
        if dropped or (RECORDING in kinds and RECORDING in current):
            self._ctx.audit(AuditAction.OBJECT_SHRED, call_id)  # say so in the trail
        shredded = self._replace(call_id, new, kinds, AuditAction.TRANSCRIPT_UPLOAD)
        if shredded:
            purge_deleted_data(self._session.get_bind().engine)

    def shred(self, call_id: str, kind: str) -> None:
        """Crypto-shred a call's object: its DEK is destroyed, then its blob deleted."""
        call = self._scope.call(call_id, AuditAction.OBJECT_SHRED)
        stored = self._scope.objects([call.id]).get(call.id, {}).get(kind)
        if stored is None:
            raise NotFound(f"the call has no {kind}")
        self._shred_rows(stored)
        self._ctx.audit(AuditAction.OBJECT_SHRED, call.id)
        self._session.commit()
        purge_deleted_data(self._session.get_bind().engine)
        self._scope.blobs.delete(stored.blob_key)

    def _replace(
        self,
        call_id: str,
        new: Sequence[tuple[StoredObject, DataKey]],
        kinds: Sequence[str],
        action: AuditAction,
    ) -> bool:
        """Shred the call's objects of ``kinds``, add ``new``, audit, commit; True if
        anything was shredded."""
        current = self._scope.objects([call_id]).get(call_id, {})
        old = [current[kind] for kind in kinds if kind in current]
        for row in old:
            self._shred_rows(row)
        for stored, data_key in new:
            self._session.add(data_key)
            self._session.flush()  # no relationship() between them: order the inserts here
            self._session.add(stored)
        self._ctx.audit(action, call_id)
        self._session.commit()
        for row in old:
            self._scope.blobs.delete(row.blob_key)
        return bool(old)

    def _shred_rows(self, stored: StoredObject) -> None:
        data_key = self._session.get_one(DataKey, stored.data_key_id)
        self._ctx.keyring.shred_data_key(data_key)
        self._session.delete(stored)
        self._session.flush()

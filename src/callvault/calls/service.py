"""Calls: create, read, search, and their encrypted recording and transcript.

Every method works inside one tenant (the principal's): a call of another tenant is
simply not found. Every PHI read or write records an audit event in the same
transaction, and the transaction commits before anything is returned, so nothing
is acknowledged or shown that the audit trail does not hold.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from callvault.alerts.surnames import surname_term
from callvault.audit.service import (
    AuditAction,
    Outcome,
    RequestInfo,
    record_creation,
    record_event,
    record_read,
)
from callvault.authz.permissions import Permission
from callvault.authz.principal import Principal
from callvault.blobs.interface import BlobStore
from callvault.calls.models import Call, StoredObject
from callvault.calls.schemas import (
    CallCreate,
    CallOut,
    CallPage,
    ObjectInfo,
    ProcessingOut,
    TranscriptIn,
)
from callvault.calls.transcripts import TOKEN_KEY_PURPOSE, RedactionSetup, known_values
from callvault.calls.views import (
    CallRecord,
    CallSelect,
    object_infos,
    processing_for,
    read_call,
    read_calls,
    select_calls,
)
from callvault.crypto.aead import derive_subkey
from callvault.crypto.blobformat import SegmentedBlob, blob_associated_data
from callvault.crypto.keyring import Keyring, UnwrappedDataKey
from callvault.crypto.models import DataKey
from callvault.crypto.rotation import FieldSpec
from callvault.db.base import new_id, purge_deleted_data, utcnow
from callvault.errors import Conflict, NotFound
from callvault.pagination import decode_cursor, encode_cursor
from callvault.phone import mask, to_e164
from callvault.pipeline.models import JobState, RecordingJob
from callvault.pipeline.service import enqueue
from callvault.redaction.policy import RedactionOperator, load_redaction_policy

MAX_PAGE_SIZE = 100
RECORDING = "recording"  # as played: scrubbed by the pipeline (callvault.pipeline)
RECORDING_ORIGINAL = "recording_orig"  # as uploaded: play_unredacted only (<= 16)
TRANSCRIPT = "transcript"  # as stored: redacted (callvault.calls.transcripts)
TRANSCRIPT_ORIGINAL = "transcript_orig"  # unredacted, only if the tenant keeps it (<= 16)


def field_ad(tenant_id: str, call_id: str, column: str) -> bytes:
    """Binds a field ciphertext to its tenant, row and column: moved, it fails to open."""
    return f"callvault/field/v1|{tenant_id}|calls|{column}|{call_id}".encode()


CALL_FIELDS = FieldSpec(Call, ("caller_number", "caller_name", "notes"), field_ad)


@dataclass(frozen=True)
class SearchFilters:
    caller_number: str | None = None
    tracking_number: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True)
class OpenedObject:
    media_type: str
    blob: SegmentedBlob
    object_id: str = ""


class CallService:
    def __init__(
        self,
        session: Session,
        keyring: Keyring,
        blobs: BlobStore,
        principal: Principal,
        request: RequestInfo,
    ) -> None:
        self._session = session
        self._keyring = keyring
        self._blobs = blobs
        self._principal = principal
        self._request = request
        self._tenant_id = principal.tenant_id

    # -- helpers ---------------------------------------------------------------

    def _audit(
        self,
        action: AuditAction,
        resource_id: str | None,
        outcome: Outcome = Outcome.ALLOWED,
        phi_terms: Sequence[str] = (),
    ) -> None:
        record_event(
            self._session,
            self._principal,
            action,
            resource_type="call",
            resource_id=resource_id,
            outcome=outcome,
            request=self._request,
            phi_terms=phi_terms,
        )

    def _audit_read(
        self, action: AuditAction, resource_id: str | None, phi_terms: Sequence[str] = ()
    ) -> None:
        """Audit an allowed read and end the transaction; answer only after it returns."""
        record_read(
            self._session,
            self._principal,
            action,
            resource_type="call",
            resource_id=resource_id,
            request=self._request,
            phi_terms=phi_terms,
        )

    def _call(self, call_id: str, action: AuditAction) -> CallRecord:
        call = read_call(self._session, self._tenant_id, call_id)
        if call is None:
            self._session.rollback()
            self._audit(action, call_id[:64], Outcome.NOT_FOUND)
            self._session.commit()
            raise NotFound("no such call")
        return call

    def _encrypt(self, call_id: str, column: str, value: str | None) -> bytes | None:
        if value is None:
            return None
        return self._keyring.encrypt_field(
            self._tenant_id, value, field_ad(self._tenant_id, call_id, column)
        )

    def _decrypt(self, call: CallRecord, column: str) -> str | None:
        ciphertext: bytes | None = getattr(call, f"{column}_enc")
        if ciphertext is None:
            return None
        return self._keyring.decrypt_field(
            self._tenant_id, ciphertext, field_ad(self._tenant_id, call.id, column)
        )

    # -- calls -----------------------------------------------------------------

    def create(self, data: CallCreate) -> str:
        """A new call, committed with its audit event (``record_creation``: through the
        server's group committer, so concurrent creates share a commit); its id once
        both are durable."""
        call_id = new_id()
        caller = to_e164(data.caller_number, "caller_number")
        row = {
            "id": call_id,
            "tenant_id": self._tenant_id,
            "caller_number_index": self._keyring.blind_index(self._tenant_id, caller),
            "caller_number_enc": self._encrypt(call_id, "caller_number", caller),
            "caller_name_enc": self._encrypt(call_id, "caller_name", data.caller_name),
            "notes_enc": self._encrypt(call_id, "notes", data.notes),
            "called_number": to_e164(data.called_number, "called_number"),
            "tracking_number": to_e164(data.tracking_number, "tracking_number"),
            "started_at": data.started_at,
            "ended_at": data.ended_at,
            "direction": data.direction.value,
            "agent": data.agent,
            "campaign": data.campaign,
            "disposition": data.disposition,
            "created_at": utcnow(),
        }
        record_creation(
            self._session,
            self._principal,
            AuditAction.CALL_CREATE,
            resource_type="call",
            resource_id=call_id,
            request=self._request,
            rows=[(Call.__tablename__, row)],
        )
        return call_id

    def get(self, call_id: str) -> CallOut:
        call = self._call(call_id, AuditAction.CALL_READ)
        view = self._views([call])[0]
        self._audit_read(AuditAction.CALL_READ, call.id, _surname_terms([view]))
        return view

    def search(self, filters: SearchFilters) -> CallPage:
        limit = min(max(filters.limit, 1), MAX_PAGE_SIZE)
        caller = None
        if filters.caller_number is not None:
            caller = to_e164(filters.caller_number, "caller_number")
        calls = read_calls(self._session, self._search_statement(filters, caller).limit(limit + 1))
        page, more = calls[:limit], len(calls) > limit
        items = self._views(page)
        searched = [caller] if caller else []  # the searched number, as a keyed hash only
        self._audit_read(AuditAction.CALL_SEARCH, None, searched + _surname_terms(items))
        return CallPage(
            items=items,
            next_cursor=encode_cursor(page[-1].started_at, page[-1].id) if more else None,
        )

    def _search_statement(self, filters: SearchFilters, caller: str | None) -> CallSelect:
        """``caller`` is the caller number already in E.164."""
        stmt = select_calls(self._tenant_id)
        if caller is not None:
            index = self._keyring.blind_index(self._tenant_id, caller)
            stmt = stmt.where(Call.caller_number_index == index)
        if filters.tracking_number is not None:
            tracking = to_e164(filters.tracking_number, "tracking_number")
            stmt = stmt.where(Call.tracking_number == tracking)
        if filters.since is not None:
            stmt = stmt.where(Call.started_at >= filters.since)
        if filters.until is not None:
            stmt = stmt.where(Call.started_at < filters.until)
        if filters.cursor is not None:
            started_at, call_id = decode_cursor(filters.cursor)
            stmt = stmt.where(
                or_(
                    Call.started_at < started_at,
                    and_(Call.started_at == started_at, Call.id < call_id),
                )
            )
        return stmt.order_by(Call.started_at.desc(), Call.id.desc())

    def _objects(self, call_ids: list[str]) -> dict[str, dict[str, StoredObject]]:
        found: dict[str, dict[str, StoredObject]] = {}
        if not call_ids:
            return found
        rows = self._session.execute(
            select(StoredObject).where(
                StoredObject.tenant_id == self._tenant_id, StoredObject.call_id.in_(call_ids)
            )
        ).scalars()
        for row in rows:
            found.setdefault(row.call_id, {})[row.kind] = row
        return found

    def _views(self, calls: list[CallRecord]) -> list[CallOut]:
        ids = [call.id for call in calls]
        objects = object_infos(self._session, self._tenant_id, ids)
        processing = processing_for(self._session, self._tenant_id, ids)
        return [self._view(c, objects.get(c.id, {}), processing.get(c.id)) for c in calls]

    def _view(
        self, call: CallRecord, objects: dict[str, ObjectInfo], processing: ProcessingOut | None
    ) -> CallOut:
        """The call as this principal may see it (minimum necessary)."""
        caller = self._decrypt(call, "caller_number") or ""
        phi = self._principal.may(Permission.CALL_READ_PHI)
        return CallOut(
            id=call.id,
            caller_number=caller if phi else mask(caller),
            caller_name=self._decrypt(call, "caller_name") if phi else None,
            notes=self._decrypt(call, "notes") if phi else None,
            called_number=call.called_number,
            tracking_number=call.tracking_number,
            started_at=call.started_at,
            ended_at=call.ended_at,
            direction=call.direction,  # type: ignore[arg-type]  # validated on the way in
            agent=call.agent,
            campaign=call.campaign,
            disposition=call.disposition,
            created_at=call.created_at,
            recording=objects.get(RECORDING),
            recording_original=objects.get(RECORDING_ORIGINAL),
            transcript=objects.get(TRANSCRIPT),
            processing=processing,
        )

    # -- recordings and transcripts -------------------------------------------

    def check_call(self, call_id: str, action: AuditAction) -> None:
        """NotFound (audited) unless the call exists in this tenant; ends the transaction."""
        self._call(call_id, action)
        self._session.rollback()

    def new_object_key(
        self, call_id: str, kind: str, action: AuditAction
    ) -> tuple[DataKey, UnwrappedDataKey]:
        """A fresh DEK for a new object of an existing call (NotFound, audited, if the
        call is not in this tenant). The transaction ends here, so a long upload holds
        no lock and no snapshot; the key row is added only by ``replace_object``."""
        self._call(call_id, action)
        keys = self._keyring.new_data_key(self._tenant_id, new_id(), kind)
        self._session.rollback()
        return keys

    def open_object(self, call_id: str, kind: str, action: AuditAction) -> OpenedObject:
        """Audit the read, commit, then hand back a verified-on-read decryptor."""
        call = self._call(call_id, action)
        objects = self._objects([call.id]).get(call.id, {})
        stored = objects.get(kind)
        if stored is None:
            self._session.rollback()
            self._audit(action, call.id, Outcome.NOT_FOUND)
            self._session.commit()
            if kind == RECORDING and RECORDING_ORIGINAL in objects:
                raise Conflict(_not_ready(self._session, call.id))
            raise NotFound(f"the call has no {kind}")
        data_key = self._session.get_one(DataKey, stored.data_key_id)
        dek = self._keyring.unwrap_data_key(data_key)
        self._audit_read(action, call.id)
        blob = SegmentedBlob(
            dek.dek,
            associated_data=blob_associated_data(self._tenant_id, stored.id),
            ciphertext_size=self._blobs.size(stored.blob_key),
            read=lambda start, end: self._blobs.read(stored.blob_key, start, end),
        )
        return OpenedObject(media_type=stored.media_type, blob=blob, object_id=stored.id)

    def replace_object(self, stored: StoredObject, data_key: DataKey, action: AuditAction) -> None:
        """Make a durably stored blob visible as the call's ``kind``; an older object of
        the same kind is crypto-shredded in the same transaction."""
        self._replace(stored.call_id, [(stored, data_key)], (stored.kind,), action)

    def replace_recording(self, stored: StoredObject, data_key: DataKey) -> None:
        """Make an uploaded recording the call's original and queue the pipeline for it,
        in one transaction: an acknowledged upload always has its job. The older
        original and its scrubbed version are crypto-shredded (a scrub of another
        recording must never play for this one)."""
        enqueue(self._session, self._tenant_id, stored.call_id, stored.id, utcnow())
        shredded = self._replace(
            stored.call_id,
            [(stored, data_key)],
            (RECORDING_ORIGINAL, RECORDING),
            AuditAction.RECORDING_UPLOAD,
        )
        if shredded:
            purge_deleted_data(self._session.get_bind().engine)

    def replace_scrubbed(self, stored: StoredObject, data_key: DataKey, original_id: str) -> None:
        """Make a scrubbed recording the call's playable one, if ``original_id`` (what
        it was made from) is still the call's original; Conflict otherwise."""
        current = self._objects([stored.call_id]).get(stored.call_id, {}).get(RECORDING_ORIGINAL)
        if current is None or current.id != original_id:
            self._session.rollback()
            raise Conflict("the recording was replaced while it was processed")
        self._replace(
            stored.call_id, [(stored, data_key)], (RECORDING,), AuditAction.RECORDING_UPLOAD
        )

    def object_kinds(self, call_id: str) -> set[str]:
        """Which objects the call has (no content, not audited); ends the transaction."""
        kinds = set(self._objects([call_id]).get(call_id, {}))
        self._session.rollback()
        return kinds

    def replace_transcript(
        self, call_id: str, new: Sequence[tuple[StoredObject, DataKey]], rescrub: bool = True
    ) -> None:
        """Make a redacted transcript (and its original, if kept) the call's, in one
        transaction that also crypto-shreds the older transcript and any older original:
        an original never outlives the transcript it belongs to. With ``rescrub``, a
        recording of the call is queued to be scrubbed again with the new time ranges,
        and its scrub without them is shredded: it may hold speech that is now known to
        be PHI (all in the same transaction)."""
        current = self._objects([call_id]).get(call_id, {})
        kinds: tuple[str, ...] = (TRANSCRIPT, TRANSCRIPT_ORIGINAL)
        recording = current.get(RECORDING_ORIGINAL)
        if rescrub and recording is not None:
            enqueue(self._session, self._tenant_id, call_id, recording.id, utcnow())
            kinds += (RECORDING,)
        dropped = TRANSCRIPT_ORIGINAL in current and len(new) == 1
        if dropped or (RECORDING in kinds and RECORDING in current):
            self._audit(AuditAction.OBJECT_SHRED, call_id)  # say so in the trail
        shredded = self._replace(call_id, new, kinds, AuditAction.TRANSCRIPT_UPLOAD)
        if shredded:
            purge_deleted_data(self._session.get_bind().engine)

    def _replace(
        self,
        call_id: str,
        new: Sequence[tuple[StoredObject, DataKey]],
        kinds: Sequence[str],
        action: AuditAction,
    ) -> bool:
        """Shred the call's objects of ``kinds``, add ``new``, audit, commit; True if
        anything was shredded."""
        current = self._objects([call_id]).get(call_id, {})
        old = [current[kind] for kind in kinds if kind in current]
        for row in old:
            self._shred_rows(row)
        for stored, data_key in new:
            self._session.add(data_key)
            self._session.flush()  # no relationship() between them: order the inserts here
            self._session.add(stored)
        self._audit(action, call_id)
        self._session.commit()
        for row in old:
            self._blobs.delete(row.blob_key)
        return bool(old)

    # -- transcript redaction --------------------------------------------------

    def redaction_setup(self, call_id: str, transcript: TranscriptIn) -> RedactionSetup:
        """What redacting a transcript of this call needs: the tenant's policy, the
        identifiers to redact whatever is said (the request's ``known`` and the record's
        own caller name and number) and, for tokens, the tenant's token key. NotFound
        (audited) if the call is not in this tenant; ends the transaction."""
        call = self._call(call_id, AuditAction.TRANSCRIPT_UPLOAD)
        policy = load_redaction_policy(self._session, self._tenant_id)
        record = (self._decrypt(call, "caller_name"), self._decrypt(call, "caller_number"))
        token_key = None
        if policy.operator is RedactionOperator.TOKEN:
            token_key = self._token_key()
        self._session.rollback()
        return RedactionSetup(policy, known_values(transcript, record), token_key)

    def _token_key(self) -> bytes:
        """The key of ``[NAME-7f3a]`` tokens: derived from the current tenant key, so it
        is never stored, differs per tenant, and changes when the tenant key rotates."""
        version = self._keyring.current_version(self._tenant_id)
        return derive_subkey(self._keyring.tenant_key(self._tenant_id, version), TOKEN_KEY_PURPOSE)

    def redacted_time_ranges(self, call_id: str) -> list[tuple[float, float]] | None:
        """The ``[start_s, end_s]`` stretches of the recording that carry PHI, from the
        stored transcript (for the audio scrubber). None if the transcript came without
        word timings: then nothing is known about the audio, not that it is clean.
        The read is audited as a transcript read; NotFound if there is no transcript."""
        opened = self.open_object(call_id, TRANSCRIPT, AuditAction.TRANSCRIPT_READ)
        stored = json.loads(b"".join(opened.blob.iter_plaintext()))
        ranges = stored.get("redacted_time_ranges")
        if ranges is None:
            return None
        return [(float(start), float(end)) for start, end in ranges]

    def shred_object(self, call_id: str, kind: str) -> None:
        """Crypto-shred a call's object: its DEK is destroyed, then its blob deleted."""
        call = self._call(call_id, AuditAction.OBJECT_SHRED)
        stored = self._objects([call.id]).get(call.id, {}).get(kind)
        if stored is None:
            raise NotFound(f"the call has no {kind}")
        self._shred_rows(stored)
        self._audit(AuditAction.OBJECT_SHRED, call.id)
        self._session.commit()
        purge_deleted_data(self._session.get_bind().engine)
        self._blobs.delete(stored.blob_key)

    def _shred_rows(self, stored: StoredObject) -> None:
        data_key = self._session.get_one(DataKey, stored.data_key_id)
        self._keyring.shred_data_key(data_key)
        self._session.delete(stored)
        self._session.flush()


def _surname_terms(views: Sequence[CallOut]) -> list[str]:
    """The callers' surnames as audit terms, for reads that showed the caller's name:
    the same-surname alert rule (callvault.alerts) compares them with the reader's."""
    terms = {surname_term(view.caller_name) for view in views if view.caller_name}
    return sorted(term for term in terms if term is not None)


def _not_ready(session: Session, call_id: str) -> str:
    job = session.execute(
        select(RecordingJob.state).where(RecordingJob.call_id == call_id)
    ).scalar_one_or_none()
    session.rollback()
    if job == JobState.FAILED.value:
        return "the recording could not be scrubbed; see processing on the call"
    return "the recording is still being scrubbed; see processing on the call"

"""Calls: create, read, search, and open their encrypted recording and transcript.

Every method works inside one tenant (the principal's): a call of another tenant is
simply not found. Every PHI read or write records an audit event in the same
transaction, and the transaction commits before anything is returned, so nothing
is acknowledged or shown that the audit trail does not hold. Storing, replacing and
shredding a call's objects is ``CallObjects`` (``callvault.calls.objects``), reached
as ``CallService.objects``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome, record_creation
from callvault.audit.surnames import surname_term
from callvault.audit.writer import RowInsert
from callvault.authz.permissions import Permission
from callvault.blobs.interface import BlobStore
from callvault.calls.consent import Consent, Pause, check_pauses, load_pauses
from callvault.calls.fields import decrypt_column
from callvault.calls.models import Call
from callvault.calls.new_call import NewCall, new_call_row
from callvault.calls.objects import (
    RECORDING,
    RECORDING_ORIGINAL,
    TRANSCRIPT,
    CallObjects,
)
from callvault.calls.schemas import (
    CallCreate,
    CallOut,
    CallPage,
    ObjectInfo,
    PauseOut,
    ProcessingOut,
    TranscriptIn,
)
from callvault.calls.scope import CallScope
from callvault.calls.transcripts import TOKEN_KEY_PURPOSE, RedactionSetup, known_values
from callvault.calls.views import (
    CallRecord,
    CallSelect,
    call_extras,
    read_calls,
    select_calls,
)
from callvault.compliance.gate import require_phi_ingest
from callvault.crypto.aead import derive_subkey
from callvault.crypto.blobformat import SegmentedBlob, blob_associated_data
from callvault.crypto.models import DataKey
from callvault.errors import Conflict, NotFound
from callvault.jobs.models import JobState, RecordingJob
from callvault.jobs.service import HELD_FOR_REVIEW, job_state
from callvault.pagination import decode_cursor, encode_cursor
from callvault.phone import mask, parse_e164, to_e164
from callvault.redaction.policy import RedactionOperator, load_redaction_policy

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchFilters:
    caller_number: str | None = None
    tracking_number: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    cursor: str | None = None
    # Exact matches on the call's unencrypted columns, and on its recording job's state.
    campaign: str | None = None
    direction: str | None = None
    disposition: str | None = None
    processing_state: str | None = None


@dataclass(frozen=True)
class OpenedObject:
    media_type: str
    blob: SegmentedBlob
    object_id: str = ""


class CallService:
    """A principal's calls: create, read, search, and open their objects. Writes of
    recordings and transcripts go through ``objects``, in the same session."""

    def __init__(self, ctx: ServiceContext, blobs: BlobStore) -> None:
        self._ctx = ctx
        self._scope = CallScope(ctx, blobs)
        self.objects = CallObjects(self._scope)
        self._session = ctx.session
        self._keyring = ctx.keyring
        self.blobs = blobs
        self._tenant_id = ctx.tenant_id

    # -- helpers ---------------------------------------------------------------

    def _decrypt(self, call: CallRecord, column: str) -> str | None:
        return decrypt_column(self._keyring, self._tenant_id, call, column)

    # -- calls -----------------------------------------------------------------

    def create(
        self, data: CallCreate, also: Callable[[str], Sequence[RowInsert]] | None = None
    ) -> str:
        """A new call, committed with its audit event (``record_creation``: through the
        server's group committer, so concurrent creates share a commit); its id once
        both are durable. ``also``: given the new call's id, more new rows to commit
        with it, or not at all (an importer's marker of where the call came from).
        NoActiveBaa (audited) before anything is written if the PHI gate is closed."""
        self.check_ingest()
        caller, caller_parsed = parse_e164(data.caller_number, "caller_number")
        called, called_parsed = parse_e164(data.called_number, "called_number")
        tracking, tracking_parsed = parse_e164(data.tracking_number, "tracking_number")
        new_call = NewCall(
            caller_number=caller,
            called_number=called,
            tracking_number=tracking,
            started_at=data.started_at,
            ended_at=data.ended_at,
            direction=data.direction.value,
            caller_name=data.caller_name,
            notes=data.notes,
            agent=data.agent,
            campaign=data.campaign,
            disposition=data.disposition,
            consent=Consent(data.consent) if data.consent else None,
            recording_pauses=self._new_pauses(data),
            parsed_numbers=(caller_parsed, called_parsed, tracking_parsed),
        )
        row = new_call_row(self._session, self._keyring, self._tenant_id, new_call)
        call_id: str = row["id"]
        record_creation(
            self._session,
            self._ctx.principal,
            AuditAction.CALL_CREATE,
            resource_type=AuditAction.CALL_CREATE.resource_type,
            resource_id=call_id,
            request=self._ctx.request,
            rows=[(Call.__tablename__, row), *(also(call_id) if also else ())],
        )
        return call_id

    @staticmethod
    def _new_pauses(data: CallCreate) -> tuple[Pause, ...]:
        pauses = tuple((p.start, p.end) for p in data.recording_pauses or ())
        check_pauses(pauses, (), (data.ended_at - data.started_at).total_seconds())
        return pauses

    def get(self, call_id: str) -> CallOut:
        call, extras = self._scope.call_with_extras(call_id, AuditAction.CALL_READ)
        view = self._view(call, extras.objects.get(call.id, {}), extras.processing.get(call.id))
        self._ctx.audit_read(AuditAction.CALL_READ, call.id, _surname_terms([view]))
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
        self._ctx.audit_read(AuditAction.CALL_SEARCH, None, searched + _surname_terms(items))
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
        for column, value in (
            (Call.campaign, filters.campaign),
            (Call.direction, filters.direction),
            (Call.disposition, filters.disposition),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        if filters.processing_state is not None:
            # A Core statement: the tenant is named here, not by the session's scoping.
            jobs = select(RecordingJob.call_id).where(
                RecordingJob.tenant_id == self._tenant_id,
                RecordingJob.state == filters.processing_state,
            )
            stmt = stmt.where(Call.id.in_(jobs))
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

    def views(self, calls: list[CallRecord]) -> list[CallOut]:
        """The calls as this principal may see them (minimum necessary). Not audited:
        the caller records the read it makes of them (an access export does)."""
        return self._views(calls)

    def _views(self, calls: list[CallRecord]) -> list[CallOut]:
        ids = [call.id for call in calls]
        extras = call_extras(self._session, self._tenant_id, ids)
        return [
            self._view(c, extras.objects.get(c.id, {}), extras.processing.get(c.id)) for c in calls
        ]

    def _view(
        self, call: CallRecord, objects: dict[str, ObjectInfo], processing: ProcessingOut | None
    ) -> CallOut:
        """The call as this principal may see it (minimum necessary)."""
        caller = self._decrypt(call, "caller_number") or ""
        phi = self._ctx.may(Permission.CALL_READ_PHI)
        return CallOut(
            id=call.id,
            caller_number=caller if phi or not caller else mask(caller),
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
            phi_shredded_at=call.phi_shredded_at,
            recording=objects.get(RECORDING),
            recording_original=objects.get(RECORDING_ORIGINAL),
            transcript=objects.get(TRANSCRIPT),
            processing=processing,
            consent=call.consent,  # type: ignore[arg-type]  # written from Consent only
            recording_pauses=[
                PauseOut(start=start, end=end) for start, end in load_pauses(call.recording_pauses)
            ],
        )

    # -- recordings and transcripts -------------------------------------------

    def check_ingest(self) -> None:
        """NoActiveBaa (audited) unless the tenant may take PHI in (the PHI gate)."""
        require_phi_ingest(self._ctx, self.blobs)

    def check_upload(self, call_id: str) -> None:
        """The PHI gate, then the call (NotFound, audited), then its recording consent
        (ConsentRefused, audited): nothing about the call is told to a tenant whose gate
        is closed. Ends the transaction."""
        self.check_ingest()
        self._scope.check_recordable(self._scope.call(call_id, AuditAction.RECORDING_UPLOAD))
        self._session.rollback()

    def open_object(self, call_id: str, kind: str, action: AuditAction) -> OpenedObject:
        """Audit the read, commit, then hand back a verified-on-read decryptor."""
        call = self._scope.call(call_id, action)
        objects = self._scope.objects([call.id]).get(call.id, {})
        stored = objects.get(kind)
        if stored is None:
            self._ctx.audit_refusal(action, call.id, outcome=Outcome.NOT_FOUND)
            if kind == RECORDING and RECORDING_ORIGINAL in objects:
                raise Conflict(not_ready(self._session, call.id))
            raise NotFound(f"the call has no {kind}")
        if kind == RECORDING and job_state(self._session, call.id) is JobState.REVIEW:
            # A scrub nobody can vouch for yet: not played.
            self._ctx.audit_refusal(
                action, call.id, outcome=Outcome.DENIED, reason="held for review"
            )
            raise Conflict(HELD_FOR_REVIEW)
        data_key = self._session.get_one(DataKey, stored.data_key_id)
        dek = self._keyring.unwrap_data_key(data_key)
        self._ctx.audit_read(action, call.id)
        blob = SegmentedBlob(
            dek.dek,
            associated_data=blob_associated_data(self._tenant_id, stored.id),
            ciphertext_size=self.blobs.size(stored.blob_key),
            read=lambda start, end: self.blobs.read(stored.blob_key, start, end),
        )
        return OpenedObject(media_type=stored.media_type, blob=blob, object_id=stored.id)

    # -- transcript redaction --------------------------------------------------

    def redaction_setup(self, call_id: str, transcript: TranscriptIn) -> RedactionSetup:
        """What redacting a transcript of this call needs: the tenant's policy, the
        identifiers to redact whatever is said (the request's ``known`` and the record's
        own caller name and number) and, for tokens, the tenant's token key. NotFound
        (audited) if the call is not in this tenant; ends the transaction."""
        call = self._scope.call(call_id, AuditAction.TRANSCRIPT_UPLOAD)
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


def _surname_terms(views: Sequence[CallOut]) -> list[str]:
    """The callers' surnames as audit terms, for reads that showed the caller's name:
    the same-surname alert rule (callvault.alerts) compares them with the reader's."""
    terms = {surname_term(view.caller_name) for view in views if view.caller_name}
    return sorted(term for term in terms if term is not None)


def not_ready(session: Session, call_id: str) -> str:
    """Why a call with an uploaded recording has none to play yet (the pipeline's
    state); ends the transaction."""
    state = job_state(session, call_id)
    session.rollback()
    if state is JobState.FAILED:
        return "the recording could not be scrubbed; see processing on the call"
    if state is JobState.REVIEW:
        return HELD_FOR_REVIEW
    return "the recording is still being scrubbed; see processing on the call"

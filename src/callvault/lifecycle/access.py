"""A caller's right of access (45 CFR 164.524): every call of one caller number in the
tenant, as one bundle sealed under the requester's passphrase.

The calls are found by the caller number's blind index, never by decrypting numbers.
What goes in is what the exporting principal may see (minimum necessary): the call's
fields as its role shows them; the original transcript with
``transcript:read_unredacted``, else the redacted one with ``transcript:read``; the
original recording with ``recording:play_unredacted``, else the scrubbed one with
``recording:play`` (not while it is held for review). The manifest names the
permissions that shaped it.

Everything is read and sealed first; then one ``access:export`` event per call is
written and committed, and only then is the bundle handed back: an export the audit
log does not hold is never shown (fail closed). The caller number is never in a
message or an event, only its keyed hash in the events' terms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.authz.permissions import Permission
from callvault.blobs.interface import BlobStore
from callvault.calls.models import Call, StoredObject
from callvault.calls.objects import RECORDING, RECORDING_ORIGINAL, TRANSCRIPT, TRANSCRIPT_ORIGINAL
from callvault.calls.service import CallService
from callvault.calls.views import CallRecord, read_calls, select_calls
from callvault.crypto.blobformat import SegmentedBlob, blob_associated_data
from callvault.crypto.models import DataKey
from callvault.db.base import utcnow
from callvault.errors import NotFound
from callvault.identity.sessions import require_step_up
from callvault.jobs.models import JobState
from callvault.jobs.service import job_state
from callvault.lifecycle.archive import ExportArchive
from callvault.lifecycle.bundle import derive_key, new_header, seal_with_key
from callvault.phone import to_e164

if TYPE_CHECKING:  # a type only: the jobs process builds exports without FastAPI
    from callvault.web.context import RequestContext

NO_CALLS = "no calls from that caller number in this tenant"

# The permissions that decide what a bundle holds, in the order the manifest lists them.
SHAPING = (
    Permission.CALL_READ_PHI,
    Permission.TRANSCRIPT_READ,
    Permission.TRANSCRIPT_READ_UNREDACTED,
    Permission.RECORDING_PLAY,
    Permission.RECORDING_PLAY_UNREDACTED,
)
# Per part of a call: which object kinds may fill it, most complete first, each with
# the permission it needs.
_TRANSCRIPT_CHOICES = (
    (TRANSCRIPT_ORIGINAL, Permission.TRANSCRIPT_READ_UNREDACTED),
    (TRANSCRIPT, Permission.TRANSCRIPT_READ),
)
_RECORDING_CHOICES = (
    (RECORDING_ORIGINAL, Permission.RECORDING_PLAY_UNREDACTED),
    (RECORDING, Permission.RECORDING_PLAY),
)
_FILE_NAMES = {
    TRANSCRIPT_ORIGINAL: "transcript_original",
    TRANSCRIPT: "transcript",
    RECORDING_ORIGINAL: "recording_original",
    RECORDING: "recording",
}
_SUFFIXES = {
    "application/json": ".json",
    "audio/wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
}
JsonDict = dict[str, Any]


@dataclass(frozen=True)
class ExportedBundle:
    sealed: bytes
    call_ids: list[str]


def export_caller(ctx: RequestContext, caller_number: str, passphrase: str) -> ExportedBundle:
    """Every call of ``caller_number`` in the tenant, sealed; NotFound (audited) if none."""
    require_step_up(ctx.principal, "exporting a caller's records")
    caller = to_e164(caller_number, "caller_number")
    # Before the first statement: scrypt must not hold the write lock.
    header = new_header()
    key = derive_key(passphrase, header)
    calls = calls_of_caller(ctx, caller)
    if not calls:
        ctx.audit_refusal(
            AuditAction.ACCESS_EXPORT, None, outcome=Outcome.NOT_FOUND, phi_terms=[caller]
        )
        raise NotFound(NO_CALLS)
    opened = [open_call(ctx, ctx.blobs, view) for view in call_views(ctx, ctx.blobs, calls)]
    manifest = _manifest(ctx, [call.call_id for call in opened])
    ctx.session.commit()  # all read: decrypting and sealing hold no lock (SQLite's is one)
    archive = ExportArchive(utcnow())
    parts = {call.call_id: add_call(archive, call) for call in opened}
    sealed = seal_with_key(archive.finish(manifest), header, key)
    for call_id, names in parts.items():
        reason = "parts: " + ",".join(names)
        ctx.audit(AuditAction.ACCESS_EXPORT, call_id, reason=reason, phi_terms=[caller])
    ctx.session.commit()
    return ExportedBundle(sealed, list(parts))


def calls_of_caller(ctx: RequestContext, caller_e164: str) -> list[CallRecord]:
    """The tenant's calls from one number, oldest first, by its blind index."""
    index = ctx.keyring.blind_index(ctx.tenant_id, caller_e164)
    statement = select_calls(ctx.tenant_id).where(Call.caller_number_index == index)
    return read_calls(ctx.session, statement.order_by(Call.started_at, Call.id))


def call_views(ctx: ServiceContext, blobs: BlobStore, calls: list[CallRecord]) -> list[JsonDict]:
    """The calls as the exporter may see them, as on ``GET /api/v1/calls/{id}``."""
    return [view.model_dump(mode="json") for view in CallService(ctx, blobs).views(calls)]


@dataclass(frozen=True)
class OpenedCall:
    """One call's part of an archive: its view, and each object it gets as (archive
    path, kind, blob with its key unwrapped, nothing decrypted yet)."""

    call_id: str
    view: JsonDict
    files: list[tuple[str, str, SegmentedBlob]]

    @property
    def names(self) -> list[str]:
        return ["call", *(_FILE_NAMES[kind] for _, kind, _ in self.files)]


def open_call(ctx: ServiceContext, blobs: BlobStore, view: JsonDict) -> OpenedCall:
    """What of the call the exporter may have, with the keys to open it: every database
    read an archive needs, so the caller can end its transaction before ``add_call``
    decrypts (a long one would hold SQLite's write lock)."""
    call_id = view["id"]
    objects = _objects(ctx, call_id)
    files = []
    for choices in (_TRANSCRIPT_CHOICES, _RECORDING_CHOICES):
        stored = _first_allowed(ctx, objects, choices)
        if stored is not None:
            name = _FILE_NAMES[stored.kind]
            path = f"calls/{call_id}/{name}{_SUFFIXES.get(stored.media_type, '.bin')}"
            files.append((path, stored.kind, _opened(ctx, blobs, stored)))
    return OpenedCall(call_id, view, files)


def add_call(
    archive: ExportArchive,
    call: OpenedCall,
    mark_transcript: Callable[[bytes], bytes] | None = None,
) -> list[str]:
    """The call's files into the archive, decrypted and verified (each transcript
    passed through ``mark_transcript`` if given); the names of the parts it got."""
    archive.add_json(f"calls/{call.call_id}/call.json", call.view)
    for path, kind, blob in call.files:
        data = b"".join(blob.iter_plaintext())
        if mark_transcript is not None and kind in (TRANSCRIPT, TRANSCRIPT_ORIGINAL):
            data = mark_transcript(data)
        archive.add(path, data)
    return call.names


def _objects(ctx: ServiceContext, call_id: str) -> dict[str, StoredObject]:
    rows = ctx.session.scalars(
        select(StoredObject).where(
            StoredObject.tenant_id == ctx.tenant_id, StoredObject.call_id == call_id
        )
    )
    found = {row.kind: row for row in rows}
    if RECORDING in found and job_state(ctx.session, call_id) is JobState.REVIEW:
        del found[RECORDING]  # a scrub nobody has vouched for yet is not played, nor exported
    return found


def _first_allowed(
    ctx: ServiceContext,
    objects: dict[str, StoredObject],
    choices: Sequence[tuple[str, Permission]],
) -> StoredObject | None:
    for kind, permission in choices:
        if kind in objects and ctx.may(permission):
            return objects[kind]
    return None


def _opened(ctx: ServiceContext, blobs: BlobStore, stored: StoredObject) -> SegmentedBlob:
    dek = ctx.keyring.unwrap_data_key(ctx.session.get_one(DataKey, stored.data_key_id))
    blob_key = stored.blob_key
    return SegmentedBlob(
        dek.dek,
        associated_data=blob_associated_data(ctx.tenant_id, stored.id),
        ciphertext_size=blobs.size(blob_key),
        read=lambda start, end: blobs.read(blob_key, start, end),
    )


def _manifest(ctx: RequestContext, call_ids: list[str]) -> dict[str, object]:
    principal = ctx.principal
    return {
        "calls": call_ids,
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "exported_by": {
            "actor_type": principal.actor_type,
            "actor_id": principal.actor_id,
            "roles": list(principal.roles),
        },
        "permissions": [str(p) for p in SHAPING if ctx.may(p)],
        "request_id": ctx.request.request_id,
    }

"""Destroying a call's data for good, one deletion certificate per piece destroyed.

A recording or transcript is crypto-shredded: its data key (DEK) is destroyed and its
row removed; the certificates go into the audit log; all of it commits in ONE
transaction; only then are the blobs deleted. A crash before the commit leaves
everything as it was; a crash after it leaves at most blobs nobody can open (their key
is gone), which the next sweep deletes (``delete_orphan_blobs``). So an object is always
either intact or shredded, never half.

A call's PHI fields (caller number, name, notes; encrypted under the tenant key) are
nulled with the caller's blind index. A call's metadata going means the whole call goes:
its objects and fields first, each with its certificate, then the row.

On SQLite, each batch ends with a WAL checkpoint (``purge_deleted_data``): with
``secure_delete`` on, no page of the database file or the WAL keeps the old bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from callvault.audit.actions import AuditAction
from callvault.audit.append import append_events
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome, build_event
from callvault.blobs.interface import BlobStore
from callvault.calls.models import Call, PlaybackLink, StoredObject
from callvault.calls.uploads import object_blob_key
from callvault.crypto.models import DataKey
from callvault.db.base import purge_deleted_data, utcnow
from callvault.jobs.models import RecordingJob
from callvault.lifecycle.datatypes import OBJECT_KINDS, DataType

_TYPE_OF_KIND = {kind: data_type for data_type, kind in OBJECT_KINDS.items()}
# Keys destroyed this recently have their blobs looked for again (a crash between the
# commit and the blob's deletion leaves one behind); sweeps run daily.
ORPHAN_WINDOW = timedelta(days=2)


@dataclass(frozen=True)
class Certificate:
    """What was destroyed, on what basis, when, which key, and the SHA-256 of the
    ciphertext destroyed. Its JSON is the ``reason`` of the audit event that records it."""

    data_type: DataType
    call_id: str
    object_id: str  # the stored object's id; the call's own id for its fields or its row
    basis: str  # "retention recording_original=30d", "erasure", "manual"
    destroyed_at: datetime
    key_id: str | None  # the DEK destroyed; None for fields (tenant key) and rows
    ciphertext_sha256: str | None

    def as_json(self) -> str:
        return json.dumps(
            {
                "certificate": "deletion/v1",
                "type": self.data_type.value,
                "object": self.object_id,
                "basis": self.basis[:80],
                "at": self.destroyed_at.isoformat(timespec="seconds"),
                "key": self.key_id,
                "sha256": self.ciphertext_sha256,
            },
            separators=(",", ":"),
        )


@dataclass
class Shredder:
    """Collects what one transaction destroys; ``commit`` makes it so."""

    ctx: ServiceContext
    blobs: BlobStore
    action: AuditAction  # RETENTION_SHRED, ERASURE_SHRED or MANUAL_SHRED
    basis: str
    certificates: list[Certificate] = field(default_factory=list)
    _blob_keys: list[str] = field(default_factory=list)

    def shred_objects(self, objects: Iterable[StoredObject]) -> None:
        objects = list(objects)
        key_ids = [stored.data_key_id for stored in objects]
        keys = {
            k.id: k
            for k in self.ctx.session.scalars(select(DataKey).where(DataKey.id.in_(key_ids)))
        }
        for stored in objects:
            data_key = keys[stored.data_key_id]
            digest = stored.ciphertext_sha256 or self._stored_hash(stored.blob_key)
            self.ctx.keyring.shred_data_key(data_key)
            self.ctx.session.delete(stored)
            self._blob_keys.append(stored.blob_key)
            self._certify(
                _TYPE_OF_KIND.get(stored.kind, DataType.EXPORT),
                stored.call_id,
                stored.id,
                data_key.id,
                digest,
            )
        self.ctx.session.flush()

    def shred_phi(self, calls: Iterable[Call]) -> None:
        for call in calls:
            if call.phi_shredded_at is not None:
                continue
            fields = (call.caller_number_enc, call.caller_name_enc, call.notes_enc)
            digest = hashlib.sha256(b"".join(f or b"" for f in fields)).hexdigest()
            call.caller_number_enc = call.caller_name_enc = call.notes_enc = None
            call.caller_number_index = None
            call.phi_shredded_at = utcnow()
            self._certify(DataType.CALL_PHI, call.id, call.id, None, digest)
        self.ctx.session.flush()

    def remove_calls(self, calls: list[Call]) -> None:
        """The whole call: objects, fields, what refers to it, then its row."""
        ids = [call.id for call in calls]
        if not ids:
            return
        self.shred_objects(
            self.ctx.session.scalars(select(StoredObject).where(StoredObject.call_id.in_(ids)))
        )
        self.shred_phi(calls)
        for model in (PlaybackLink, RecordingJob):
            self.ctx.session.execute(delete(model).where(model.call_id.in_(ids)))
        for call in calls:
            self.ctx.session.delete(call)
            self._certify(DataType.CALL_METADATA, call.id, call.id, None, None)
        self.ctx.session.flush()

    def commit(self) -> list[Certificate]:
        """Certificates into the audit log with the destruction, one commit; then the
        blobs go. Returns what was certified."""
        if self.certificates:
            events = [
                build_event(
                    self.ctx.session,
                    self.ctx.principal,
                    self.action,
                    self.action.resource_type,
                    certificate.call_id,
                    Outcome.ALLOWED,
                    self.ctx.request,
                    certificate.as_json(),
                    (),
                )
                for certificate in self.certificates
            ]
            append_events(self.ctx.session, self.ctx.tenant_id, events)
        self.ctx.session.commit()
        if self.certificates:
            purge_deleted_data(self.ctx.session.get_bind().engine)
        for key in self._blob_keys:
            self.blobs.delete(key)
        done, self.certificates, self._blob_keys = self.certificates, [], []
        return done

    def _certify(
        self,
        data_type: DataType,
        call_id: str,
        object_id: str,
        key_id: str | None,
        digest: str | None,
    ) -> None:
        self.certificates.append(
            Certificate(data_type, call_id, object_id, self.basis, utcnow(), key_id, digest)
        )

    def _stored_hash(self, blob_key: str) -> str | None:
        """For objects stored before the hash was recorded: read it off the blob."""
        if not self.blobs.exists(blob_key):
            return None
        digest = hashlib.sha256()
        for chunk in self.blobs.read(blob_key):
            digest.update(chunk)
        return digest.hexdigest()


def delete_orphan_blobs(ctx: ServiceContext, blobs: BlobStore) -> int:
    """Blobs of recently destroyed keys that a crash left behind; how many were deleted."""
    since = utcnow() - ORPHAN_WINDOW
    object_ids = ctx.session.scalars(
        select(DataKey.object_id).where(
            DataKey.tenant_id == ctx.tenant_id, DataKey.destroyed_at >= since
        )
    ).all()
    ctx.session.rollback()
    deleted = 0
    for object_id in object_ids:
        key = object_blob_key(ctx.tenant_id, object_id)
        if blobs.exists(key):
            blobs.delete(key)
            deleted += 1
    return deleted

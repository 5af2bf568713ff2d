"""Streaming an uploaded body into an encrypted blob in constant memory.

Order of durability: the blob is encrypted as it arrives, fsync-ed and committed
under a fresh key; only then is the row that makes it visible committed. A body
cut off mid-stream, over the limit, or refused leaves no row and no blob.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace

from starlette.concurrency import run_in_threadpool

from callvault.audit.actions import AuditAction
from callvault.blobs.interface import BlobStore
from callvault.calls.models import StoredObject
from callvault.calls.objects import (
    RECORDING,
    RECORDING_ORIGINAL,
    TRANSCRIPT,
    TRANSCRIPT_ORIGINAL,
    CallObjects,
)
from callvault.calls.transcripts import RedactedTranscript
from callvault.crypto.blobformat import BlobEncryptor, blob_associated_data
from callvault.crypto.models import DataKey
from callvault.errors import PayloadTooLarge

WRITE_CHUNK = 1024 * 1024


def object_blob_key(tenant_id: str, object_id: str) -> str:
    """Where a call object's blob is stored: the key of its DEK's ``object_id``."""
    return f"{tenant_id}/{object_id}"


@dataclass(frozen=True)
class ObjectTarget:
    tenant_id: str
    call_id: str
    kind: str
    media_type: str
    max_bytes: int
    action: AuditAction


async def read_head(stream: AsyncIterator[bytes], size: int) -> bytes:
    """At least ``size`` bytes from the front of the stream (fewer if it ends)."""
    head = bytearray()
    async for chunk in stream:
        head += chunk
        if len(head) >= size:
            break
    return bytes(head)


class ObjectWriter:
    """One new object's blob, written in order: ``write`` encrypts and stores (in at
    least ``WRITE_CHUNK`` pieces, refusing past ``target.max_bytes``); ``commit`` makes
    the blob durable and returns the rows that would make it visible (not yet added to
    any session); ``abort`` leaves nothing behind. Every method blocks: an async
    caller runs them in the worker pool."""

    def __init__(self, objects: CallObjects, blobs: BlobStore, target: ObjectTarget) -> None:
        self._target = target
        self._data_key, dek = objects.new_object_key(target.call_id, target.kind, target.action)
        self._blob_key = object_blob_key(target.tenant_id, self._data_key.object_id)
        self._encryptor = BlobEncryptor(
            dek.dek,
            key_id=dek.id,
            associated_data=blob_associated_data(target.tenant_id, self._data_key.object_id),
        )
        self._blob = blobs.writer(self._blob_key)
        self._size = 0
        self._stored_hash = hashlib.sha256()  # of the ciphertext: for deletion certificates

    def write(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._target.max_bytes:
            raise PayloadTooLarge(f"the {self._target.kind} is over {self._target.max_bytes} bytes")
        self._store(self._encryptor.update(data))

    def commit(self) -> tuple[StoredObject, DataKey]:
        self._store(self._encryptor.finalize())
        self._blob.commit()
        stored = StoredObject(
            id=self._data_key.object_id,
            tenant_id=self._target.tenant_id,
            call_id=self._target.call_id,
            kind=self._target.kind,
            media_type=self._target.media_type,
            data_key_id=self._data_key.id,
            blob_key=self._blob_key,
            plaintext_size=self._size,
            ciphertext_sha256=self._stored_hash.hexdigest(),
        )
        return stored, self._data_key

    def abort(self) -> None:
        self._blob.abort()

    def _store(self, ciphertext: bytes) -> None:
        self._stored_hash.update(ciphertext)
        self._blob.write(ciphertext)


def write_object(
    objects: CallObjects, blobs: BlobStore, target: ObjectTarget, chunks: Iterable[bytes]
) -> tuple[StoredObject, DataKey]:
    """Encrypt ``chunks`` into a new, durably committed blob under a fresh DEK; the
    rows that would make it visible (``ObjectWriter.commit``)."""
    writer = ObjectWriter(objects, blobs, target)
    try:
        for chunk in chunks:
            writer.write(chunk)
        return writer.commit()
    except BaseException:
        writer.abort()
        raise


async def stream_object(
    objects: CallObjects,
    blobs: BlobStore,
    target: ObjectTarget,
    head: bytes,
    rest: AsyncIterator[bytes],
) -> tuple[StoredObject, DataKey]:
    """``write_object`` for a body still arriving: the network is awaited on the event
    loop, the encryption and storage run in the worker pool, a ``WRITE_CHUNK`` at a time."""
    writer = await run_in_threadpool(ObjectWriter, objects, blobs, target)
    try:
        pending = bytearray(head)
        async for chunk in rest:
            pending += chunk
            if len(pending) >= WRITE_CHUNK:
                data, pending = bytes(pending), bytearray()
                await run_in_threadpool(writer.write, data)
        await run_in_threadpool(writer.write, bytes(pending))
        return await run_in_threadpool(writer.commit)
    except BaseException:
        await run_in_threadpool(writer.abort)
        raise


def store_object(
    objects: CallObjects, blobs: BlobStore, target: ObjectTarget, chunks: Iterable[bytes]
) -> None:
    """Encrypt ``chunks`` into a new blob and make it the call's object (``make_visible``)."""
    target = as_uploaded(target)
    stored, data_key = write_object(objects, blobs, target, chunks)
    make_visible(objects, blobs, target, stored, data_key)


async def store_upload(
    objects: CallObjects,
    blobs: BlobStore,
    target: ObjectTarget,
    head: bytes,
    rest: AsyncIterator[bytes],
) -> None:
    """``store_object`` for a body still arriving (``stream_object``)."""
    target = as_uploaded(target)
    stored, data_key = await stream_object(objects, blobs, target, head, rest)
    await run_in_threadpool(make_visible, objects, blobs, target, stored, data_key)


def as_uploaded(target: ObjectTarget) -> ObjectTarget:
    """A ``recording`` upload is kept as the call's original (``recording_orig``) and
    queued for the pipeline, which makes the playable, scrubbed ``recording`` from it
    (``callvault.pipeline``)."""
    return replace(target, kind=RECORDING_ORIGINAL) if target.kind == RECORDING else target


def make_visible(
    objects: CallObjects,
    blobs: BlobStore,
    target: ObjectTarget,
    stored: StoredObject,
    data_key: DataKey,
) -> None:
    """Commit the rows that make a stored blob the call's object; a failure deletes it."""
    try:
        if target.kind == RECORDING_ORIGINAL:
            objects.replace_recording(stored, data_key)
        else:
            objects.replace_object(stored, data_key, target.action)
    except BaseException:
        blobs.delete(stored.blob_key)
        raise


def store_transcript(
    objects: CallObjects,
    blobs: BlobStore,
    tenant_id: str,
    call_id: str,
    redacted: RedactedTranscript,
    *,
    rescrub: bool = True,
) -> None:
    """Store a redacted transcript, and its original if the policy keeps one, each
    under its own DEK; both become visible (and older ones are shredded) at once.
    ``rescrub``: a recording already scrubbed without this transcript's time ranges
    is queued to be scrubbed again (the pipeline, storing its own, says False)."""
    parts = [(TRANSCRIPT, redacted.redacted)]
    if redacted.original is not None:
        parts.append((TRANSCRIPT_ORIGINAL, redacted.original))
    written: list[tuple[StoredObject, DataKey]] = []
    try:
        for kind, payload in parts:
            size, action = len(payload), AuditAction.TRANSCRIPT_UPLOAD
            target = ObjectTarget(tenant_id, call_id, kind, "application/json", size, action)
            written.append(write_object(objects, blobs, target, [payload]))
        objects.replace_transcript(call_id, written, rescrub)
    except BaseException:
        for stored, _ in written:
            blobs.delete(stored.blob_key)
        raise

"""Streaming an uploaded body into an encrypted blob in constant memory.

Order of durability: the blob is encrypted as it arrives, fsync-ed and committed
under a fresh key; only then is the row that makes it visible committed. A body
cut off mid-stream, over the limit, or refused leaves no row and no blob.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from starlette.concurrency import run_in_threadpool

from callvault.audit.service import AuditAction
from callvault.blobs.interface import BlobStore
from callvault.calls.models import StoredObject
from callvault.calls.service import (
    RECORDING,
    RECORDING_ORIGINAL,
    TRANSCRIPT,
    TRANSCRIPT_ORIGINAL,
    CallService,
)
from callvault.calls.transcripts import RedactedTranscript
from callvault.crypto.blobformat import BlobEncryptor, blob_associated_data
from callvault.crypto.models import DataKey
from callvault.errors import PayloadTooLarge

WRITE_CHUNK = 1024 * 1024


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


async def store_object(
    service: CallService,
    blobs: BlobStore,
    target: ObjectTarget,
    head: bytes,
    rest: AsyncIterator[bytes] | None = None,
) -> None:
    """Encrypt ``head`` + ``rest`` into a new blob and make it the call's object.

    A ``recording`` is an upload: it is stored as the call's original
    (``recording_orig``) and queued for the pipeline, which makes the playable,
    scrubbed ``recording`` from it (``callvault.pipeline``)."""
    if target.kind == RECORDING:
        target = replace(target, kind=RECORDING_ORIGINAL)
    stored, data_key = await write_object(service, blobs, target, head, rest)
    try:
        if target.kind == RECORDING_ORIGINAL:
            await run_in_threadpool(service.replace_recording, stored, data_key)
        else:
            await run_in_threadpool(service.replace_object, stored, data_key, target.action)
    except BaseException:
        await run_in_threadpool(blobs.delete, stored.blob_key)
        raise


async def store_transcript(
    service: CallService,
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
            written.append(await write_object(service, blobs, target, payload))
        await run_in_threadpool(service.replace_transcript, call_id, written, rescrub)
    except BaseException:
        for stored, _ in written:
            await run_in_threadpool(blobs.delete, stored.blob_key)
        raise


async def write_object(
    service: CallService,
    blobs: BlobStore,
    target: ObjectTarget,
    head: bytes,
    rest: AsyncIterator[bytes] | None = None,
) -> tuple[StoredObject, DataKey]:
    """Encrypt ``head`` + ``rest`` into a new, durably committed blob under a fresh DEK,
    and return the rows that would make it visible (not yet added to any session)."""
    data_key, dek = await run_in_threadpool(
        service.new_object_key, target.call_id, target.kind, target.action
    )
    object_id = data_key.object_id
    blob_key = f"{target.tenant_id}/{object_id}"
    encryptor = BlobEncryptor(
        dek.dek,
        key_id=dek.id,
        associated_data=blob_associated_data(target.tenant_id, object_id),
    )
    size = 0
    with blobs.writer(blob_key) as writer:
        pending = bytearray()

        async def push(data: bytes) -> None:
            nonlocal size, pending
            size += len(data)
            if size > target.max_bytes:
                raise PayloadTooLarge(f"the {target.kind} is over {target.max_bytes} bytes")
            pending += data
            if len(pending) >= WRITE_CHUNK:
                ciphertext, pending = encryptor.update(bytes(pending)), bytearray()
                await run_in_threadpool(writer.write, ciphertext)

        await push(head)
        if rest is not None:
            async for chunk in rest:
                await push(chunk)
        tail = encryptor.update(bytes(pending)) + encryptor.finalize()
        await run_in_threadpool(writer.write, tail)
        await run_in_threadpool(writer.commit)
    stored = StoredObject(
        id=object_id,
        tenant_id=target.tenant_id,
        call_id=target.call_id,
        kind=target.kind,
        media_type=target.media_type,
        data_key_id=data_key.id,
        blob_key=blob_key,
        plaintext_size=size,
    )
    return stored, data_key

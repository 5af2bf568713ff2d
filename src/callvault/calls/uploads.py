"""Streaming an uploaded body into an encrypted blob in constant memory.

Order of durability: the blob is encrypted as it arrives, fsync-ed and committed
under a fresh key; only then is the row that makes it visible committed. A body
cut off mid-stream, over the limit, or refused leaves no row and no blob.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from callvault.audit.service import AuditAction
from callvault.blobs.interface import BlobStore
from callvault.calls.models import StoredObject
from callvault.calls.service import CallService
from callvault.crypto.blobformat import BlobEncryptor, blob_associated_data
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
    """Encrypt ``head`` + ``rest`` into a new blob and make it the call's object."""
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
    try:
        await run_in_threadpool(service.replace_object, stored, data_key, target.action)
    except BaseException:
        await run_in_threadpool(blobs.delete, blob_key)
        raise

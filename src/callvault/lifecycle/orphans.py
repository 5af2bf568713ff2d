"""Deleting blobs that no row names: what a crash or a storage fault leaves behind.

An object's blob is committed before the row that makes it visible (``calls.uploads``),
so a process killed between the two, a database that fails the row's commit, or an S3
answer lost after the object was stored (the client gives up; S3 kept it) leaves a blob
nobody can reach. Its DEK was never saved, so it cannot be opened either: it is
ciphertext without a key, but it still costs storage and must not pile up.

A blob under the tenant's prefix that is named by no call object and no export, and
was last written more than ``GRACE`` ago (longer than any upload takes, so a write in
flight is never taken for an orphan), is deleted. The retention sweep runs this for
every tenant (``lifecycle.sweep``); blobs of destroyed keys are ``shredding``'s.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from callvault.audit.context import ServiceContext
from callvault.blobs.interface import BlobStore
from callvault.calls.models import StoredObject
from callvault.db.base import utcnow
from callvault.lifecycle.exports_models import Export

GRACE = timedelta(hours=6)
_BATCH = 500  # keys per lookup: a bounded IN list


def delete_unreferenced_blobs(
    ctx: ServiceContext, blobs: BlobStore, grace: timedelta = GRACE
) -> int:
    """Delete the tenant's blobs older than ``grace`` that no row names; how many.
    Keys are listed and checked a batch at a time: memory stays flat on a big bucket."""
    deleted = 0
    batch: list[str] = []
    for key in blobs.stale_keys(f"{ctx.tenant_id}/", utcnow() - grace):
        batch.append(key)
        if len(batch) == _BATCH:
            deleted += _delete_unnamed(ctx, blobs, batch)
            batch = []
    return deleted + (_delete_unnamed(ctx, blobs, batch) if batch else 0)


def _delete_unnamed(ctx: ServiceContext, blobs: BlobStore, keys: list[str]) -> int:
    named = set(
        ctx.session.scalars(
            select(StoredObject.blob_key).where(
                StoredObject.tenant_id == ctx.tenant_id, StoredObject.blob_key.in_(keys)
            )
        )
    )
    exports = ctx.session.scalars(
        select(Export.blob_key).where(Export.tenant_id == ctx.tenant_id, Export.blob_key.in_(keys))
    )
    named.update(key for key in exports if key is not None)
    ctx.session.rollback()  # no transaction held while S3 deletes
    orphans = [key for key in keys if key not in named]
    for key in orphans:
        blobs.delete(key)
    return len(orphans)

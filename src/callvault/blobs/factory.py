"""Choose the blob store from settings; the only place that knows both stores."""

from __future__ import annotations

from callvault.blobs.interface import BlobStore
from callvault.blobs.local import LocalBlobStore
from callvault.errors import InvalidInput
from callvault.settings import Settings


def create_blob_store(settings: Settings) -> BlobStore:
    """The ``BlobStore`` configured by ``settings.blob_store`` (``local`` or ``s3``).

    Does not create an S3 bucket: production buckets are provisioned with their
    policies beforehand; call ``S3BlobStore.ensure_bucket()`` in development.
    """
    if settings.blob_store == "local":
        return LocalBlobStore(settings.blob_dir)
    if settings.blob_store == "s3":
        if settings.s3 is None:
            raise InvalidInput("CALLVAULT_BLOB_STORE=s3 needs CALLVAULT_S3_BUCKET")
        # Imported here: boto3 costs every process ~0.1 s to import, and most run local.
        from callvault.blobs.s3 import S3BlobStore

        return S3BlobStore(
            settings.s3.bucket,
            endpoint_url=settings.s3.endpoint_url,
            region=settings.s3.region,
        )
    raise InvalidInput("CALLVAULT_BLOB_STORE must be 'local' or 's3'")

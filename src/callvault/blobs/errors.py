"""Errors raised by the blob stores.

    callvault.errors.NotFound
    └── BlobNotFound               no object under the key
    callvault.errors.ServiceUnavailable
    └── BlobStoreUnavailable       the disk or the S3 endpoint failed (after retries)
    ValueError
    └── InvalidBlobKey             a malformed key: a programming error, never client input

Messages name what failed, never object contents; the underlying exception is kept as
``__cause__`` for the logs.
"""

from __future__ import annotations

from callvault.errors import NotFound, ServiceUnavailable


class BlobNotFound(NotFound):
    """No object is stored under the key."""


class BlobStoreUnavailable(ServiceUnavailable):
    """The storage backend failed; retrying later may succeed."""


class InvalidBlobKey(ValueError):
    """The key is not of the form CallVault generates (``<segment>/<segment>...``)."""

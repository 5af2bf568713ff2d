"""Fixtures for the blob stores: a local store in ``tmp_path`` and an S3 store against the
real moto server of ``tests/_s3.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from callvault.blobs.interface import BlobStore
from callvault.blobs.local import LocalBlobStore
from callvault.blobs.s3 import S3BlobStore


@pytest.fixture
def s3_store(moto_endpoint: str, bucket: str) -> S3BlobStore:
    # Built through the real constructor (endpoint, region, path style, retries).
    return S3BlobStore(bucket, endpoint_url=moto_endpoint, region="us-east-1")


@pytest.fixture
def local_store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> BlobStore:
    """Every behavioural test runs against both stores."""
    fixture: BlobStore = request.getfixturevalue(f"{request.param}_store")
    return fixture

"""S3-specific behaviour: multipart, encryption, prefixes, buckets, error mapping."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from callvault.blobs.errors import BlobNotFound, BlobStoreUnavailable
from callvault.blobs.s3 import PART_SIZE, S3BlobStore, make_client

MIB = 1024 * 1024
KEY = "0a1b2c/3d4e5f"


def put(store: S3BlobStore, key: str, data: bytes, chunk: int = MIB) -> None:
    with store.writer(key) as writer:
        for offset in range(0, len(data), chunk):
            writer.write(data[offset : offset + chunk])
        writer.commit()


def read_all(store: S3BlobStore, key: str) -> bytes:
    return b"".join(store.read(key))


def open_uploads(client: Any, bucket: str) -> list[Any]:
    return list(client.list_multipart_uploads(Bucket=bucket).get("Uploads", []))


@pytest.mark.parametrize(
    ("size", "parts"),
    [(PART_SIZE - 1, 0), (PART_SIZE, 1), (PART_SIZE + 1, 2), (20 * MIB, 3)],
    ids=["below-part", "one-part", "part-plus-one", "20MiB"],
)
def test_single_put_below_one_part_multipart_above(
    s3_store: S3BlobStore, s3_client: Any, bucket: str, size: int, parts: int
) -> None:
    data = os.urandom(size)
    put(s3_store, KEY, data)
    head = s3_client.head_object(Bucket=bucket, Key=KEY)
    etag_parts = head["ETag"].strip('"').partition("-")[2]
    assert etag_parts == (str(parts) if parts else "")
    assert head["ServerSideEncryption"] == "AES256"
    assert hashlib.sha256(read_all(s3_store, KEY)).digest() == hashlib.sha256(data).digest()
    assert open_uploads(s3_client, bucket) == []


def test_exception_aborts_open_multipart_upload(
    s3_store: S3BlobStore, s3_client: Any, bucket: str
) -> None:
    with pytest.raises(RuntimeError), s3_store.writer(KEY) as writer:
        writer.write(os.urandom(PART_SIZE + 10))
        assert len(open_uploads(s3_client, bucket)) == 1  # the multipart upload started
        raise RuntimeError("client went away")
    assert open_uploads(s3_client, bucket) == []
    assert not s3_store.exists(KEY)


def test_leaving_with_without_commit_aborts_multipart(
    s3_store: S3BlobStore, s3_client: Any, bucket: str
) -> None:
    with s3_store.writer(KEY) as writer:
        writer.write(os.urandom(PART_SIZE))
    assert open_uploads(s3_client, bucket) == []
    assert not s3_store.exists(KEY)


def test_prefix_namespaces_objects(moto_endpoint: str, s3_client: Any, bucket: str) -> None:
    store = S3BlobStore(bucket, endpoint_url=moto_endpoint, prefix="/vault/")
    put(store, KEY, b"data")
    keys = [obj["Key"] for obj in s3_client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"vault/{KEY}"]
    assert read_all(store, KEY) == b"data"
    assert not S3BlobStore(bucket, endpoint_url=moto_endpoint).exists(KEY)


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_ensure_bucket_creates_once(moto_endpoint: str, region: str) -> None:
    name = f"ensure-{region}-{os.urandom(4).hex()}"
    client = make_client(moto_endpoint, region)
    store = S3BlobStore(name, region=region, client=client)
    store.ensure_bucket()
    store.ensure_bucket()  # already there: no error
    location = client.get_bucket_location(Bucket=name)["LocationConstraint"]
    assert location == (None if region == "us-east-1" else region)
    put(store, KEY, b"x")
    assert read_all(store, KEY) == b"x"
    store.delete(KEY)
    client.delete_bucket(Bucket=name)


def test_empty_range_sends_no_request(s3_store: S3BlobStore) -> None:
    client = s3_store._client
    with Stubber(client):  # any request now fails: nothing is stubbed
        assert list(s3_store.read(KEY, 5, 5)) == []


def _stubbed_store() -> tuple[S3BlobStore, Stubber]:
    client = make_client("http://127.0.0.1:9", "us-east-1")
    return S3BlobStore("bucket", client=client), Stubber(client)


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("NoSuchKey", 404, BlobNotFound),
        ("ServiceUnavailable", 503, BlobStoreUnavailable),
        ("InternalError", 500, BlobStoreUnavailable),
        ("NoSuchBucket", 404, BlobStoreUnavailable),  # misconfiguration, not a missing object
        ("AccessDenied", 403, BlobStoreUnavailable),
    ],
)
def test_client_errors_are_mapped(code: str, status: int, expected: type[Exception]) -> None:
    store, stubber = _stubbed_store()
    stubber.add_client_error("get_object", code, "secret detail", status)
    with stubber, pytest.raises(expected) as info:
        store.read(KEY)
    assert "secret" not in str(info.value)
    assert KEY not in str(info.value)


def test_unreachable_endpoint_is_unavailable() -> None:
    # One attempt only: the production client retries 5 times with backoff.
    config = Config(
        region_name="us-east-1",
        s3={"addressing_style": "path"},
        retries={"max_attempts": 1, "mode": "standard"},
        connect_timeout=1,
    )
    client = boto3.client("s3", endpoint_url="http://127.0.0.1:9", config=config)
    store = S3BlobStore("bucket", client=client)
    for call in (lambda: store.read(KEY), lambda: store.size(KEY), lambda: store.delete(KEY)):
        with pytest.raises(BlobStoreUnavailable) as info:
            call()
        assert info.value.status == 503
    with pytest.raises(BlobStoreUnavailable), store.writer(KEY) as writer:
        writer.write(b"abc")
        writer.commit()


def test_client_memory_stays_flat(s3_store: S3BlobStore) -> None:
    block = os.urandom(MIB)
    expected = hashlib.sha256()
    tracemalloc.start()
    try:
        with s3_store.writer(KEY) as writer:
            for i in range(24):
                chunk = i.to_bytes(4, "big") + block[4:]
                expected.update(chunk)
                writer.write(chunk)
            writer.commit()
        actual = hashlib.sha256()
        for chunk in s3_store.read(KEY):
            actual.update(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert actual.digest() == expected.digest()
    assert peak < 40 * MIB, f"peak {peak / MIB:.1f} MiB"


def test_failed_part_upload_closes_writer_and_aborts() -> None:
    store, stubber = _stubbed_store()
    stubber.add_response(
        "create_multipart_upload",
        {"UploadId": "u1", "Bucket": "bucket", "Key": KEY},
    )
    stubber.add_client_error("upload_part", "InternalError", "", 500)
    stubber.add_response("abort_multipart_upload", {})
    with stubber, pytest.raises(BlobStoreUnavailable), store.writer(KEY) as writer:
        try:
            writer.write(b"x" * PART_SIZE)
        finally:
            with pytest.raises(ValueError, match="closed"):
                writer.write(b"more")
    stubber.assert_no_pending_responses()


def test_check_fails_on_a_missing_bucket_or_an_unreachable_endpoint(moto_endpoint: str) -> None:
    missing = S3BlobStore(f"missing-{os.urandom(4).hex()}", endpoint_url=moto_endpoint)
    with pytest.raises(BlobStoreUnavailable) as info:
        missing.check()
    assert moto_endpoint not in str(info.value)
    config = Config(region_name="us-east-1", retries={"max_attempts": 1}, connect_timeout=1)
    client = boto3.client("s3", endpoint_url="http://127.0.0.1:9", config=config)
    with pytest.raises(BlobStoreUnavailable):
        S3BlobStore("bucket", client=client).check()

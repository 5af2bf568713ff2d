"""Blob store on S3 or an S3-compatible server (MinIO, Ceph, moto in tests).

Writes stream: a writer holds at most one 8 MiB part in memory. An object smaller than
a part goes out as one ``PutObject`` at commit; a larger one as a multipart upload
that becomes visible only when ``CompleteMultipartUpload`` succeeds, and is aborted
when the writer is left without committing. (Add a bucket lifecycle rule
``AbortIncompleteMultipartUpload`` for uploads orphaned by a crashed process.)

``ServerSideEncryption=AES256`` is defence in depth; the objects are already
encrypted by CallVault before they get here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from callvault.blobs.errors import BlobNotFound, BlobStoreUnavailable
from callvault.blobs.keys import validate_key, validate_range
from callvault.metrics import BLOB_STORE_ERRORS

PART_SIZE = 8 * 1024 * 1024
CHUNK_SIZE = 1024 * 1024
_SSE = "AES256"
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


def _translate(exc: ClientError | BotoCoreError) -> BlobNotFound | BlobStoreUnavailable:
    """Map a boto error to ours. Anything but a missing object means storage is not
    usable right now (5xx or connection failure after boto's retries, or a
    misconfiguration such as a missing bucket or denied access): a 503, logged with
    the boto error as ``__cause__``."""
    if isinstance(exc, ClientError) and _error_code(exc) in _NOT_FOUND_CODES:
        return BlobNotFound("blob not found")
    return _unavailable()


def _unavailable() -> BlobStoreUnavailable:
    BLOB_STORE_ERRORS.labels("s3").inc()  # every failure of the endpoint passes here
    return BlobStoreUnavailable("S3 blob storage failed")


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def _mapped_errors() -> Iterator[None]:
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise _translate(exc) from exc


def make_client(endpoint_url: str | None, region: str) -> Any:
    """A boto3 S3 client with path-style addressing (works with IP endpoints and
    S3-compatible servers) and standard retries. boto3 is untyped here: ``Any``."""
    config = Config(
        region_name=region,
        s3={"addressing_style": "path"},
        retries={"max_attempts": 5, "mode": "standard"},
    )
    return boto3.client("s3", endpoint_url=endpoint_url, config=config)


class S3BlobStore:
    """``BlobStore`` keeping each object as ``<prefix>/<key>`` in one bucket.
    Credentials come from boto3's usual chain (environment, profile, instance role)."""

    external = True  # a storage provider: PHI goes there only under a storage BAA

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        prefix: str = "",
        client: Any | None = None,  # a boto3 S3 client; boto3 is untyped
    ) -> None:
        self._bucket = bucket
        self._region = region
        stripped = prefix.strip("/")
        self._prefix = f"{stripped}/" if stripped else ""
        self._client: Any = client if client is not None else make_client(endpoint_url, region)

    @property
    def bucket(self) -> str:
        """The bucket objects are stored in."""
        return self._bucket

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (for development and tests;
        production buckets are provisioned with their policies beforehand)."""
        with _mapped_errors():
            try:
                self._client.head_bucket(Bucket=self._bucket)
                return
            except ClientError as exc:
                if _error_code(exc) not in _NOT_FOUND_CODES | {"NoSuchBucket"}:
                    raise
            self._create_bucket()

    def check(self) -> None:
        """``HeadBucket``: the endpoint answers, the bucket exists and we may use it.
        A missing bucket is ``BlobStoreUnavailable`` here, not ``BlobNotFound``."""
        try:
            self._client.head_bucket(Bucket=self._bucket)
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable() from exc

    def writer(self, key: str) -> S3BlobWriter:
        """A writer that uploads the object on ``commit()``; see the module docstring."""
        return S3BlobWriter(self._client, self._bucket, self._name(key))

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes ``[start, end)`` by ranged GET, in chunks of at most 1 MiB; a range
        past the end is clamped. The GET is sent by this call, so ``BlobNotFound`` is
        raised here, not by the first ``next()``. An empty range yields nothing
        without a request."""
        name = self._name(key)
        validate_range(start, end)
        if end == start:
            return iter(())
        extra = {} if start == 0 and end is None else {"Range": _http_range(start, end)}
        with _mapped_errors():
            try:
                response = self._client.get_object(Bucket=self._bucket, Key=name, **extra)
            except ClientError as exc:
                if _error_code(exc) != "InvalidRange":
                    raise
                return iter(())  # 416: the object exists but starts before ``start``
        return _stream(response["Body"])

    def size(self, key: str) -> int:
        """Stored size in bytes; ``BlobNotFound`` when absent."""
        name = self._name(key)
        with _mapped_errors():
            response = self._client.head_object(Bucket=self._bucket, Key=name)
        return int(response["ContentLength"])

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        try:
            self.size(key)
        except BlobNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        """Remove the object; S3 deletes are already idempotent."""
        name = self._name(key)
        with _mapped_errors():
            self._client.delete_object(Bucket=self._bucket, Key=name)

    def stale_keys(self, prefix: str, older_than: datetime) -> Iterator[str]:
        """Keys under ``prefix`` whose object was last written before ``older_than``,
        listed a page (1000 keys) at a time."""
        start = self._prefix + validate_key(prefix.strip("/")) + "/"
        pages = self._client.get_paginator("list_objects_v2")
        with _mapped_errors():
            for page in pages.paginate(Bucket=self._bucket, Prefix=start):
                for item in page.get("Contents", []):
                    if item["LastModified"] < older_than:
                        yield item["Key"][len(self._prefix) :]

    def _name(self, key: str) -> str:
        return self._prefix + validate_key(key)

    def _create_bucket(self) -> None:
        # us-east-1 rejects a LocationConstraint; every other region requires one.
        extra: dict[str, Any] = {}
        if self._region != "us-east-1":
            extra["CreateBucketConfiguration"] = {"LocationConstraint": self._region}
        try:
            self._client.create_bucket(Bucket=self._bucket, **extra)
        except ClientError as exc:
            if _error_code(exc) != "BucketAlreadyOwnedByYou":  # lost a race with ourselves
                raise


def _http_range(start: int, end: int | None) -> str:
    return f"bytes={start}-" if end is None else f"bytes={start}-{end - 1}"


def _stream(body: Any) -> Iterator[bytes]:
    """Yield the body's chunks, always releasing the connection at the end."""
    try:
        with _mapped_errors():
            yield from body.iter_chunks(CHUNK_SIZE)
    finally:
        body.close()


class S3BlobWriter:
    """Buffers one part at a time; single ``PutObject`` or multipart upload on commit."""

    def __init__(self, client: Any, bucket: str, name: str) -> None:
        self._client = client
        self._bucket = bucket
        self._name = name
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._state = "open"

    def write(self, data: bytes) -> None:
        """Append ``data``, uploading each part as soon as it is full."""
        self._check_open()
        view = memoryview(data)
        while view:
            room = PART_SIZE - len(self._buffer)
            self._buffer += view[:room]
            view = view[room:]
            if len(self._buffer) == PART_SIZE:
                with self._fail_on_error():
                    self._upload_part()

    def commit(self) -> None:
        """Make the object visible under its key, replacing any previous one."""
        self._check_open()
        with self._fail_on_error(), _mapped_errors():
            if self._upload_id is None:
                self._client.put_object(
                    Bucket=self._bucket,
                    Key=self._name,
                    Body=self._buffer,
                    ServerSideEncryption=_SSE,
                )
            else:
                self._complete_multipart()
        self._buffer = bytearray()
        self._state = "committed"

    def abort(self) -> None:
        """Discard everything written, aborting the multipart upload if one was
        started. Raises ``BlobStoreUnavailable`` if S3 cannot be told."""
        if self._state == "committed":
            return
        self._state = "aborted"
        self._buffer = bytearray()
        upload_id, self._upload_id = self._upload_id, None
        if upload_id is not None:
            with _mapped_errors():
                self._client.abort_multipart_upload(
                    Bucket=self._bucket, Key=self._name, UploadId=upload_id
                )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.abort()
            return
        # Never let a failed cleanup hide the exception that got us here.
        with contextlib.suppress(BlobStoreUnavailable):
            self.abort()

    def _check_open(self) -> None:
        if self._state != "open":
            raise ValueError("blob writer is closed")

    @contextlib.contextmanager
    def _fail_on_error(self) -> Iterator[None]:
        # After a failed upload the object is incomplete: refuse further writes and
        # commits (abort still works) rather than let the buffer grow past one part.
        try:
            yield
        except BaseException:
            self._state = "failed"
            raise

    def _upload_part(self) -> None:
        with _mapped_errors():
            if self._upload_id is None:
                response = self._client.create_multipart_upload(
                    Bucket=self._bucket, Key=self._name, ServerSideEncryption=_SSE
                )
                self._upload_id = response["UploadId"]
            number = len(self._parts) + 1
            # The buffer itself, not a stream (botocore needs a seekable body to checksum
            # and retry) and not a bytes() copy (that would double the memory). It is
            # never mutated afterwards: a fresh bytearray replaces it below.
            response = self._client.upload_part(
                Bucket=self._bucket,
                Key=self._name,
                UploadId=self._upload_id,
                PartNumber=number,
                Body=self._buffer,
            )
        self._parts.append({"ETag": response["ETag"], "PartNumber": number})
        self._buffer = bytearray()

    def _complete_multipart(self) -> None:
        if self._buffer:
            self._upload_part()
        self._client.complete_multipart_upload(
            Bucket=self._bucket,
            Key=self._name,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )

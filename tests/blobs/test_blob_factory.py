"""``create_blob_store`` picks the store named by the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from callvault.blobs.factory import create_blob_store
from callvault.blobs.local import LocalBlobStore
from callvault.blobs.s3 import S3BlobStore
from callvault.errors import InvalidInput
from callvault.settings import S3Settings, Settings, load_settings


def test_local_is_the_default(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environ={})
    store = create_blob_store(settings)
    assert isinstance(store, LocalBlobStore)
    assert store.root == settings.blob_dir.resolve()
    assert settings.blob_dir.is_dir()


def test_s3_from_environment(tmp_path: Path, aws_env: None) -> None:
    env = {
        "CALLVAULT_BLOB_STORE": "s3",
        "CALLVAULT_S3_BUCKET": "callvault-blobs",
        "CALLVAULT_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "CALLVAULT_S3_REGION": "eu-west-1",
    }
    store = create_blob_store(load_settings(data_dir=tmp_path, environ=env))
    assert isinstance(store, S3BlobStore)
    assert store.bucket == "callvault-blobs"
    client = store._client
    assert client.meta.endpoint_url == "http://127.0.0.1:9000"
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.config.s3["addressing_style"] == "path"


def test_s3_built_against_moto_round_trips(moto_endpoint: str, bucket: str) -> None:
    settings = Settings(
        data_dir=Path("/nonexistent"),
        database_url="sqlite:///x.db",
        blob_store="s3",
        s3=S3Settings(bucket=bucket, endpoint_url=moto_endpoint),
    )
    store = create_blob_store(settings)
    with store.writer("aa/bb") as writer:
        writer.write(b"hello")
        writer.commit()
    assert b"".join(store.read("aa/bb")) == b"hello"


@pytest.mark.parametrize(
    ("blob_store", "s3"),
    [("s3", None), ("gcs", None), ("", None)],
)
def test_misconfiguration_is_invalid_input(
    tmp_path: Path, blob_store: str, s3: S3Settings | None
) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url="sqlite:///x.db", blob_store=blob_store, s3=s3
    )
    with pytest.raises(InvalidInput):
        create_blob_store(settings)

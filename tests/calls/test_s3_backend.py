"""The calls API with recordings in S3 (a real moto server): same behaviour, and the
bucket holds only ciphertext."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from callvault.settings import S3Settings, Settings
from callvault.tenants.agreements import AgreementKind
from callvault.web.app import create_app
from tests._baa import record_agreement
from tests._vault import TENANT_A
from tests.calls.conftest import Reviewer, TokenFactory
from tests.calls.factories import call_payload, wav_bytes


@pytest.fixture
def s3_client_app(vault: Settings, moto_endpoint: str, bucket: str) -> Iterator[TestClient]:
    record_agreement(vault, TENANT_A, AgreementKind.STORAGE)  # PHI may go to S3
    settings = dataclasses.replace(
        vault, blob_store="s3", s3=S3Settings(bucket=bucket, endpoint_url=moto_endpoint)
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def bucket_bytes(s3_client: Any, bucket: str) -> list[bytes]:
    listing = s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return [s3_client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listing]


def test_recording_round_trip_through_s3_stores_only_ciphertext(
    s3_client_app: TestClient,
    auth: TokenFactory,
    reviewer: Reviewer,
    s3_client: Any,
    bucket: str,
) -> None:
    ingest, reader = auth("integration"), reviewer()
    call_id = s3_client_app.post("/api/v1/calls", json=call_payload(), headers=ingest).json()["id"]
    audio = wav_bytes(seconds=20)  # several segments
    response = s3_client_app.put(
        f"/api/v1/calls/{call_id}/recording",
        content=audio,
        headers=ingest | {"Content-Type": "audio/wav"},
    )
    assert response.status_code == 204

    original = f"/api/v1/calls/{call_id}/recording/original"
    full = s3_client_app.get(original, headers=reader)
    part = s3_client_app.get(original, headers=reader | {"Range": "bytes=100000-200000"})

    assert full.content == audio
    assert part.status_code == 206 and part.content == audio[100000:200001]
    stored = bucket_bytes(s3_client, bucket)
    assert len(stored) == 1
    assert b"RIFF" not in stored[0] and audio[1000:2000] not in stored[0]


def test_refused_upload_leaves_the_bucket_empty(
    s3_client_app: TestClient, auth: TokenFactory, s3_client: Any, bucket: str
) -> None:
    ingest = auth("integration")
    call_id = s3_client_app.post("/api/v1/calls", json=call_payload(), headers=ingest).json()["id"]
    response = s3_client_app.put(
        f"/api/v1/calls/{call_id}/recording",
        content=b"<html>not audio</html>" * 100,
        headers=ingest | {"Content-Type": "audio/wav"},
    )
    assert response.status_code == 415
    assert bucket_bytes(s3_client, bucket) == []
    assert s3_client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []

"""F9 s3-faults (RELIABILITY.md §3): the S3 blob store reaches a real moto server through
the fault proxy (``_fault_proxy.py``): added latency, injected HTTP 500s, connections
reset on the way up (request cut) and on the way down (the object stored, the answer
lost).

Pass: an upload either succeeds (after boto's retries) and plays back whole, or fails
with a clean 503 problem; no row ever points at a missing or partial object; and the
objects a lost answer leaves in the bucket with no row are removed by the orphan sweep
(``lifecycle.orphans``, run by the retention sweep), which leaves named objects alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from callvault.blobs.s3 import S3BlobStore
from callvault.settings import S3Settings, Settings
from callvault.tenants.agreements import AgreementKind
from callvault.web.app import create_app
from tests._baa import record_agreement
from tests._vault import TENANT_A
from tests.calls.factories import call_payload, wav_bytes
from tests.reliability._fault_proxy import FaultProxy
from tests.reliability._faults2 import (
    Tokens,
    noise_wav,
    rows_pointing_at_bad_blobs,
    sha256,
    stored_objects,
    sweeper,
    tokens_for,
)

AUDIO = wav_bytes(seconds=3, frequency=430)  # 48 kB: one PutObject
BIG = noise_wav(9 * 1024 * 1024)  # over one 8 MiB part: a multipart upload


@dataclasses.dataclass
class Rig:
    client: TestClient
    proxy: FaultProxy
    tokens: Tokens
    settings: Settings
    direct: S3BlobStore  # the same bucket, not through the proxy: what is really there
    s3: Any
    bucket: str

    def upload(self, audio: bytes = AUDIO) -> tuple[str, Any]:
        call = self.client.post("/api/v1/calls", json=call_payload(), headers=self.tokens.ingest)
        assert call.status_code == 201, call.text
        call_id = call.json()["id"]
        answer = self.client.put(
            f"/api/v1/calls/{call_id}/recording",
            content=audio,
            headers=self.tokens.ingest | {"Content-Type": "audio/wav"},
        )
        return call_id, answer

    def played(self, call_id: str) -> Any:
        return self.client.get(
            f"/api/v1/calls/{call_id}/recording/original", headers=self.tokens.reviewer
        )

    def bucket_keys(self) -> list[str]:
        listing = self.s3.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return [item["Key"] for item in listing]


@pytest.fixture
def rig(vault: Settings, moto_endpoint: str, bucket: str, s3_client: Any) -> Iterator[Rig]:
    record_agreement(vault, TENANT_A, AgreementKind.STORAGE)  # PHI may go to S3
    with FaultProxy("127.0.0.1", int(moto_endpoint.rsplit(":", 1)[1])) as proxy:
        settings = dataclasses.replace(
            vault, blob_store="s3", s3=S3Settings(bucket=bucket, endpoint_url=proxy.url)
        )
        direct = S3BlobStore(bucket, endpoint_url=moto_endpoint)
        app = create_app(settings)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Rig(client, proxy, tokens_for(vault), settings, direct, s3_client, bucket)


def assert_clean_503(answer: Any) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.text
    for leak in ("127.0.0.1", "moto", "botocore", "Traceback", "InternalError"):
        assert leak not in body


@pytest.mark.parametrize(
    ("mode", "options"),
    [
        ("latency", {"ms": 150}),
        ("http500", {"times": 2}),  # boto retries past two 500s
        ("reset", {"after": 1000, "direction": "up", "times": 1}),  # a request cut once
    ],
)
def test_transient_s3_faults_are_retried_and_the_upload_is_whole(
    rig: Rig, mode: str, options: dict[str, Any]
) -> None:
    with rig.proxy.fault(mode, **options):
        call_id, answer = rig.upload()

    assert rig.proxy.injected >= 1  # the fault really happened
    assert rig.proxy.resets == (1 if mode == "reset" else 0)
    assert answer.status_code == 204, answer.text
    played = rig.played(call_id)
    assert played.status_code == 200 and sha256(played.content) == sha256(AUDIO)
    assert rig_rows_ok(rig)


def test_a_multipart_upload_survives_a_part_cut_midway(rig: Rig) -> None:
    with rig.proxy.fault("reset", after=3 * 1024 * 1024, direction="up", times=1):
        call_id, answer = rig.upload(BIG)

    assert rig.proxy.resets == 1  # a part really was cut
    assert answer.status_code == 204, answer.text
    played = rig.played(call_id)
    assert played.status_code == 200 and sha256(played.content) == sha256(BIG)
    assert rig.s3.list_multipart_uploads(Bucket=rig.bucket).get("Uploads", []) == []
    assert rig_rows_ok(rig)


@pytest.mark.parametrize(
    ("mode", "options"),
    [
        ("http500", {}),
        ("reset", {"after": 1000, "direction": "up"}),
    ],
)
def test_a_lasting_s3_fault_fails_the_upload_cleanly(
    rig: Rig, mode: str, options: dict[str, Any]
) -> None:
    with rig.proxy.fault(mode, **options):
        call_id, answer = rig.upload()

    assert_clean_503(answer)
    call = rig.client.get(f"/api/v1/calls/{call_id}", headers=rig.tokens.reviewer).json()
    assert call["recording"] is None
    assert stored_objects(rig.settings) == []
    assert rig.bucket_keys() == []  # the request never reached S3 whole
    assert rig.played(call_id).status_code == 404


def test_objects_left_by_lost_answers_are_swept_and_named_ones_kept(rig: Rig) -> None:
    kept_id, kept = rig.upload()
    assert kept.status_code == 204
    # S3 stores every attempt's object; each answer is lost, so the upload gives up.
    with rig.proxy.fault("reset", after=0, direction="down"):
        lost_id, lost = rig.upload()
    assert_clean_503(lost)
    assert rig.proxy.resets >= 2  # every attempt's answer was cut
    call = rig.client.get(f"/api/v1/calls/{lost_id}", headers=rig.tokens.reviewer).json()
    assert call["recording"] is None
    assert len(rig.bucket_keys()) == 2  # the kept one, and one no row names
    assert rig_rows_ok(rig)

    within_grace = sweeper(rig.settings, rig.direct).run()
    assert within_grace.unreferenced_blobs == 0  # young: could be an upload in flight
    report = sweeper(rig.settings, rig.direct, grace=timedelta(0)).run()

    assert report.unreferenced_blobs == 1
    assert [key.rsplit("/", 1)[1] for key in rig.bucket_keys()] == [
        row.id for row in stored_objects(rig.settings)
    ]
    played = rig.played(kept_id)
    assert played.status_code == 200 and sha256(played.content) == sha256(AUDIO)


def rig_rows_ok(rig: Rig) -> bool:
    return rows_pointing_at_bad_blobs(rig.settings, rig.direct) == []

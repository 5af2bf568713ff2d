from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callvault.calls.models import StoredObject
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.web.app import create_app
from tests.calls.conftest import Reviewer, TokenFactory
from tests.calls.factories import (
    ID3_HEADER,
    MP3_FRAME_HEADER,
    OGG_HEADER,
    call_payload,
    wav_bytes,
)


@pytest.fixture
def call_id(client: TestClient, auth: TokenFactory) -> str:
    response = client.post("/api/v1/calls", json=call_payload(), headers=auth("integration"))
    return str(response.json()["id"])


def upload(
    client: TestClient,
    headers: dict[str, str],
    call_id: str,
    body: bytes,
    content_type: str = "audio/wav",
) -> int:
    response = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=body,
        headers=headers | {"Content-Type": content_type},
    )
    return response.status_code


def stored_objects(settings: Settings) -> int:
    with open_keyring(settings) as (session, _):
        return session.execute(select(func.count()).select_from(StoredObject)).scalar_one()


def blob_files(settings: Settings) -> list[str]:
    root = settings.blob_dir
    if not root.exists():
        return []
    return [p.name for p in root.rglob("*") if p.is_file() and ".tmp" not in p.parts]


def test_uploaded_recording_plays_back_byte_for_byte(
    client: TestClient, auth: TokenFactory, reviewer: Reviewer, call_id: str
) -> None:
    audio = wav_bytes(seconds=3)
    assert upload(client, auth("integration"), call_id, audio) == 204

    response = client.get(f"/api/v1/calls/{call_id}/recording/original", headers=reviewer())

    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert response.headers["accept-ranges"] == "bytes"
    assert hashlib.sha256(response.content).digest() == hashlib.sha256(audio).digest()
    call = client.get(f"/api/v1/calls/{call_id}", headers=auth("agent")).json()
    info = call["recording_original"]
    assert info["media_type"] == "audio/wav" and info["size"] == len(audio)
    assert call["recording"] is None  # nothing plays until the pipeline scrubbed it
    assert call["processing"]["state"] == "pending"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 100)),
        ("bytes=1000-1999", (1000, 2000)),
        ("bytes=47000-", (47000, None)),
        ("bytes=-500", (-500, None)),
        ("bytes=0-10000000", (0, None)),
    ],
)
def test_range_requests_return_exactly_the_slice(
    client: TestClient,
    auth: TokenFactory,
    reviewer: Reviewer,
    call_id: str,
    header: str,
    expected: tuple[int, int | None],
) -> None:
    audio = wav_bytes(seconds=6)
    upload(client, auth("integration"), call_id, audio)

    response = client.get(
        f"/api/v1/calls/{call_id}/recording/original", headers=reviewer() | {"Range": header}
    )

    start, end = expected
    want = audio[start:end] if start >= 0 else audio[start:]
    assert response.status_code == 206
    assert response.content == want
    first = len(audio) + start if start < 0 else start
    assert (
        response.headers["content-range"] == f"bytes {first}-{first + len(want) - 1}/{len(audio)}"
    )


def test_a_range_outside_the_recording_is_416(
    client: TestClient, auth: TokenFactory, reviewer: Reviewer, call_id: str
) -> None:
    audio = wav_bytes(seconds=1)
    upload(client, auth("integration"), call_id, audio)
    response = client.get(
        f"/api/v1/calls/{call_id}/recording/original",
        headers=reviewer() | {"Range": f"bytes={len(audio)}-"},
    )
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(audio)}"


@pytest.mark.parametrize(
    ("body", "declared", "expected_type"),
    [
        (MP3_FRAME_HEADER, "audio/mpeg", "audio/mpeg"),
        (ID3_HEADER, "audio/mpeg", "audio/mpeg"),
        (OGG_HEADER, "audio/ogg", "audio/ogg"),
        (wav_bytes(0.1), "audio/mpeg", "audio/wav"),  # the bytes win over the header
    ],
    ids=["mp3-frame", "mp3-id3", "ogg", "wav-declared-as-mp3"],
)
def test_format_is_sniffed_from_the_bytes(
    client: TestClient,
    auth: TokenFactory,
    call_id: str,
    body: bytes,
    declared: str,
    expected_type: str,
) -> None:
    assert upload(client, auth("integration"), call_id, body, declared) == 204
    call = client.get(f"/api/v1/calls/{call_id}", headers=auth("agent")).json()
    assert call["recording_original"]["media_type"] == expected_type


@pytest.mark.parametrize(
    ("body", "declared"),
    [
        (b"<html><script>alert(1)</script></html>", "audio/wav"),
        (b"%PDF-1.7 not audio at all", "audio/mpeg"),
        (b"", "audio/wav"),
        (b"RIFF", "audio/wav"),
        (wav_bytes(0.1), "text/html"),
        (wav_bytes(0.1), ""),
    ],
    ids=["html", "pdf", "empty", "truncated-riff", "declared-html", "no-content-type"],
)
def test_non_audio_is_refused_with_415_and_nothing_stored(
    client: TestClient,
    auth: TokenFactory,
    call_id: str,
    vault: Settings,
    body: bytes,
    declared: str,
) -> None:
    assert upload(client, auth("integration"), call_id, body, declared) == 415
    assert stored_objects(vault) == 0
    assert blob_files(vault) == []


def test_oversize_upload_is_413_and_leaves_nothing(vault: Settings, auth: TokenFactory) -> None:
    settings = dataclasses.replace(vault, max_recording_bytes=20_000)
    headers = auth("integration")
    with TestClient(create_app(settings)) as small:
        call_id = small.post("/api/v1/calls", json=call_payload(), headers=headers).json()["id"]
        declared = upload(small, headers, call_id, wav_bytes(seconds=2))

        def chunked() -> Iterator[bytes]:  # no Content-Length: the limit holds while streaming
            yield wav_bytes(seconds=2)

        streamed = small.put(
            f"/api/v1/calls/{call_id}/recording",
            content=chunked(),
            headers=headers | {"Content-Type": "audio/wav"},
        ).status_code

    assert (declared, streamed) == (413, 413)
    assert stored_objects(settings) == 0
    assert blob_files(settings) == []


def test_replacing_a_recording_shreds_the_old_one(
    client: TestClient, auth: TokenFactory, reviewer: Reviewer, call_id: str, vault: Settings
) -> None:
    ingest = auth("integration")
    upload(client, ingest, call_id, wav_bytes(seconds=1, frequency=300))
    second = wav_bytes(seconds=1, frequency=900)
    upload(client, ingest, call_id, second)

    played = client.get(f"/api/v1/calls/{call_id}/recording/original", headers=reviewer()).content

    assert played == second
    assert stored_objects(vault) == 1
    assert len(blob_files(vault)) == 1


def test_recording_of_unknown_call_is_404(client: TestClient, auth: TokenFactory) -> None:
    assert upload(client, auth("integration"), "f" * 32, wav_bytes(0.1)) == 404
    response = client.get(f"/api/v1/calls/{'f' * 32}/recording", headers=auth("agent"))
    assert response.status_code == 404


def test_integration_token_cannot_play_recordings(
    client: TestClient, auth: TokenFactory, call_id: str
) -> None:
    upload(client, auth("integration"), call_id, wav_bytes(0.2))
    response = client.get(f"/api/v1/calls/{call_id}/recording", headers=auth("integration"))
    assert response.status_code == 403


def test_transcript_round_trip(client: TestClient, auth: TokenFactory, call_id: str) -> None:
    transcript = {
        "text": "thanks for calling the clinic",
        "words": [{"word": "thanks", "start": 0.1, "end": 0.4}],
    }
    response = client.put(
        f"/api/v1/calls/{call_id}/transcript", json=transcript, headers=auth("integration")
    )
    assert response.status_code == 204

    body = client.get(f"/api/v1/calls/{call_id}/transcript", headers=auth("agent")).json()

    assert body["text"] == transcript["text"]
    assert body["words"][0]["word"] == "thanks"


@pytest.mark.parametrize(
    "body",
    [
        {"words": []},
        {"text": 5},
        {"text": "x", "words": [{"word": "a", "start": 2.0, "end": 1.0}]},
        {"text": "x", "speaker_ssn": "000"},
    ],
    ids=["no-text", "text-not-string", "word-ends-first", "unknown-field"],
)
def test_bad_transcripts_are_422_and_store_nothing(
    client: TestClient, auth: TokenFactory, call_id: str, vault: Settings, body: dict[str, object]
) -> None:
    response = client.put(
        f"/api/v1/calls/{call_id}/transcript", json=body, headers=auth("integration")
    )
    assert response.status_code == 422
    assert stored_objects(vault) == 0

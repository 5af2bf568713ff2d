"""Against a real `callvault serve` process: an acknowledged upload survives kill -9,
and an upload cut off midway leaves no row and no blob."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from callvault.calls.models import StoredObject
from callvault.cli.vault import open_keyring
from callvault.identity.models import CustomRole
from callvault.identity.tokens import create_token
from callvault.instance import initialise
from callvault.settings import load_settings
from callvault.tenants.service import get_tenant
from tests._baa import CLINIC_BAA
from tests._serve import Served
from tests.calls.factories import call_payload, wav_bytes


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[tuple[Served, dict[str, str]]]:
    settings = load_settings(tmp_path / "data", database_url, environ={})
    initialise(settings, "clinic-a", CLINIC_BAA)
    with open_keyring(settings) as (session, _):
        tenant_id = get_tenant(session, "clinic-a").id
        allow = json.dumps(["call:read", "recording:play_unredacted"])
        session.add(CustomRole(tenant_id=tenant_id, name="reviewer", allow=allow))
        session.flush()
        token = create_token(session, tenant_id, "reviewer")  # reads the stored original
        ingest = create_token(session, get_tenant(session, "clinic-a").id, "integration")
        session.commit()
    server = Served(settings).start()
    headers = {"read": f"Bearer {token}", "ingest": f"Bearer {ingest}"}
    try:
        yield server, headers
    finally:
        server.close()


def test_acknowledged_uploads_survive_kill_9(served: tuple[Served, dict[str, str]]) -> None:
    server, tokens = served
    ingest, read = {"Authorization": tokens["ingest"]}, {"Authorization": tokens["read"]}
    uploaded: dict[str, bytes] = {}
    for frequency in (300, 500, 700):
        audio = wav_bytes(seconds=2, frequency=frequency)
        call_id = httpx.post(
            f"{server.url}/api/v1/calls", json=call_payload(), headers=ingest
        ).json()["id"]
        response = httpx.put(
            f"{server.url}/api/v1/calls/{call_id}/recording",
            content=audio,
            headers=ingest | {"Content-Type": "audio/wav"},
        )
        assert response.status_code == 204
        uploaded[call_id] = audio

    server.kill()
    server.start()

    for call_id, audio in uploaded.items():
        original = f"{server.url}/api/v1/calls/{call_id}/recording/original"
        played = httpx.get(original, headers=read)
        assert played.status_code == 200 and played.content == audio
        call = httpx.get(f"{server.url}/api/v1/calls/{call_id}", headers=read).json()
        assert call["processing"] is not None  # its pipeline job survived too


def test_an_upload_cut_off_midway_leaves_nothing(served: tuple[Served, dict[str, str]]) -> None:
    server, tokens = served
    ingest = {"Authorization": tokens["ingest"]}
    call_id = httpx.post(f"{server.url}/api/v1/calls", json=call_payload(), headers=ingest).json()[
        "id"
    ]
    audio = wav_bytes(seconds=30)
    request = (
        f"PUT /api/v1/calls/{call_id}/recording HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {tokens['ingest']}\r\nContent-Type: audio/wav\r\n"
        f"Content-Length: {len(audio)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(request + audio[: len(audio) // 2])
        time.sleep(0.5)
    time.sleep(0.5)

    info = httpx.get(
        f"{server.url}/api/v1/calls/{call_id}", headers={"Authorization": tokens["read"]}
    ).json()
    assert info["recording"] is None
    with open_keyring(server.settings) as (session, _):
        assert session.execute(select(func.count()).select_from(StoredObject)).scalar_one() == 0
    blobs = server.settings.blob_dir
    leftovers = [p for p in blobs.rglob("*") if p.is_file()] if blobs.exists() else []
    assert leftovers == []


def test_a_slow_upload_does_not_block_other_requests(
    served: tuple[Served, dict[str, str]],
) -> None:
    server, tokens = served
    ingest = {"Authorization": tokens["ingest"]}
    call_id = httpx.post(f"{server.url}/api/v1/calls", json=call_payload(), headers=ingest).json()[
        "id"
    ]
    audio = wav_bytes(seconds=10)
    request = (
        f"PUT /api/v1/calls/{call_id}/recording HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {tokens['ingest']}\r\nContent-Type: audio/wav\r\n"
        f"Content-Length: {len(audio)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(request + audio[:50_000])  # the upload is now under way, and stalls
        time.sleep(0.3)
        started = time.monotonic()
        created = httpx.post(
            f"{server.url}/api/v1/calls", json=call_payload(), headers=ingest, timeout=10
        )
        waited = time.monotonic() - started
        sock.sendall(audio[50_000:])
        reply = sock.recv(4096)

    assert created.status_code == 201
    assert waited < 2.0  # SQLite's busy timeout is 5 s: a held write lock would show
    assert reply.startswith(b"HTTP/1.1 204")

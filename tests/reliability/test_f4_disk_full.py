"""F4 disk-full-recordings (RELIABILITY.md §3): the blob directory is a 5 MiB tmpfs.

Pass, through the API: a 10 MiB recording is never acknowledged (a 507 or 503 problem);
no row names a truncated object; while the disk is full even a small upload fails the
same way; and once space is freed, uploads work again without a restart.

Needs root to mount the tmpfs; skips with the reason otherwise.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from callvault.settings import Settings
from callvault.web.app import create_app
from tests.calls.factories import call_payload, wav_bytes
from tests.reliability._faults2 import (
    Tokens,
    noise_wav,
    rows_pointing_at_bad_blobs,
    sha256,
    stored_objects,
    tokens_for,
)

BIG = noise_wav(10 * 1024 * 1024)
SMALL = wav_bytes(seconds=4, frequency=640)  # 64 kB


@pytest.fixture
def full_disk(vault: Settings) -> Iterator[Path]:
    """``vault``'s blob directory on a fresh 5 MiB tmpfs, unmounted afterwards."""
    blob_dir = vault.blob_dir
    blob_dir.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=5m,mode=0700", "tmpfs", str(blob_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"F4 needs a tmpfs mount (root): {mounted.stderr.strip()[:200]}")
    try:
        yield blob_dir
    finally:
        subprocess.run(["umount", "-l", str(blob_dir)], check=False)


@pytest.fixture
def client(vault: Settings, full_disk: Path) -> Iterator[TestClient]:
    with TestClient(create_app(vault), raise_server_exceptions=False) as client:
        yield client


def upload(client: TestClient, tokens: Tokens, audio: bytes) -> tuple[str, Any]:
    call = client.post("/api/v1/calls", json=call_payload(), headers=tokens.ingest)
    assert call.status_code == 201, call.text
    call_id: str = call.json()["id"]
    answer = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=audio,
        headers=tokens.ingest | {"Content-Type": "audio/wav"},
    )
    return call_id, answer


def assert_refused_for_space(answer: Any) -> None:
    assert answer.status_code in (503, 507), answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert str(Path("/")) + "tmp" not in answer.text and "No space" not in answer.text


def fill(directory: Path) -> Path:
    """A file that takes every free byte of the filesystem."""
    filler = directory / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


def test_a_full_recordings_disk_refuses_uploads_and_recovers_without_restart(
    vault: Settings, client: TestClient, full_disk: Path
) -> None:
    tokens = tokens_for(vault)

    big_call, big = upload(client, tokens, BIG)
    assert_refused_for_space(big)

    filler = fill(full_disk)
    small_call, small = upload(client, tokens, SMALL)
    assert_refused_for_space(small)

    assert stored_objects(vault) == []
    for call_id in (big_call, small_call):
        call = client.get(f"/api/v1/calls/{call_id}", headers=tokens.reviewer).json()
        assert call["recording"] is None
    assert [p for p in full_disk.rglob("*") if p.is_file() and p != filler] == []

    filler.unlink()  # the operator frees space; the server keeps running
    again_call, again = upload(client, tokens, SMALL)

    assert again.status_code == 204, again.text
    played = client.get(f"/api/v1/calls/{again_call}/recording/original", headers=tokens.reviewer)
    assert played.status_code == 200 and sha256(played.content) == sha256(SMALL)
    assert rows_pointing_at_bad_blobs(vault) == []

"""RELIABILITY.md L1, ingest-steady: users create calls, upload short WAVs and read the
calls back (PHI reads) against a real ``callvault serve`` for a while.

Pass: no 5xx; exactly one allowed ``call:read`` audit entry per 2xx read; the server's
resident memory in the last window within 20 % of the second window's, and its database
connections not growing. The p95 latency is printed, not asserted (a shared two-core box).

- ``test_ingest_steady_smoke``: 20 s, a few users; every commit.
- ``test_ingest_steady_soak``: ``CALLVAULT_SOAK_MINUTES`` (default 10) with
  ``CALLVAULT_SOAK_USERS`` (default 20) uploading 1-minute WAVs; marked ``soak``, run by
  ``make soak`` (both databases).

The jobs process runs with ``CALLVAULT_TRANSCRIBER=none``: recordings fail their
transcription at once instead of putting pocketsphinx on the two cores the API needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests._serve import Served, Vault, audit_count, make_vault
from tests.calls.factories import call_payload, wav_bytes
from tests.reliability._faults3 import LoadRun, assert_stable, serving, soak_seconds, soak_users

ENV = {"CALLVAULT_TRANSCRIBER": "none"}


@pytest.fixture
def vault(tmp_path: Path, database_url: str) -> Vault:
    return make_vault(tmp_path / "data", database_url)


def ingest_user(
    served: Served, vault: Vault, run: LoadRun, recording: bytes
) -> Callable[[int, Callable[[], bool]], None]:
    ingest, wav = vault.ingest, vault.ingest | {"Content-Type": "audio/wav"}

    def timed(label: str, send: Callable[[], httpx.Response]) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = send()
        except httpx.TransportError:
            run.record(label, 0, time.monotonic() - started)  # counted, never a pass
            return None
        run.record(label, response.status_code, time.monotonic() - started, response.text)
        return response

    def one_round(client: httpx.Client) -> None:
        created = timed(
            "create", lambda: client.post("/api/v1/calls", json=call_payload(), headers=ingest)
        )
        if created is None or created.status_code != 201:
            return
        call = f"/api/v1/calls/{created.json()['id']}"
        timed("upload", lambda: client.put(f"{call}/recording", content=recording, headers=wav))
        for _ in range(3):  # reads outnumber writes
            timed("read", lambda: client.get(call, headers=vault.reader))

    def user(_: int, over: Callable[[], bool]) -> None:
        with httpx.Client(base_url=served.url, timeout=60) as client:
            while not over():
                one_round(client)

    return user


def ingest_steady(
    vault: Vault, seconds: float, users: int, recording: bytes, every: float
) -> LoadRun:
    with serving(vault, ENV) as served:
        run = LoadRun(served, every=every)
        run.run(seconds, users, ingest_user(served, vault, run, recording))
    print(run.summary())  # the numbers behind a pass, for the soak log
    return run


def check(run: LoadRun, vault: Vault, window: float) -> None:
    assert run.server_errors() == {}, run.summary()
    assert run.count("read", lambda s: s == 0) == 0, run.summary()  # no dropped connection
    reads = run.count("read", lambda s: 200 <= s < 300)
    assert reads > 0 and run.count("upload", lambda s: s == 204) > 0, run.summary()
    # The server has stopped: every audit entry of a served read is committed.
    assert audit_count(vault.settings, "call:read") == reads
    assert_stable(run, window)


def test_ingest_steady_smoke(vault: Vault) -> None:
    run = ingest_steady(vault, seconds=20, users=3, recording=wav_bytes(seconds=2), every=1)
    check(run, vault, window=5)


@pytest.mark.soak
def test_ingest_steady_soak(vault: Vault) -> None:
    seconds = soak_seconds()
    run = ingest_steady(vault, seconds, soak_users(20), wav_bytes(seconds=60), every=5)
    check(run, vault, window=60 if seconds >= 180 else seconds / 3)

"""RELIABILITY.md L3, webhook flood: signed Twilio status callbacks, 5 % of them forged,
as fast as a few client threads can send them at a real ``callvault serve``.

Pass: each valid callback is answered 204 (or 429) and its call is stored; each forged
one is answered 403 (or 429), audited as ``webhook:reject`` and stores nothing; never a
5xx; the server's memory and database connections stay stable. Signatures are made by
Twilio's own ``RequestValidator``, not by our code.

- ``test_webhook_flood_smoke``: 20 s; every commit.
- ``test_webhook_flood_soak``: ``CALLVAULT_SOAK_MINUTES`` (default 10), marked ``soak``.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from twilio.request_validator import RequestValidator

from callvault.tenants.agreements import AgreementKind
from tests._baa import record_agreement
from tests._serve import TENANT, Served, Vault, make_vault
from tests.audit._log import raw_database
from tests.integrations.conftest import AUTH_TOKEN, call_sid, store_settings, voice_status
from tests.reliability._faults3 import (
    LoadRun,
    assert_stable,
    scalar,
    serving,
    soak_seconds,
    soak_users,
)

FORGED_EVERY = 20  # 5 %
FORGER = RequestValidator("not-" + AUTH_TOKEN)
SIGNER = RequestValidator(AUTH_TOKEN)


@pytest.fixture
def vault(tmp_path: Path, database_url: str) -> Vault:
    vault = make_vault(tmp_path / "data", database_url)
    record_agreement(vault.settings, TENANT, AgreementKind.TELEPHONY)
    store_settings(vault.settings, TENANT)
    return vault


class Flood:
    """Numbered callbacks: every ``FORGED_EVERY``-th is forged. Remembers which call SIDs
    were answered 204 and which were forged."""

    def __init__(self, served: Served, run: LoadRun) -> None:
        self.served, self.run = served, run
        self.url = f"{served.url}/webhooks/twilio/{TENANT}/voice-status"
        self.numbers = itertools.count()
        self.stored: set[str] = set()
        self.forged: set[str] = set()
        self._lock = threading.Lock()

    def user(self, _: int, over: Callable[[], bool]) -> None:
        with httpx.Client(timeout=60) as client:
            while not over():
                self.send(client, next(self.numbers) % FORGED_EVERY == 0)

    def send(self, client: httpx.Client, forged: bool) -> None:
        sid = call_sid()
        params = voice_status(sid, "ringing")
        signer = FORGER if forged else SIGNER
        headers = {"X-Twilio-Signature": signer.compute_signature(self.url, params)}
        label = "forged" if forged else "valid"
        started = time.monotonic()
        try:
            response = client.post(self.url, data=params, headers=headers)
            status, body = response.status_code, response.text
        except httpx.TransportError:
            status, body = 0, ""  # counted: never a pass
        self.run.record(label, status, time.monotonic() - started, body)
        with self._lock:
            if forged:
                self.forged.add(sid)
            elif status == 204:
                self.stored.add(sid)


def flood(vault: Vault, seconds: float, users: int, every: float) -> tuple[LoadRun, Flood]:
    with serving(vault) as served:
        run = LoadRun(served, every=every)
        sender = Flood(served, run)
        run.run(seconds, users, sender.user)
    print(run.summary())  # the numbers behind a pass, for the soak log
    return run, sender


def twilio_call_sids(vault: Vault) -> set[str]:
    sql = "SELECT external_id FROM calls WHERE external_source = 'twilio'"
    with raw_database(vault.settings) as connection:
        return {str(sid) for sid in connection.execute(text(sql)).scalars()}


def check(run: LoadRun, sender: Flood, vault: Vault, window: float) -> None:
    assert run.server_errors() == {}, run.summary()
    valid_answers = {s for (label, s) in run.outcomes if label == "valid"}
    forged_answers = {s for (label, s) in run.outcomes if label == "forged"}
    assert valid_answers <= {204, 429} and 204 in valid_answers, run.summary()
    assert forged_answers <= {403, 429} and 403 in forged_answers, run.summary()
    stored = twilio_call_sids(vault)
    assert stored == sender.stored  # every 204 stored its call, and nothing else was
    assert not stored & sender.forged
    rejected = scalar(
        vault.settings,
        "SELECT count(*) FROM audit_log_events WHERE action = 'webhook:reject'",
    )
    assert rejected == run.count("forged", lambda s: s == 403)
    assert_stable(run, window)


def test_webhook_flood_smoke(vault: Vault) -> None:
    run, sender = flood(vault, seconds=20, users=4, every=1)
    check(run, sender, vault, window=5)


@pytest.mark.soak
def test_webhook_flood_soak(vault: Vault) -> None:
    seconds = soak_seconds()
    run, sender = flood(vault, seconds, soak_users(20), every=5)
    check(run, sender, vault, window=60 if seconds >= 180 else seconds / 3)

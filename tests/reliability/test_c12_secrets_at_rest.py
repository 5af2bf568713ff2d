"""C12 secrets-at-rest: no TOTP seed, integration or webhook secret, or unwrapped data
key lies in the clear anywhere the vault keeps bytes: the SQLite database and its WAL,
every file under the data directory, or (PostgreSQL) a dump of the database.

The secrets are made the way users make them: a TOTP authenticator enrolled through the
real sign-in, a Twilio auth token set through the API, an alert webhook whose signing
secret the server generates, and recordings and transcripts whose data keys the test
unwraps with the vault's keyring to know what to look for."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from callvault.alerts.webhook import ALLOW_LOOPBACK_ENV
from callvault.settings import Settings
from tests._vault import TENANT_A, TokenFactory
from tests.identity import conftest as people
from tests.identity.test_auth_support import sign_in

from .conftest import (
    add_canary_call,
    data_keys_of,
    found_in,
    process_recordings,
    raw_bytes,
    telephony_agreement,
)

make_user = people.make_user
signed_in = people.signed_in

TWILIO_TOKEN = "synthetic-c12-twilio-token-7f3a9c"
ACCOUNT_SID = "AC" + "0" * 30 + "12"  # synthetic


def _totp_seed_needles(seed: str) -> list[bytes]:
    raw = base64.b32decode(seed + "=" * (-len(seed) % 8))
    return [seed.encode(), seed.lower().encode(), raw]


def test_no_secret_is_stored_in_the_clear(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: people.UserFactory,
    signed_in: people.SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ALLOW_LOOPBACK_ENV, "1")
    writer = auth("integration")
    calls = [add_canary_call(client, writer, f"canary-c12-{n}-osprey", tag=120 + n) for n in (1, 2)]
    process_recordings(vault)
    deks = [key for call in calls for key in data_keys_of(vault, call.id).values()]
    assert len(deks) >= 4 and all(len(key) == 32 for key in deks)

    telephony_agreement(vault, TENANT_A)
    body = {"account_sid": ACCOUNT_SID, "auth_token": TWILIO_TOKEN}
    twilio = client.put("/api/v1/integrations/twilio", json=body, headers=auth("admin"))
    assert twilio.status_code == 200, twilio.text

    person = make_user("agent")
    sign_in(client, person)  # the real enrolment: password, then the first TOTP code
    csrf = signed_in(make_user("compliance_officer"))
    settings = {
        "mass_access_threshold": 100,
        "denied_burst_threshold": 10,
        "timezone": "UTC",
        "work_days": ["mon"],
        "work_start": "07:00",
        "work_end": "19:00",
        "webhook_url": "http://127.0.0.1:9/c12-hook",
    }
    alerts = client.put("/api/v1/alerts/settings", json=settings, headers=csrf)
    assert alerts.status_code == 200, alerts.text
    webhook_secret = str(alerts.json()["webhook_secret"])
    assert len(webhook_secret) >= 16

    secrets = {
        "totp seed": _totp_seed_needles(person.totp_secret),
        "twilio token": [TWILIO_TOKEN.encode()],
        "webhook secret": [webhook_secret.encode()],
        "data keys": deks,
    }
    stored = list(raw_bytes(vault))
    # The search reaches the rows: the account SID, not a secret, is stored as it is.
    assert found_in(stored, [ACCOUNT_SID.encode()]) != []
    leaks = {what: found_in(stored, needles) for what, needles in secrets.items()}
    assert leaks == {what: [] for what in secrets}

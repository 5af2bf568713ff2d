"""Webhook delivery to a real local receiver: signed, retried with backoff, given up
after ten attempts, never redirected; SSRF refused at configuration and at send time;
the secret shown once and never stored in the clear."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect

from callvault.alerts.models import Alert
from callvault.alerts.webhook import WebhookRefused, check_webhook_url
from callvault.db.base import utcnow
from callvault.settings import Settings
from tests.alerts._receiver import Receiver, running_receiver, signature_is_valid
from tests.alerts.conftest import (
    SETTINGS,
    alerts,
    configure_webhook,
    deliver,
    emit,
    settings_body,
    watch,
)

pytestmark = pytest.mark.usefixtures("loopback")


def raise_denied_burst(vault: Settings, tenant: str) -> Alert:
    emit(vault, tenant, "token-1", "audit:read", count=11, outcome="denied", actor_type="token")
    watch(vault)
    [alert] = alerts(vault, "denied_burst")
    return alert


def the_alert(vault: Settings) -> Alert:
    [alert] = alerts(vault, "denied_burst")
    return alert


# -- delivery -------------------------------------------------------------------------


def test_an_alert_is_posted_once_and_signed(
    vault: Settings, tenant: str, client: TestClient, officer: dict[str, str], receiver: Receiver
) -> None:
    secret = configure_webhook(client, officer, receiver.url)
    alert = raise_denied_burst(vault, tenant)
    assert alert.delivery_status == "pending"
    assert deliver(vault) == 1
    assert deliver(vault) == 0
    [request] = receiver.received
    assert request.path == "/hooks/callvault"
    assert request.headers["content-type"] == "application/json"
    assert signature_is_valid(secret, request.headers["x-callvault-signature"], request.body)
    body = json.loads(request.body)
    assert (body["id"], body["rule"], body["actor"]) == (
        alert.id,
        "denied_burst",
        {"type": "token", "id": "token-1"},
    )
    # seq 0 is the settings change; the eleven denials follow.
    assert body["evidence"] == {"first_seq": 1, "last_seq": 11, "count": 11}
    delivered = the_alert(vault)
    assert (delivered.delivery_status, delivered.delivery_attempts) == ("delivered", 1)


def test_a_forged_body_does_not_match_the_signature(
    vault: Settings, tenant: str, client: TestClient, officer: dict[str, str], receiver: Receiver
) -> None:
    secret = configure_webhook(client, officer, receiver.url)
    raise_denied_burst(vault, tenant)
    deliver(vault)
    [request] = receiver.received
    header = request.headers["x-callvault-signature"]
    assert not signature_is_valid(secret, header, request.body.replace(b"token", b"user!"))
    assert not signature_is_valid("whsec_other", header, request.body)


def test_a_failing_receiver_is_retried_with_backoff_then_succeeds(
    vault: Settings, tenant: str, client: TestClient, officer: dict[str, str], receiver: Receiver
) -> None:
    configure_webhook(client, officer, receiver.url)
    raise_denied_burst(vault, tenant)
    receiver.statuses = [500]
    now = utcnow()
    assert deliver(vault, now=now) == 1
    waiting = the_alert(vault)
    assert (waiting.delivery_status, waiting.delivery_attempts) == ("pending", 1)
    assert waiting.last_error == "HTTP 500"
    assert waiting.next_attempt_at == now + timedelta(seconds=5)
    assert deliver(vault, now=now + timedelta(seconds=4)) == 0  # not due yet
    assert deliver(vault, now=now + timedelta(seconds=6)) == 1
    done = the_alert(vault)
    assert (done.delivery_status, done.delivery_attempts) == ("delivered", 2)
    assert len(receiver.received) == 2


def test_delivery_gives_up_after_ten_attempts(
    vault: Settings, tenant: str, client: TestClient, officer: dict[str, str], receiver: Receiver
) -> None:
    configure_webhook(client, officer, receiver.url)
    raise_denied_burst(vault, tenant)
    receiver.statuses = [503] * 20
    now = utcnow()
    for hour in range(12):
        deliver(vault, now=now + timedelta(hours=hour))
    failed = the_alert(vault)
    assert (failed.delivery_status, failed.delivery_attempts) == ("failed", 10)
    assert failed.next_attempt_at is None
    assert len(receiver.received) == 10


def test_redirects_are_not_followed(
    vault: Settings, tenant: str, client: TestClient, officer: dict[str, str], receiver: Receiver
) -> None:
    configure_webhook(client, officer, receiver.url)
    raise_denied_burst(vault, tenant)
    with running_receiver() as elsewhere:
        receiver.statuses, receiver.redirect_to = [307], elsewhere.url
        deliver(vault)
        assert elsewhere.received == []
    assert the_alert(vault).last_error == "HTTP 307"


def test_the_send_time_check_refuses_what_is_no_longer_allowed(
    vault: Settings,
    tenant: str,
    client: TestClient,
    officer: dict[str, str],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure_webhook(client, officer, receiver.url)
    raise_denied_burst(vault, tenant)
    monkeypatch.delenv("CALLVAULT_ALERT_WEBHOOK_ALLOW_LOOPBACK")
    deliver(vault)
    assert receiver.received == []
    assert the_alert(vault).last_error == "refused: address not allowed"


def test_alerts_raised_without_a_webhook_are_not_sent(
    vault: Settings, tenant: str, client: TestClient, officer: dict[str, str], receiver: Receiver
) -> None:
    configure_webhook(client, officer, receiver.url)
    raise_denied_burst(vault, tenant)
    client.put(SETTINGS, json=settings_body(webhook_url=None), headers=officer)
    assert deliver(vault) == 0
    assert receiver.received == []
    assert the_alert(vault).delivery_status == "not_configured"


# -- SSRF -----------------------------------------------------------------------------

REFUSED_ANYWAY = [
    "https://169.254.169.254/latest/meta-data/",
    "http://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/hook",
    "https://192.168.1.20/hook",
    "https://100.64.0.1/hook",
    "https://224.0.0.1/hook",
    "https://0.0.0.0/hook",
    "https://[fe80::1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "file:///etc/passwd",
    "ftp://1.1.1.1/alerts",
    "gopher://1.1.1.1:70/",
    "http://1.1.1.1/hook",  # public, but not https
    "https://user:pw@1.1.1.1/hook",
    "https:///no-host",
    "https://1.1.1.1:99999/hook",
]
LOOPBACK = [
    "http://127.0.0.1:5432/",
    "https://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "https://[::1]/hook",
    "https://2130706433/hook",  # 127.0.0.1 spelled as one number: judged once resolved
]


@pytest.mark.parametrize("url", REFUSED_ANYWAY)
def test_dangerous_urls_are_refused(url: str) -> None:
    for allow in (False, True):
        with pytest.raises(WebhookRefused):
            check_webhook_url(url, allow_loopback=allow)


@pytest.mark.parametrize("url", LOOPBACK)
def test_loopback_needs_the_explicit_allowance(url: str) -> None:
    with pytest.raises(WebhookRefused):
        check_webhook_url(url, allow_loopback=False)
    assert check_webhook_url(url, allow_loopback=True).addresses


def test_a_public_https_address_is_accepted() -> None:
    target = check_webhook_url("https://1.1.1.1/hook", allow_loopback=False)
    assert (target.scheme, target.port, [str(a) for a in target.addresses]) == (
        "https",
        443,
        ["1.1.1.1"],
    )


@pytest.mark.parametrize("url", ["https://169.254.169.254/", "https://10.0.0.1/", "file:///x"])
def test_the_settings_api_refuses_them_and_changes_nothing(
    client: TestClient, officer: dict[str, str], receiver: Receiver, url: str
) -> None:
    configure_webhook(client, officer, receiver.url)
    answer = client.put(SETTINGS, json=settings_body(webhook_url=url), headers=officer)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert url not in answer.text
    assert client.get(SETTINGS).json()["webhook_url"] == receiver.url


def test_the_settings_api_refuses_localhost_without_the_allowance(
    client: TestClient, officer: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CALLVAULT_ALERT_WEBHOOK_ALLOW_LOOPBACK")
    for url in ("http://localhost:8080/hook", "https://127.0.0.1:5432/"):
        answer = client.put(SETTINGS, json=settings_body(webhook_url=url), headers=officer)
        assert answer.status_code == 422
    assert client.get(SETTINGS).json()["webhook_url"] is None


# -- the secret -----------------------------------------------------------------------


def test_the_secret_is_shown_once_and_rotates_on_request(
    vault: Settings, tenant: str, client: TestClient, officer: dict[str, str], receiver: Receiver
) -> None:
    first = configure_webhook(client, officer, receiver.url)
    again = client.put(SETTINGS, json=settings_body(webhook_url=receiver.url), headers=officer)
    assert again.json()["webhook_secret"] is None
    assert again.json()["webhook_secret_set"] is True
    assert again.headers["cache-control"] == "no-store"
    assert client.get(SETTINGS).json()["webhook_secret"] is None
    second = configure_webhook(client, officer, receiver.url, rotate_webhook_secret=True)
    assert second.startswith("whsec_") and second != first
    raise_denied_burst(vault, tenant)
    deliver(vault)
    [request] = receiver.received
    header = request.headers["x-callvault-signature"]
    assert signature_is_valid(second, header, request.body)
    assert not signature_is_valid(first, header, request.body)


def every_stored_value(database_url: str) -> list[object]:
    """Every value in every table, read with a plain connection (no root key)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            return [
                value
                for table in tables
                for row in connection.exec_driver_sql(f'SELECT * FROM "{table}"')  # noqa: S608
                for value in row
            ]
    finally:
        engine.dispose()


def test_the_secret_is_not_in_the_database_in_clear(
    vault: Settings, client: TestClient, officer: dict[str, str], receiver: Receiver
) -> None:
    secret = configure_webhook(client, officer, receiver.url)
    needle = secret.encode()
    values = every_stored_value(vault.database_url)
    assert receiver.url in values  # the dump did see the settings row
    for value in values:
        if isinstance(value, str):
            assert secret not in value
        elif isinstance(value, bytes | bytearray | memoryview):
            assert needle not in bytes(value)
    if vault.is_sqlite:
        database = Path(vault.database_url.removeprefix("sqlite:///"))
        for path in (database, database.with_name(database.name + "-wal")):
            if path.exists():
                assert needle not in path.read_bytes()


def test_a_host_name_is_resolved_checked_and_pinned(
    vault: Settings, tenant: str, client: TestClient, officer: dict[str, str], receiver: Receiver
) -> None:
    by_name = receiver.url.replace("127.0.0.1", "localhost")
    secret = configure_webhook(client, officer, by_name)
    raise_denied_burst(vault, tenant)
    assert deliver(vault) == 1
    [request] = receiver.received
    assert request.headers["host"] == by_name.split("/")[2]  # the name, not the address
    assert signature_is_valid(secret, request.headers["x-callvault-signature"], request.body)

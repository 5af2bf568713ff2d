"""Through the real server: sign-ins from two networks, and the jobs loop (what the
jobs process of ``callvault serve`` runs) watching the log and delivering to a receiver
with nobody's help."""

from __future__ import annotations

import json
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from callvault.settings import Settings
from callvault.web.background import jobs_running, periodic_jobs
from tests._vault import TokenFactory
from tests.alerts._receiver import Receiver, signature_is_valid
from tests.alerts.conftest import ALERTS, alerts, configure_webhook, watch
from tests.identity.conftest import UserFactory
from tests.identity.test_auth_support import login, mfa, sign_in


def from_address(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(address, 50000))


def test_a_sign_in_from_a_second_network_alerts(
    app: FastAPI, vault: Settings, make_user: UserFactory
) -> None:
    person = make_user("agent")
    enrolled = sign_in(from_address(app, "198.51.100.7"), person)  # the first sign-in
    codes = enrolled.body["recovery_codes"]
    for address, code in (("198.51.100.201", codes[0]), ("203.0.113.9", codes[1])):
        client = from_address(app, address)
        challenge = login(client, person).json()["challenge"]
        assert mfa(client, challenge, code).status_code == 200
    watch(vault)
    [alert] = alerts(vault, "new_network")
    assert (alert.actor_id, alert.detail) == (person.id, "203.0.113.0/24")


def test_the_jobs_loop_runs_the_watcher_and_the_delivery(
    app: FastAPI,
    vault: Settings,
    client: TestClient,
    officer: dict[str, str],
    auth: TokenFactory,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CALLVAULT_ALERT_WEBHOOK_ALLOW_LOOPBACK", "1")
    names = [getattr(job, "__name__", "") for job in periodic_jobs(sessionmaker())]
    assert {"run_watcher", "deliver_alerts_job"} <= set(names)
    secret = configure_webhook(client, officer, receiver.url)
    intruder = auth("integration")
    with TestClient(app, raise_server_exceptions=False) as live, jobs_running(vault):
        for _ in range(11):
            assert live.get(ALERTS, headers=intruder).status_code == 403
        deadline = time.monotonic() + 15
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.1)
    [request] = receiver.received
    assert json.loads(request.body)["rule"] == "denied_burst"
    assert signature_is_valid(secret, request.headers["x-callvault-signature"], request.body)

"""Incident tests: the shared vault fixtures of ``tests/_vault.py``, people from
``tests/identity``, and helpers to open incidents and to read calls as a given person
from a given address (what the audit trail then records as actor and source).

Fixtures:
    officer       Authorization headers of a ``compliance_officer`` token (tenant A)
    ingest        Authorization headers of an ``integration`` token (tenant A)
    reader_at     ``reader_at(person, "10.1.0.5")`` -> a client signed in as ``person``
                  whose requests come from that address
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from callvault.authz.credentials import COOKIE_NAME
from tests._vault import TokenFactory
from tests.identity import conftest as people
from tests.identity.conftest import ClientFactory, Person, SessionFactory

make_user = people.make_user
signed_in = people.signed_in
make_client = people.make_client

INCIDENTS = "/api/v1/incidents"
ReaderFactory = Callable[[Person, str], TestClient]


@pytest.fixture
def officer(auth: TokenFactory) -> dict[str, str]:
    return auth("compliance_officer")


@pytest.fixture
def ingest(auth: TokenFactory) -> dict[str, str]:
    return auth("integration")


@pytest.fixture
def reader_at(
    app: FastAPI, client: TestClient, make_client: ClientFactory, signed_in: SessionFactory
) -> ReaderFactory:
    def make(person: Person, address: str) -> TestClient:
        signed_in(person)  # a session cookie on ``client``, carried over to the new one
        reader = make_client(app, address)
        reader.cookies.set(COOKIE_NAME, client.cookies[COOKIE_NAME])
        client.cookies.clear()
        return reader

    return make


def open_incident(
    client: TestClient, headers: dict[str, str], discovered_on: str = "2026-03-10", **extra: Any
) -> dict[str, Any]:
    body = {"title": "Synthetic lost laptop", "discovered_on": discovered_on} | extra
    answer = client.post(INCIDENTS, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    incident: dict[str, Any] = answer.json()
    return incident


def add_scope(
    client: TestClient, headers: dict[str, str], incident_id: str, **query: str
) -> dict[str, Any]:
    answer = client.post(f"{INCIDENTS}/{incident_id}/scope", json=query, headers=headers)
    assert answer.status_code == 200, answer.text
    incident: dict[str, Any] = answer.json()
    return incident

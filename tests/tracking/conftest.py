"""Tracking tests: the shared vault fixtures of ``tests/_vault.py`` and small helpers
to make campaigns, numbers and calls through the API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests._vault import TokenFactory
from tests.lifecycle.conftest import audit_trail, create_call

__all__ = ["audit_trail", "create_call"]

CAMPAIGNS = "/api/v1/campaigns"
NUMBERS = "/api/v1/tracking-numbers"
REPORT = "/api/v1/reports/attribution"


@pytest.fixture
def marketing(auth: TokenFactory) -> dict[str, str]:
    return auth("marketing")


@pytest.fixture
def ingest(auth: TokenFactory) -> dict[str, str]:
    return auth("integration")


def add_campaign(client: TestClient, headers: dict[str, str], name: str, **extra: Any) -> str:
    answer = client.post(CAMPAIGNS, json={"name": name, **extra}, headers=headers)
    assert answer.status_code == 201, answer.text
    campaign_id: str = answer.json()["id"]
    return campaign_id


def add_number(client: TestClient, headers: dict[str, str], number: str, **extra: Any) -> str:
    answer = client.post(NUMBERS, json={"number": number, **extra}, headers=headers)
    assert answer.status_code == 201, answer.text
    number_id: str = answer.json()["id"]
    return number_id

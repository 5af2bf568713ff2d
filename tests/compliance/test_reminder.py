"""The expiry reminder of the jobs process: one warning a day per active agreement
within its reminder window, naming ids only."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from callvault.cli.vault import open_keyring
from callvault.compliance.reminders import DailyExpiryReminder
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind, today_utc
from tests._baa import record_agreement
from tests._vault import TENANT_A


def test_an_agreement_within_its_window_is_reminded_once_a_day(
    vault: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    today = today_utc()
    soon = record_agreement(
        vault, TENANT_A, AgreementKind.TRANSCRIPTION, ends_on=today + timedelta(days=10)
    )
    record_agreement(vault, TENANT_A, AgreementKind.STORAGE, ends_on=today + timedelta(days=90))
    reminder = DailyExpiryReminder()
    with caplog.at_level(logging.WARNING, "callvault.compliance"), open_keyring(vault) as (s, _):
        reminder(s)
        reminder(s)  # the same day: nothing more
    reminded = [r for r in caplog.records if r.name == "callvault.compliance"]
    assert [(r.baa, r.baa_kind, r.days_left) for r in reminded] == [  # type: ignore[attr-defined]
        (soon, "transcription", 10)
    ]
    assert "Test transcription" not in caplog.text  # ids, not counterparties

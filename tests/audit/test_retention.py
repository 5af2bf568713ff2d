"""The audit trail outlives the data it describes (RELIABILITY C10, HIPAA 164.316)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.errors import InvalidInput
from callvault.settings import MIN_AUDIT_RETENTION_DAYS, Settings, load_settings
from tests._vault import TokenFactory
from tests.audit.test_tamper import verify
from tests.calls.factories import call_payload, wav_bytes


def test_a_shredded_recording_keeps_its_audit_trail_and_the_log_verifies(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    integration = auth("integration")
    call_id = client.post("/api/v1/calls", json=call_payload(), headers=integration).json()["id"]
    for frequency in (440.0, 660.0):  # the second upload crypto-shreds the first
        response = client.put(
            f"/api/v1/calls/{call_id}/recording",
            content=wav_bytes(frequency=frequency),
            headers=integration | {"Content-Type": "audio/wav"},
        )
        assert response.status_code == 204
    with open_keyring(vault) as (session, _):
        uploads = session.execute(
            select(AuditEvent.seq).where(
                AuditEvent.resource_id == call_id, AuditEvent.action == "recording:upload"
            )
        ).all()
    assert len(uploads) == 2
    code, output = verify(vault)
    assert code == 0, output


@pytest.mark.parametrize("days", ["30", "2191", "365"])
def test_audit_retention_shorter_than_six_years_is_refused(days: str) -> None:
    with pytest.raises(InvalidInput, match="at least 2192"):
        load_settings("/tmp/unused", environ={"CALLVAULT_AUDIT_RETENTION_DAYS": days})


def test_audit_retention_defaults_to_six_years() -> None:
    settings = load_settings("/tmp/unused", environ={})
    assert settings.audit_retention_days == MIN_AUDIT_RETENTION_DAYS == 2192
    longer = load_settings("/tmp/unused", environ={"CALLVAULT_AUDIT_RETENTION_DAYS": "3650"})
    assert longer.audit_retention_days == 3650

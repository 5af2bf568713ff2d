"""The tenant's redaction policy over HTTP (``/api/v1/policy/redaction``), and the
migration that added it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.db.migrate import downgrade, upgrade
from callvault.identity.policy.access import load_access_policy, save_access_policy
from callvault.redaction.policy import RedactionPolicy, load_redaction_policy
from callvault.settings import Settings
from tests._vault import TENANT_B, TokenFactory
from tests.db._old_vault import vault_at

URL = "/api/v1/policy/redaction"
DEFAULTS = {
    "keep_original_transcripts": False,
    "redaction_operator": "label",
    "redact_medical": False,
    "clinic_names": [],
    "clinic_phones": [],
}


def test_the_default_is_the_safe_policy(client: TestClient, auth: TokenFactory) -> None:
    response = client.get(URL, headers=auth("admin"))

    assert response.status_code == 200 and response.json() == DEFAULTS


@pytest.mark.parametrize("role", ["supervisor", "compliance_officer", "integration"])
def test_only_policy_admins_read_or_change_it(
    client: TestClient, auth: TokenFactory, role: str
) -> None:
    headers = auth(role)

    assert client.get(URL, headers=headers).status_code == 403
    assert client.put(URL, json=DEFAULTS, headers=headers).status_code == 403


def test_a_change_round_trips_is_audited_and_binds_only_its_tenant(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    wanted = {
        "keep_original_transcripts": True,
        "redaction_operator": "token",
        "redact_medical": True,
        "clinic_names": ["  Brightwater   Family Clinic ", "Brightwater Family Clinic"],
        "clinic_phones": ["(202) 555-0100"],
    }

    response = client.put(URL, json=wanted, headers=auth("admin"))

    expected = wanted | {
        "clinic_names": ["Brightwater Family Clinic"],
        "clinic_phones": ["+12025550100"],
    }
    assert response.status_code == 200 and response.json() == expected
    assert client.get(URL, headers=auth("admin")).json() == expected
    assert client.get(URL, headers=auth("admin", tenant=TENANT_B)).json() == DEFAULTS
    with open_keyring(vault) as (db, _):
        rows = db.execute(
            select(AuditEvent.resource_type, AuditEvent.outcome).where(
                AuditEvent.action == "policy:update"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("tenant_policy", "allowed")]


def test_an_omitted_field_takes_its_safe_default(client: TestClient, auth: TokenFactory) -> None:
    client.put(URL, json={"keep_original_transcripts": True}, headers=auth("admin"))

    response = client.put(URL, json={"redact_medical": True}, headers=auth("admin"))

    assert response.json() == DEFAULTS | {"redact_medical": True}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"redaction_operator": "mask"}, "redaction_operator"),
        ({"keep_original_transcripts": "yes"}, "keep_original_transcripts"),
        ({"clinic_names": ["A"]}, "clinic_names.0"),
        ({"clinic_names": ["Brightwater"] * 21}, "clinic_names"),
        ({"clinic_phones": ["5" * 41]}, "clinic_phones.0"),
        ({"keep_originals": True}, "keep_originals"),
    ],
    ids=["operator", "not-bool", "name-short", "too-many", "phone-long", "unknown"],
)
def test_bad_bodies_are_422_and_change_nothing(
    client: TestClient, auth: TokenFactory, body: dict[str, Any], field: str
) -> None:
    response = client.put(URL, json=body, headers=auth("admin"))

    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert client.get(URL, headers=auth("admin")).json() == DEFAULTS


def test_a_clinic_phone_that_is_no_phone_number_is_422_without_echo(
    client: TestClient, auth: TokenFactory
) -> None:
    response = client.put(URL, json={"clinic_phones": ["call-us-xyz"]}, headers=auth("admin"))

    assert response.status_code == 422  # refused by the schema's phone pattern
    assert [e["field"] for e in response.json()["errors"]] == ["clinic_phones.0"]
    assert "xyz" not in response.text
    assert client.get(URL, headers=auth("admin")).json() == DEFAULTS


def test_the_access_policy_and_the_redaction_policy_never_reset_each_other(
    client: TestClient, auth: TokenFactory
) -> None:
    admin = auth("admin")
    client.put(URL, json={"keep_original_transcripts": True}, headers=admin)
    access = {"ip_allowlist": [], "session_idle_minutes": 10, "session_absolute_minutes": 60}

    assert client.put("/api/v1/policy", json=access, headers=admin).status_code == 200
    assert client.get(URL, headers=admin).json()["keep_original_transcripts"] is True
    client.put(URL, json={}, headers=admin)
    assert client.get("/api/v1/policy", headers=admin).json() == access


def test_migration_0005_gives_existing_policies_the_safe_defaults_and_reverses(
    tmp_path: Path, database_url: str
) -> None:
    with vault_at(tmp_path, database_url, "0004") as (settings, engine, tenant):
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO tenant_policies (tenant_id, ip_allowlist, session_idle_minutes,"
                    " session_absolute_minutes) VALUES (:t, '[]', 10, 60)"
                ),
                {"t": tenant},
            )

        upgrade(engine, "0005")
        with open_keyring(settings) as (session, _):
            assert load_redaction_policy(session, tenant) == RedactionPolicy()
            assert load_access_policy(session, tenant).idle_minutes == 10
            save_access_policy(
                session, tenant, ip_allowlist=[], idle_minutes=5, absolute_minutes=60
            )
            session.commit()

        downgrade(engine, "0004")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("tenant_policies")}
        assert "keep_original_transcripts" not in columns and "session_idle_minutes" in columns
        upgrade(engine, "0005")
        with open_keyring(settings) as (session, _):
            assert load_redaction_policy(session, tenant) == RedactionPolicy()


def test_a_clinic_name_with_control_characters_is_refused_and_the_policy_still_reads(
    client: TestClient, auth: TokenFactory
) -> None:
    # Found by the OpenAPI conformance run: "a\x1c" passed the 2-character minimum, was
    # stored as "a" once whitespace was collapsed, and the policy could no longer be read.
    body = {"clinic_names": ["Riverside\x1c", "a\x1c"]}
    response = client.put(URL, json=body, headers=auth("admin"))

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"clinic_names.0", "clinic_names.1"}
    assert client.get(URL, headers=auth("admin")).json() == DEFAULTS

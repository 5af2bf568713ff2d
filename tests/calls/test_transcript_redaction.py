"""Transcripts are stored redacted: what comes back, what is kept, who may read the
original, and that every such read is in the audit trail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.context import ServiceContext
from callvault.audit.service import RequestInfo
from callvault.authz.principal import system_principal
from callvault.blobs.factory import create_blob_store
from callvault.calls.models import StoredObject
from callvault.calls.objects import TRANSCRIPT, TRANSCRIPT_ORIGINAL
from callvault.calls.service import CallService
from callvault.cli.vault import open_keyring
from callvault.crypto.models import DataKey
from callvault.errors import NotFound
from callvault.settings import Settings
from tests.calls.conftest import TENANT_B, TokenFactory
from tests.calls.factories import call_payload
from tests.calls.transcript_helpers import (
    INTAKE,
    INTAKE_PHI,
    REVIEWER,
    add_reviewer_role,
    events,
    put_transcript,
    set_redaction_policy,
    words_of,
)

TOKEN_RE = re.compile(r"\[NAME-[0-9a-f]{4}\]")


def new_call(client: TestClient, auth: TokenFactory, tenant: str = "clinic-a") -> str:
    response = client.post(
        "/api/v1/calls", json=call_payload(), headers=auth("integration", tenant=tenant)
    )
    return str(response.json()["id"])


@pytest.fixture
def call_id(client: TestClient, auth: TokenFactory) -> str:
    return new_call(client, auth)


def transcript(client: TestClient, auth: TokenFactory, call_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/calls/{call_id}/transcript", headers=auth("agent"))
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def original(client: TestClient, headers: dict[str, str], call_id: str) -> Any:
    return client.get(f"/api/v1/calls/{call_id}/transcript/original", headers=headers)


@contextmanager
def service_for(vault: Settings, call_id: str) -> Iterator[CallService]:
    """A CallService of the call's tenant, on its own session."""
    with open_keyring(vault) as (session, keyring):
        tenant_id = session.execute(
            select(StoredObject.tenant_id).where(StoredObject.call_id == call_id).limit(1)
        ).scalar_one()
        principal = system_principal(tenant_id, "test", ["supervisor"])
        yield CallService(
            ServiceContext(session, principal, RequestInfo(), keyring), create_blob_store(vault)
        )


def object_rows(vault: Settings, call_id: str) -> dict[str, StoredObject]:
    with open_keyring(vault) as (session, _):
        rows = session.execute(select(StoredObject).where(StoredObject.call_id == call_id))
        return {row.kind: row for row in rows.scalars()}


def test_spoken_phi_is_gone_from_the_stored_text_and_words(
    client: TestClient, auth: TokenFactory, call_id: str, vault: Settings
) -> None:
    words = words_of(INTAKE)

    status = put_transcript(client, auth("integration"), call_id, {"text": INTAKE, "words": words})

    assert status == 204
    body = transcript(client, auth, call_id)
    for value in INTAKE_PHI:
        assert value.lower() not in body["text"].lower()
        assert value.split()[0] not in {w["word"] for w in body["words"]}
    assert {"[NAME]", "[SSN]", "[DATE]", "[PHONE]"} <= set(re.findall(r"\[[A-Z_]+\]", body["text"]))
    assert body["redaction"] == {"operator": "label", "medical": False}
    for span in body["spans"]:  # offsets of the replacements in the stored text
        assert body["text"][span["start"] : span["end"]] == f"[{span['label']}]"
    assert [w["start"] for w in body["words"]] == [w["start"] for w in words]  # timings kept


def test_time_ranges_cover_exactly_the_redacted_words(
    client: TestClient, auth: TokenFactory, call_id: str, vault: Settings
) -> None:
    put_transcript(
        client, auth("integration"), call_id, {"text": INTAKE, "words": words_of(INTAKE)}
    )
    body = transcript(client, auth, call_id)
    redacted = [(w["start"], w["end"]) for w in body["words"] if w["word"].startswith("[")]
    kept = [(w["start"], w["end"]) for w in body["words"] if not w["word"].startswith("[")]

    ranges = body["redacted_time_ranges"]

    assert redacted and ranges
    assert all(any(s <= ws and we <= e for s, e in ranges) for ws, we in redacted)
    assert not any(s < we and ws < e for s, e in ranges for ws, we in kept)
    assert {s for s, _ in ranges} <= {s for s, _ in redacted}
    assert {e for _, e in ranges} <= {e for _, e in redacted}
    with service_for(vault, call_id) as service:
        assert service.redacted_time_ranges(call_id) == [(s, e) for s, e in ranges]
    assert ("allowed", "call", call_id) in events(vault, "transcript:read")


def test_time_ranges_are_unknown_without_words_and_missing_without_a_transcript(
    client: TestClient, auth: TokenFactory, call_id: str, vault: Settings
) -> None:
    other = new_call(client, auth)
    put_transcript(client, auth("integration"), call_id, {"text": INTAKE})
    put_transcript(client, auth("integration"), other, {"text": INTAKE})
    with service_for(vault, call_id) as service:
        assert service.redacted_time_ranges(call_id) is None
        service.objects.shred(other, TRANSCRIPT)
        with pytest.raises(NotFound):
            service.redacted_time_ranges(other)


def test_the_callers_own_name_and_number_are_redacted_without_cues(
    client: TestClient, auth: TokenFactory, call_id: str
) -> None:
    text = "agent: thanks for calling\ncaller: yes hello quinn fictional here, or 2025550147"

    put_transcript(client, auth("integration"), call_id, {"text": text})

    stored = transcript(client, auth, call_id)["text"]
    assert "quinn" not in stored and "fictional" not in stored and "0147" not in stored
    assert stored.endswith("[NAME] [NAME] here, or [PHONE]")


def test_known_identifiers_in_the_request_are_redacted(
    client: TestClient, auth: TokenFactory, call_id: str
) -> None:
    body = {
        "text": "caller: the card on file says zz4417q and Marlo",
        "known": {"names": ["Marlo Testington"], "ids": ["ZZ4417Q"]},
    }

    assert put_transcript(client, auth("integration"), call_id, body) == 204

    stored = transcript(client, auth, call_id)["text"]
    assert "zz4417q" not in stored.lower() and "Marlo" not in stored


@pytest.mark.parametrize(
    ("known", "field"),
    [
        ({"names": ["x" * 101]}, "known.names.0"),
        ({"names": ["Ab"] * 21}, "known.names"),
        ({"phones": ["12"]}, "known.phones.0"),
        ({"ids": ["1" * 65]}, "known.ids.0"),
        ({"emails": ["a@b.example"]}, "known.emails"),
    ],
    ids=["name-too-long", "too-many-names", "phone-too-short", "id-too-long", "unknown-field"],
)
def test_bad_known_lists_are_422_without_echo(
    client: TestClient, auth: TokenFactory, call_id: str, known: dict[str, Any], field: str
) -> None:
    response = client.put(
        f"/api/v1/calls/{call_id}/transcript",
        json={"text": "hello", "known": known},
        headers=auth("integration"),
    )

    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert "xxxxx" not in response.text and "a@b.example" not in response.text


def test_words_that_are_not_the_texts_tokens_are_refused(
    client: TestClient, auth: TokenFactory, call_id: str, vault: Settings
) -> None:
    extra = [*words_of("hello there"), {"word": "Samplewell", "start": 2.0, "end": 2.4}]
    swapped = [{"word": "Samplewell", "start": 0.0, "end": 0.4}]

    for words in (extra, swapped):
        response = client.put(
            f"/api/v1/calls/{call_id}/transcript",
            json={"text": "hello there", "words": words},
            headers=auth("integration"),
        )
        assert response.status_code == 422
        assert "Samplewell" not in response.text
    assert object_rows(vault, call_id) == {}


def test_by_default_no_original_is_kept_and_asking_for_it_is_404_and_audited(
    client: TestClient, auth: TokenFactory, call_id: str, vault: Settings
) -> None:
    add_reviewer_role(vault)
    put_transcript(client, auth("integration"), call_id, {"text": INTAKE})

    response = original(client, auth(REVIEWER), call_id)

    assert response.status_code == 404
    assert set(object_rows(vault, call_id)) == {TRANSCRIPT}
    assert events(vault, "transcript:read_unredacted") == [("not_found", "call", call_id)]


def test_a_kept_original_is_readable_only_with_read_unredacted_and_every_read_is_audited(
    client: TestClient, auth: TokenFactory, call_id: str, vault: Settings
) -> None:
    add_reviewer_role(vault)
    set_redaction_policy(client, auth("admin"), keep_original_transcripts=True)
    body = {"text": INTAKE, "words": words_of(INTAKE), "known": {"names": ["Jordan Samplewell"]}}
    put_transcript(client, auth("integration"), call_id, body)

    denied = [original(client, auth(role), call_id).status_code for role in ("agent", "admin")]
    allowed = original(client, auth(REVIEWER), call_id)

    assert denied == [403, 403]
    assert allowed.status_code == 200
    assert allowed.json() == {"text": INTAKE, "words": words_of(INTAKE)}  # no "known" kept
    assert "Samplewell" not in transcript(client, auth, call_id)["text"]
    audited = events(vault, "transcript:read_unredacted")
    assert audited[-1] == ("allowed", "call", call_id)
    assert [e[0] for e in audited[:2]] == ["denied", "denied"]
    rows = object_rows(vault, call_id)
    assert rows[TRANSCRIPT].data_key_id != rows[TRANSCRIPT_ORIGINAL].data_key_id


def test_a_replaced_transcript_shreds_the_older_original(
    client: TestClient, auth: TokenFactory, call_id: str, vault: Settings
) -> None:
    add_reviewer_role(vault)
    reviewer = auth(REVIEWER)
    set_redaction_policy(client, auth("admin"), keep_original_transcripts=True)
    put_transcript(client, auth("integration"), call_id, {"text": "first take Jordan"})
    first = object_rows(vault, call_id)

    put_transcript(client, auth("integration"), call_id, {"text": "second take"})

    assert original(client, reviewer, call_id).json()["text"] == "second take"
    assert_shredded(vault, first.values())
    second = object_rows(vault, call_id)
    set_redaction_policy(client, auth("admin"), keep_original_transcripts=False)
    put_transcript(client, auth("integration"), call_id, {"text": "third take"})

    assert original(client, reviewer, call_id).status_code == 404
    assert set(object_rows(vault, call_id)) == {TRANSCRIPT}
    assert_shredded(vault, second.values())
    assert ("allowed", "call", call_id) in events(vault, "object:shred")


def assert_shredded(vault: Settings, rows: Any) -> None:
    with open_keyring(vault) as (session, _):
        for row in rows:
            assert session.get_one(DataKey, row.data_key_id).wrapped_dek is None
            assert not (vault.blob_dir / row.blob_key).exists()


def test_tokens_are_stable_within_a_tenant_and_differ_across_tenants(
    client: TestClient, auth: TokenFactory
) -> None:
    text = "caller: hi, my name is Jordan Samplewell"
    calls = [new_call(client, auth), new_call(client, auth), new_call(client, auth, TENANT_B)]
    set_redaction_policy(client, auth("admin"), redaction_operator="token")
    set_redaction_policy(client, auth("admin", tenant=TENANT_B), redaction_operator="token")
    tokens = []
    for call, tenant in zip(calls, ("clinic-a", "clinic-a", TENANT_B), strict=True):
        put_transcript(client, auth("integration", tenant=tenant), call, {"text": text})
        response = client.get(
            f"/api/v1/calls/{call}/transcript", headers=auth("agent", tenant=tenant)
        )
        stored = response.json()
        assert "Samplewell" not in stored["text"] and stored["redaction"]["operator"] == "token"
        tokens.append(TOKEN_RE.findall(stored["text"]))

    assert tokens[0] and tokens[0] == tokens[1]
    assert tokens[2] and tokens[2] != tokens[0]


@pytest.mark.parametrize("medical", [False, True], ids=["medical-off", "medical-on"])
def test_medical_mode_redacts_conditions_and_medications_only_when_on(
    client: TestClient, auth: TokenFactory, call_id: str, medical: bool
) -> None:
    text = "caller: my doctor said I have type two diabetes and I take metformin"
    set_redaction_policy(client, auth("admin"), redact_medical=medical)

    put_transcript(client, auth("integration"), call_id, {"text": text})

    stored = transcript(client, auth, call_id)
    assert ("metformin" in stored["text"]) is not medical
    assert ("[MEDICATION]" in stored["text"]) is medical
    assert stored["redaction"]["medical"] is medical


def test_the_clinics_own_name_and_number_stay_readable(
    client: TestClient, auth: TokenFactory, call_id: str
) -> None:
    text = "agent: thanks for calling Brightwater Family Clinic, call us at 202 555 0100"
    set_redaction_policy(
        client,
        auth("admin"),
        clinic_names=["Brightwater Family Clinic"],
        clinic_phones=["+1 202 555 0100"],
    )

    put_transcript(client, auth("integration"), call_id, {"text": text})

    assert transcript(client, auth, call_id)["text"] == text


def test_nothing_readable_of_the_phi_is_on_disk(
    client: TestClient, auth: TokenFactory, call_id: str, vault: Settings
) -> None:
    set_redaction_policy(client, auth("admin"), keep_original_transcripts=True)
    put_transcript(client, auth("integration"), call_id, {"text": INTAKE})

    on_disk = b"".join(p.read_bytes() for p in vault.data_dir.rglob("*") if p.is_file())

    assert b"Samplewell" not in on_disk and b"four three nine nine" not in on_disk

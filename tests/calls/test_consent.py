"""Recording consent through the API: the default from the parties' states, the
refusal of a recording a call has no consent for, updates, and pause markers."""

from __future__ import annotations

from typing import Any, get_args

import phonenumbers
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.calls.consent import ALL_PARTY_STATES, Consent, default_consent
from callvault.calls.schemas import ConsentIn
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._phi import shows_a_number
from tests.calls.conftest import Reviewer, TokenFactory
from tests.calls.factories import call_payload, wav_bytes
from tests.calls.test_recordings_api import blob_files, stored_objects, upload

DC = "+12025550147"  # "Washington D.C.": one-party
CALIFORNIA = "+13105550101"
SAN_FRANCISCO = "+14155550102"  # "San Francisco, CA"
OREGON = "+15035550100"  # one-party for telephone calls
WASHINGTON = "+12065550100"  # "Washington State"
TOLL_FREE = "+18005550107"  # in no state


def create(client: TestClient, headers: dict[str, str], **overrides: Any) -> str:
    response = client.post("/api/v1/calls", json=call_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def call_view(client: TestClient, headers: dict[str, str], call_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/calls/{call_id}", headers=headers)
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return view


def set_consent(client: TestClient, headers: dict[str, str], call_id: str, consent: str) -> int:
    response = client.put(
        f"/api/v1/calls/{call_id}/consent", json={"consent": consent}, headers=headers
    )
    return response.status_code


def add_pauses(
    client: TestClient, headers: dict[str, str], call_id: str, pauses: list[dict[str, float]]
) -> int:
    response = client.post(
        f"/api/v1/calls/{call_id}/recording-pauses", json={"pauses": pauses}, headers=headers
    )
    return response.status_code


def audit_reasons(settings: Settings, action: str) -> list[tuple[str, str | None]]:
    with open_keyring(settings) as (session, _):
        rows = session.execute(
            select(AuditEvent.outcome, AuditEvent.reason)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        ).all()
    return [(outcome, reason) for outcome, reason in rows]


@pytest.mark.parametrize(
    ("caller", "clinic", "expected"),
    [
        (DC, DC, "not_required"),  # both one-party
        (OREGON, DC, "not_required"),  # Oregon: one-party on the phone
        (CALIFORNIA, DC, "required"),  # an all-party caller
        (DC, SAN_FRANCISCO, "required"),  # an all-party clinic
        (WASHINGTON, DC, "required"),
        (DC, TOLL_FREE, "required"),  # no state to tell: the strict rule
    ],
)
def test_the_default_consent_follows_the_parties_states(
    client: TestClient, auth: TokenFactory, caller: str, clinic: str, expected: str
) -> None:
    ingest = auth("integration")
    call_id = create(client, ingest, caller_number=caller, called_number=clinic)
    assert call_view(client, auth("agent"), call_id)["consent"] == expected


def test_a_create_parses_each_number_once(
    client: TestClient, auth: TokenFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default consent geocodes the numbers the create parsed (issue 13: each parse
    # cost as much as the geocoding), and no number is cached: the caller's is PHI.
    ingest = auth("integration")
    parsed: list[str] = []
    original = phonenumbers.parse

    def counting(number: str, *args: Any, **kwargs: Any) -> phonenumbers.PhoneNumber:
        parsed.append(number)
        return original(number, *args, **kwargs)

    monkeypatch.setattr(phonenumbers, "parse", counting)
    call_id = create(client, ingest, caller_number=CALIFORNIA, called_number=DC)
    assert len(parsed) == 3  # caller, called and tracking number
    monkeypatch.undo()
    assert call_view(client, auth("agent"), call_id)["consent"] == "required"


def test_a_played_disclosure_is_announced_wherever_the_parties_are() -> None:
    assert default_consent([CALIFORNIA, DC], disclosure_played=True) is Consent.ANNOUNCED
    assert default_consent([DC, DC], disclosure_played=True) is Consent.ANNOUNCED
    assert default_consent([DC, DC], disclosure_played=False) is Consent.NOT_REQUIRED


def test_a_client_may_set_every_consent_state_but_required() -> None:
    assert set(get_args(ConsentIn)) == {c.value for c in Consent} - {"required"}


def test_the_all_party_table_names_real_states_only() -> None:
    from callvault.phone_states import STATE_NAMES

    assert ALL_PARTY_STATES <= STATE_NAMES
    assert "Oregon" not in ALL_PARTY_STATES


def test_consent_given_at_create_wins_over_the_default(
    client: TestClient, auth: TokenFactory
) -> None:
    ingest = auth("integration")
    call_id = create(client, ingest, caller_number=CALIFORNIA, consent="consented")
    assert call_view(client, ingest, call_id)["consent"] == "consented"
    assert upload(client, ingest, call_id, wav_bytes()) == 204


@pytest.mark.parametrize("consent", ["required", "maybe", ""])
def test_a_consent_a_client_may_not_set_is_refused(
    client: TestClient, auth: TokenFactory, consent: str
) -> None:
    ingest = auth("integration")
    refused = client.post("/api/v1/calls", json=call_payload(consent=consent), headers=ingest)
    assert refused.status_code == 422
    call_id = create(client, ingest)
    assert set_consent(client, ingest, call_id, consent) == 422
    assert call_view(client, ingest, call_id)["consent"] == "not_required"


@pytest.mark.parametrize("consent", ["declined", "required"])
def test_a_call_without_consent_refuses_its_recording_and_stores_nothing(
    client: TestClient, auth: TokenFactory, vault: Settings, consent: str
) -> None:
    ingest = auth("integration")
    overrides = {"consent": "declined"} if consent == "declined" else {"caller_number": CALIFORNIA}
    call_id = create(client, ingest, **overrides)
    before = (stored_objects(vault), blob_files(vault))

    refused = client.put(
        f"/api/v1/calls/{call_id}/recording",
        content=wav_bytes(),
        headers=ingest | {"Content-Type": "audio/wav"},
    )

    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("no-recording-consent")
    assert not shows_a_number(refused.text)
    assert (stored_objects(vault), blob_files(vault)) == before
    assert call_view(client, ingest, call_id)["processing"] is None
    assert ("denied", f"consent {consent}") in audit_reasons(vault, "recording:upload")


def test_consent_given_later_lets_the_recording_in(client: TestClient, auth: TokenFactory) -> None:
    ingest = auth("integration")
    call_id = create(client, ingest, caller_number=CALIFORNIA)
    assert upload(client, ingest, call_id, wav_bytes()) == 409
    assert set_consent(client, ingest, call_id, "announced") == 204
    assert upload(client, ingest, call_id, wav_bytes()) == 204
    assert call_view(client, ingest, call_id)["processing"]["state"] == "pending"


def test_a_consent_update_is_audited_with_the_old_and_new_state(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    ingest = auth("integration")
    call_id = create(client, ingest)
    assert set_consent(client, auth("agent"), call_id, "consented") == 403  # not the ingest role
    assert set_consent(client, ingest, call_id, "consented") == 204
    assert call_view(client, ingest, call_id)["consent"] == "consented"
    assert audit_reasons(vault, "call:consent_update")[-1] == (
        "allowed",
        "not_required -> consented",
    )


def test_declining_after_the_upload_shreds_the_recording(
    client: TestClient, auth: TokenFactory, vault: Settings, reviewer: Reviewer
) -> None:
    ingest = auth("integration")
    call_id = create(client, ingest)
    assert upload(client, ingest, call_id, wav_bytes()) == 204
    assert blob_files(vault)

    assert set_consent(client, ingest, call_id, "declined") == 204

    view = call_view(client, ingest, call_id)
    assert (view["consent"], view["recording_original"], view["processing"]) == (
        "declined",
        None,
        None,
    )
    original = client.get(f"/api/v1/calls/{call_id}/recording/original", headers=reviewer())
    assert original.status_code == 404
    assert blob_files(vault) == []
    assert ("allowed", None) in audit_reasons(vault, "object:shred")
    assert audit_reasons(vault, "call:consent_update") == [("allowed", "not_required -> declined")]


def test_pauses_are_stored_and_shown(client: TestClient, auth: TokenFactory) -> None:
    ingest = auth("integration")
    call_id = create(client, ingest, recording_pauses=[{"start": 10, "end": 12.5}])
    more = [{"start": 30, "end": 31}, {"start": 1, "end": 2}]
    assert add_pauses(client, ingest, call_id, more) == 204
    pauses = call_view(client, auth("agent"), call_id)["recording_pauses"]
    assert pauses == [
        {"start": 1.0, "end": 2.0},
        {"start": 10.0, "end": 12.5},
        {"start": 30.0, "end": 31.0},
    ]


@pytest.mark.parametrize(
    "pauses",
    [
        [{"start": 5, "end": 4}],  # ends before it starts
        [{"start": 5, "end": 5}],  # empty
        [{"start": 1, "end": 3}, {"start": 2, "end": 4}],  # overlapping each other
        [{"start": 11, "end": 13}],  # overlapping the stored one
        [{"start": 260, "end": 280}],  # the call lasted 270 s
        [{"start": -1, "end": 2}],
        [{"start": 1}],
        [],
    ],
)
def test_bad_pauses_are_refused_and_change_nothing(
    client: TestClient, auth: TokenFactory, vault: Settings, pauses: list[dict[str, float]]
) -> None:
    ingest = auth("integration")
    call_id = create(client, ingest, recording_pauses=[{"start": 10, "end": 12}])
    assert add_pauses(client, ingest, call_id, pauses) == 422
    assert call_view(client, ingest, call_id)["recording_pauses"] == [{"start": 10.0, "end": 12.0}]
    assert audit_reasons(vault, "recording:pauses_add") == []


def test_bad_pauses_at_create_make_no_call(client: TestClient, auth: TokenFactory) -> None:
    ingest = auth("integration")
    for pauses in ([{"start": 2, "end": 1}], [{"start": 0, "end": 300}]):
        payload = call_payload(recording_pauses=pauses)
        assert client.post("/api/v1/calls", json=payload, headers=ingest).status_code == 422
    assert client.get("/api/v1/calls", headers=ingest).json()["items"] == []


def test_another_tenants_call_is_not_found(client: TestClient, auth: TokenFactory) -> None:
    call_id = create(client, auth("integration"))
    other = auth("integration", tenant="clinic-b")
    assert set_consent(client, other, call_id, "declined") == 404
    assert add_pauses(client, other, call_id, [{"start": 1, "end": 2}]) == 404
    view = call_view(client, auth("integration"), call_id)
    assert (view["consent"], view["recording_pauses"]) == ("not_required", [])


def test_a_call_has_at_most_a_thousand_pauses(client: TestClient, auth: TokenFactory) -> None:
    ingest = auth("integration")
    many = [{"start": i * 0.2, "end": i * 0.2 + 0.1} for i in range(1000)]
    call_id = create(client, ingest, recording_pauses=many)
    assert add_pauses(client, ingest, call_id, [{"start": 250, "end": 251}]) == 422
    assert len(call_view(client, ingest, call_id)["recording_pauses"]) == 1000

"""``POST /api/v1/access/exports`` and ``/erasures``: a caller's records, found by the
caller number and nothing else, exported sealed (shaped by the exporter's permissions,
one audit event per call) or erased whole (never what a legal hold covers)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callvault.cli.main import app
from callvault.cli.vault import open_keyring
from callvault.crypto.errors import DecryptionFailed
from callvault.identity.models import CustomRole
from callvault.lifecycle.access_cli import PASSPHRASE_ENV
from callvault.lifecycle.bundle import open_bundle
from callvault.lifecycle.models import LegalHold
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._phi import shows_a_number
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.identity.conftest import SessionFactory, UserFactory

from ._lifecycle import OLD, RECENT, TRANSCRIPT_CANARY, events, make_call

CALLER = "(202) 555-0147"
OTHER_CALLER = "+1 202 555 0148"
UNKNOWN_CALLER = "+1 202 555 0199"
PASSPHRASE = "correct horse battery staple"
EXPORTS, ERASURES = "/api/v1/access/exports", "/api/v1/access/erasures"
# No built-in role reads originals: custom roles for the two ends of the scale.
FULL_ACCESS = [
    "call:read",
    "call:read_phi",
    "export:create",
    "transcript:read",
    "transcript:read_unredacted",
    "recording:play",
    "recording:play_unredacted",
]
METADATA_ONLY = ["call:read", "export:create"]


def add_role(vault: Settings, name: str, allow: list[str]) -> None:
    with open_keyring(vault) as (db, _):
        tenant_id = get_tenant(db, TENANT_A).id
        db.add(CustomRole(tenant_id=tenant_id, name=name, allow=json.dumps(allow)))
        db.commit()


def hold_call(vault: Settings, call_id: str) -> None:
    with open_keyring(vault) as (db, _):
        tenant_id = get_tenant(db, TENANT_A).id
        db.add(LegalHold(tenant_id=tenant_id, reason="r", matter="m", owner="t", call_id=call_id))
        db.commit()


def opened(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(open_bundle(content, PASSPHRASE)))


def manifest(bundle: zipfile.ZipFile) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(bundle.read("manifest.json"))
    return value


def files_of(bundle: zipfile.ZipFile, call_id: str) -> list[str]:
    prefix = f"calls/{call_id}/"
    return sorted(
        name.removeprefix(prefix) for name in bundle.namelist() if name.startswith(prefix)
    )


def export(client: TestClient, csrf: dict[str, str], caller: str = CALLER) -> Any:
    return client.post(
        EXPORTS, json={"caller_number": caller, "passphrase": PASSPHRASE}, headers=csrf
    )


def foreign_auth(auth: TokenFactory) -> TokenFactory:
    return lambda role="supervisor", tenant=TENANT_B: auth(role, tenant=TENANT_B)


# -- export ---------------------------------------------------------------------------


def test_export_holds_the_callers_calls_and_only_theirs(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    first, second = make_call(client, auth, OLD), make_call(client, auth, RECENT)
    other = make_call(client, auth, RECENT, caller_number=OTHER_CALLER)
    foreign = make_call(client, foreign_auth(auth), RECENT)  # the same number, tenant B
    csrf = signed_in(make_user("supervisor"), stepped_up=True)

    answer = export(client, csrf)

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/octet-stream"
    assert TRANSCRIPT_CANARY.encode() not in answer.content  # sealed, not merely zipped
    bundle = opened(answer.content)
    listed = manifest(bundle)
    assert listed["calls"] == [first, second]
    assert all(f"calls/{c}/" not in " ".join(bundle.namelist()) for c in (other, foreign))
    for entry in listed["files"]:
        data = bundle.read(entry["path"])
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"])
    assert sorted(e["path"] for e in listed["files"]) == sorted(
        n for n in bundle.namelist() if n != "manifest.json"
    )
    call = json.loads(bundle.read(f"calls/{first}/call.json"))
    assert call["caller_number"] == "+12025550147" and call["caller_name"] == "Quinn Fictional"
    exported = events(vault, "access:export")
    assert sorted(e.resource_id or "" for e in exported) == sorted([first, second])
    assert all(e.outcome == "allowed" and e.hashed_terms for e in exported)


def test_a_wrong_passphrase_opens_nothing(
    client: TestClient, auth: TokenFactory, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    make_call(client, auth, OLD)
    answer = export(client, signed_in(make_user("supervisor"), stepped_up=True))

    with pytest.raises(DecryptionFailed):
        open_bundle(answer.content, "not the passphrase at all")


def test_permissions_shape_the_bundle(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    call_id = make_call(client, auth, OLD)
    add_role(vault, "records-officer", FULL_ACCESS)
    add_role(vault, "records-clerk", METADATA_ONLY)
    shapes = {}
    for role in ("supervisor", "records-officer", "records-clerk"):
        bundle = opened(export(client, signed_in(make_user(role), stepped_up=True)).content)
        call = json.loads(bundle.read(f"calls/{call_id}/call.json"))
        shapes[role] = (files_of(bundle, call_id), manifest(bundle)["permissions"], call)

    supervisor_files, supervisor_permissions, _ = shapes["supervisor"]
    assert "transcript.json" in supervisor_files
    assert not any("original" in name for name in supervisor_files)
    assert "transcript:read_unredacted" not in supervisor_permissions
    officer_files, officer_permissions, _ = shapes["records-officer"]
    assert "recording_original.wav" in officer_files  # the upload, unscrubbed
    assert "transcript.json" in officer_files  # the tenant keeps no originals: the redacted one
    assert "recording:play_unredacted" in officer_permissions
    clerk_files, clerk_permissions, clerk_call = shapes["records-clerk"]
    assert clerk_files == ["call.json"] and clerk_permissions == []
    assert clerk_call["caller_name"] is None and "0147" in clerk_call["caller_number"]
    assert clerk_call["caller_number"] != "+12025550147"  # masked


def test_export_needs_step_up_and_the_permission(
    client: TestClient, auth: TokenFactory, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    make_call(client, auth, OLD)

    not_stepped_up = export(client, signed_in(make_user("supervisor")))
    agent = export(client, signed_in(make_user("agent"), stepped_up=True))
    token = client.post(
        EXPORTS, json={"caller_number": CALLER, "passphrase": PASSPHRASE}, headers=auth()
    )

    assert not_stepped_up.status_code == 403
    assert agent.status_code == 403
    assert token.status_code == 403  # what needs step-up needs a person


def test_unknown_number_is_404_audited_without_the_number(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    make_call(client, auth, OLD)

    answer = export(client, signed_in(make_user("supervisor"), stepped_up=True), UNKNOWN_CALLER)

    assert answer.status_code == 404
    assert "0199" not in answer.text
    [refusal] = events(vault, "access:export")
    assert refusal.outcome == "not_found" and refusal.resource_id is None
    assert refusal.hashed_terms and not shows_a_number(refusal.hashed_terms)


@pytest.mark.parametrize(
    "body",
    [
        {"caller_number": CALLER, "passphrase": "too short"},
        {"caller_number": "not a number", "passphrase": PASSPHRASE},
        {"caller_number": CALLER},
    ],
)
def test_bad_export_bodies_are_refused_without_echoing(
    client: TestClient, make_user: UserFactory, signed_in: SessionFactory, body: dict[str, str]
) -> None:
    answer = client.post(
        EXPORTS, json=body, headers=signed_in(make_user("supervisor"), stepped_up=True)
    )

    assert answer.status_code == 422
    assert "555-0147" not in answer.text and PASSPHRASE not in answer.text


# -- erasure --------------------------------------------------------------------------


def test_erasure_removes_every_unheld_call_with_certificates(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    erased, held = make_call(client, auth, OLD), make_call(client, auth, RECENT)
    other = make_call(client, auth, OLD, caller_number=OTHER_CALLER)
    foreign = make_call(client, foreign_auth(auth), OLD)
    hold_call(vault, held)
    csrf = signed_in(make_user("compliance_officer"), stepped_up=True)

    answer = client.post(ERASURES, json={"caller_number": CALLER}, headers=csrf)

    assert answer.status_code == 200, answer.text
    assert answer.json()["erased"] == [erased] and answer.json()["held"] == [held]
    assert not shows_a_number(answer.text)
    reader = auth("supervisor")
    assert client.get(f"/api/v1/calls/{erased}", headers=reader).status_code == 404
    for kept in (held, other):
        assert client.get(f"/api/v1/calls/{kept}", headers=reader).status_code == 200
    assert client.get(f"/api/v1/calls/{foreign}", headers=foreign_auth(auth)()).status_code == 200
    allowed = [e for e in events(vault, "erasure:shred") if e.outcome == "allowed"]
    certified = [json.loads(e.reason or "{}") | {"call": e.resource_id} for e in allowed]
    assert {c["call"] for c in certified} == {erased}
    assert {c["type"] for c in certified} >= {"call_metadata", "call_phi", "recording_original"}
    assert all(c["basis"] == "erasure" for c in certified)
    assert len(answer.json()["certificates"]) == len(certified)
    refusals = [e for e in events(vault, "erasure:shred") if e.outcome == "denied"]
    assert [(e.resource_id, e.reason) for e in refusals] == [(held, "legal hold")]


def test_erasure_when_every_call_is_held_is_409(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    held = make_call(client, auth, OLD)
    hold_call(vault, held)
    csrf = signed_in(make_user("compliance_officer"), stepped_up=True)

    answer = client.post(ERASURES, json={"caller_number": CALLER}, headers=csrf)

    assert answer.status_code == 409 and "legal hold" in answer.text
    assert client.get(f"/api/v1/calls/{held}", headers=auth("supervisor")).status_code == 200
    [refusal] = events(vault, "erasure:shred")  # no certificate: nothing was destroyed
    assert (refusal.outcome, refusal.resource_id, refusal.reason) == ("denied", None, "legal hold")


def test_erasure_of_an_unknown_number_is_404(
    vault: Settings, client: TestClient, make_user: UserFactory, signed_in: SessionFactory
) -> None:
    csrf = signed_in(make_user("compliance_officer"), stepped_up=True)

    answer = client.post(ERASURES, json={"caller_number": UNKNOWN_CALLER}, headers=csrf)

    assert answer.status_code == 404 and "0199" not in answer.text
    assert [e.outcome for e in events(vault, "erasure:shred")] == ["not_found"]


@pytest.mark.parametrize(("role", "stepped_up"), [("agent", True), ("compliance_officer", False)])
def test_erasure_needs_the_permission_and_step_up(
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
    role: str,
    stepped_up: bool,
) -> None:
    call_id = make_call(client, auth, OLD)
    csrf = signed_in(make_user(role), stepped_up=stepped_up)

    answer = client.post(ERASURES, json={"caller_number": CALLER}, headers=csrf)

    assert answer.status_code == 403
    assert client.get(f"/api/v1/calls/{call_id}", headers=auth("supervisor")).status_code == 200


def test_the_cli_decrypts_a_bundle_and_checks_its_manifest(
    tmp_path: Path,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    call_id = make_call(client, auth, OLD)
    sealed = tmp_path / "access-export.cvxb"
    sealed.write_bytes(export(client, signed_in(make_user("supervisor"), stepped_up=True)).content)
    decrypt = ["access", "decrypt", str(sealed)]

    wrong = CliRunner().invoke(app, decrypt, env={PASSPHRASE_ENV: "x" * 20})
    right = CliRunner().invoke(app, decrypt, env={PASSPHRASE_ENV: PASSPHRASE})

    assert wrong.exit_code == 2 and "wrong passphrase" in wrong.output
    assert right.exit_code == 0, right.output
    with zipfile.ZipFile(tmp_path / "access-export.zip") as bundle:
        assert f"calls/{call_id}/call.json" in bundle.namelist()


def test_the_original_transcript_goes_only_to_who_may_read_it(
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    kept = client.put(
        "/api/v1/policy/redaction", json={"keep_original_transcripts": True}, headers=auth("admin")
    )
    assert kept.status_code == 200, kept.text
    call_id = make_call(client, auth, OLD)
    add_role(vault, "records-officer", FULL_ACCESS)

    officer = opened(
        export(client, signed_in(make_user("records-officer"), stepped_up=True)).content
    )
    supervisor = opened(export(client, signed_in(make_user("supervisor"), stepped_up=True)).content)

    assert "transcript_original.json" in files_of(officer, call_id)
    assert "transcript.json" not in files_of(officer, call_id)
    assert "transcript_original.json" not in files_of(supervisor, call_id)
    assert "transcript.json" in files_of(supervisor, call_id)

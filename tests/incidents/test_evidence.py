"""The evidence bundle: the scope's audit slice, each event with an inclusion proof that
the existing verifier accepts against the bundle's signed tree head, and nothing else."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from callvault.audit import merkle
from callvault.audit.encoding import FIELDS, encode_event
from callvault.audit.heads import tree_head_message
from callvault.cli.main import app as cli
from tests._vault import TokenFactory
from tests.identity.conftest import UserFactory
from tests.incidents.conftest import INCIDENTS, ReaderFactory, add_scope, open_incident
from tests.lifecycle.conftest import create_call


def leaf_of(tenant_id: str, event: dict[str, Any]) -> bytes:
    """The leaf hash recomputed from the event's fields (encoding ``cv-audit-v1``)."""
    values = {**event, "tenant_id": tenant_id}
    values["hashed_terms"] = " ".join(event["hashed_terms"]) or None
    return merkle.leaf_hash(encode_event([values[name] for name in FIELDS]))


def test_the_bundle_proves_each_event_of_the_scope_against_the_signed_head(
    client: TestClient,
    auth: TokenFactory,
    officer: dict[str, str],
    make_user: UserFactory,
    reader_at: ReaderFactory,
) -> None:
    ingest = auth("integration")
    calls = [create_call(client, ingest, caller_number=f"+1310555010{n}") for n in range(3)]
    agent = make_user("agent")
    reader = reader_at(agent, "10.9.8.7")
    for call_id in calls[:2]:
        assert reader.get(f"/api/v1/calls/{call_id}").status_code == 200
    incident = open_incident(client, officer)
    add_scope(client, officer, incident["id"], actor_id=agent.id)

    answer = client.get(f"{INCIDENTS}/{incident['id']}/evidence", headers=officer)
    assert answer.status_code == 200, answer.text
    assert "attachment" in answer.headers["content-disposition"]
    bundle = answer.json()
    head = bundle["tree_head"]
    root = bytes.fromhex(head["root_hash"])
    message = tree_head_message(head["tenant_id"], head["tree_size"], head["timestamp_ms"], root)
    public_key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(head["public_key"]))
    public_key.verify(base64.b64decode(head["signature"]), message)

    events = [item["event"] for item in bundle["events"]]
    assert [(e["action"], e["resource_id"], e["actor_id"]) for e in events] == [
        ("call:read", call_id, agent.id) for call_id in calls[:2]
    ]
    for item in bundle["events"]:
        event = item["event"]
        leaf = bytes.fromhex(event["leaf_hash"])
        assert leaf == leaf_of(head["tenant_id"], event)
        path = [bytes.fromhex(h) for h in item["audit_path"]]
        merkle.verify_inclusion(leaf, event["seq"], head["tree_size"], path, root)
    assert "5550100" not in answer.text and "5550101" not in answer.text

    after = client.get(f"{INCIDENTS}/{incident['id']}", headers=officer).json()
    assert after["timeline"][-1]["kind"] == "evidence_exported"
    exported = client.get("/api/v1/audit/events?action=incident:evidence", headers=officer).json()[
        "items"
    ]
    assert [(e["resource_id"], e["outcome"]) for e in exported] == [(incident["id"], "allowed")]
    assert exported[0]["reason"] == f"events=2 tree_size={head['tree_size']}"


# -- callvault incident verify --------------------------------------------------------


@pytest.fixture
def bundle_file(
    client: TestClient,
    auth: TokenFactory,
    officer: dict[str, str],
    make_user: UserFactory,
    reader_at: ReaderFactory,
    tmp_path: Path,
) -> Path:
    call_id = create_call(client, auth("integration"), caller_number="+13105550101")
    agent = make_user("agent")
    assert reader_at(agent, "10.9.8.7").get(f"/api/v1/calls/{call_id}").status_code == 200
    incident = open_incident(client, officer)
    add_scope(client, officer, incident["id"], actor_id=agent.id)
    answer = client.get(f"{INCIDENTS}/{incident['id']}/evidence", headers=officer)
    path = tmp_path / "evidence.json"
    path.write_bytes(answer.content)
    return path


def verify(path: Path, *options: str) -> Result:
    return CliRunner().invoke(cli, ["incident", "verify", str(path), *options])


def test_the_cli_verifies_a_bundle_under_the_pinned_key(
    client: TestClient, officer: dict[str, str], bundle_file: Path
) -> None:
    pinned = client.get("/api/v1/audit/sth", headers=officer).json()["public_key"]
    result = verify(bundle_file, "--public-key", pinned)
    assert result.exit_code == 0, result.output
    assert "evidence intact: 1 events proven" in result.output
    assert "the pinned key" in result.output
    unpinned = verify(bundle_file)
    assert unpinned.exit_code == 0 and "pin it" in unpinned.output


def edited(path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    bundle = json.loads(path.read_text())
    change(bundle)
    path.write_text(json.dumps(bundle))
    return path


def test_the_cli_finds_an_edited_event_a_bad_proof_and_a_wrong_key(bundle_file: Path) -> None:
    def other_actor(bundle: dict[str, Any]) -> None:
        bundle["events"][0]["event"]["actor_id"] = "someone-else"

    def other_path(bundle: dict[str, Any]) -> None:
        bundle["events"][0]["audit_path"][0] = "00" * 32

    original = bundle_file.read_text()
    wrong_key = verify(bundle_file, "--public-key", "11" * 32)
    assert wrong_key.exit_code == 1 and "signature does not verify" in wrong_key.output
    for change, message in ((other_actor, "(edited)"), (other_path, "does not lead")):
        bundle_file.write_text(original)
        result = verify(edited(bundle_file, change))
        assert result.exit_code == 1 and message in result.output


@pytest.mark.parametrize(("content", "options"), [("not json", ()), ("{}", ("--public-key", "ab"))])
def test_the_cli_refuses_what_is_no_bundle_or_no_key(
    tmp_path: Path, content: str, options: tuple[str, ...]
) -> None:
    path = tmp_path / "evidence.json"
    path.write_text(content)
    assert verify(path, *options).exit_code == 2
    path.write_text("[]")
    assert verify(path).exit_code == 1

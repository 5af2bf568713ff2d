"""The evidence bundle: the scope's audit slice, each event with an inclusion proof that
the existing verifier accepts against the bundle's signed tree head, and nothing else."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient

from callvault.audit import merkle
from callvault.audit.encoding import FIELDS, encode_event
from callvault.audit.heads import tree_head_message
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

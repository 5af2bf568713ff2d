"""Checking an incident's evidence bundle anywhere, with nothing but the bundle (and,
better, the tenant's public key pinned out of band): the tree head's Ed25519 signature,
each event's leaf hash against its fields, and each inclusion proof against the head.
The same checks docs/incidents.md shows, in code an auditor can run."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from callvault.audit import merkle
from callvault.audit.encoding import FIELDS, encode_event
from callvault.audit.heads import tree_head_message


@dataclass(frozen=True)
class Verdict:
    events: int
    tree_size: int
    problems: list[str]


def verify_bundle(bundle: dict[str, Any], pinned_key: bytes | None = None) -> Verdict:
    """Every check, each failure named; a bundle that is not one is a single problem."""
    try:
        head = bundle["tree_head"]
        items = bundle["events"]
        root = bytes.fromhex(head["root_hash"])
        problems = _head_problems(head, root, pinned_key)
        for item in items:
            problems += _event_problems(head, root, item)
        return Verdict(len(items), int(head["tree_size"]), problems)
    except (KeyError, TypeError, ValueError, binascii.Error):
        return Verdict(0, 0, ["not an evidence bundle: a field is missing or malformed"])


def _head_problems(head: dict[str, Any], root: bytes, pinned_key: bytes | None) -> list[str]:
    public_key = pinned_key or bytes.fromhex(head["public_key"])
    message = tree_head_message(head["tenant_id"], head["tree_size"], head["timestamp_ms"], root)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            base64.b64decode(head["signature"]), message
        )
    except InvalidSignature:
        return ["the tree head's signature does not verify"]
    return []


def _event_problems(head: dict[str, Any], root: bytes, item: dict[str, Any]) -> list[str]:
    event = item["event"]
    fields = event | {"tenant_id": head["tenant_id"]}
    fields["hashed_terms"] = " ".join(event["hashed_terms"]) or None
    leaf = merkle.leaf_hash(encode_event([fields[name] for name in FIELDS]))
    if leaf.hex() != event["leaf_hash"]:
        return [f"event seq {event['seq']}: its fields do not give its leaf hash (edited)"]
    path = [bytes.fromhex(h) for h in item["audit_path"]]
    try:
        merkle.verify_inclusion(leaf, event["seq"], head["tree_size"], path, root)
    except merkle.ProofError:
        return [f"event seq {event['seq']}: its inclusion proof does not lead to the head"]
    return []

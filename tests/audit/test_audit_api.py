"""The audit trail API, as a compliance officer and an outside verifier use it.

Proofs and signed tree heads are checked the way a client would check them: proofs
with our RFC 6962 verifier (``callvault.audit.merkle``), signatures with
``cryptography``'s Ed25519 against ``tree_head_message``, and the listed events
against the leaf hashes the proofs cover."""

from __future__ import annotations

import base64
from itertools import combinations_with_replacement
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from callvault.audit import heads, merkle, proofs
from callvault.audit.encoding import encode_event
from callvault.audit.models import AuditSigningKey, AuditTreeHead
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.audit.test_audit_query import (
    T0_MS,
    fill,
    log_size,
    seed,
    synthetic_event,
    tenant_id,
    term_hash,
)
from tests.calls.factories import call_payload
from tests.identity import conftest as people
from tests.identity.conftest import SessionFactory, UserFactory

make_user = people.make_user
signed_in = people.signed_in

EVENTS = "/api/v1/audit/events"
STH = "/api/v1/audit/sth"
CONSISTENCY = "/api/v1/audit/consistency"
ROUTES = (EVENTS, STH, f"{EVENTS}/0/proof", f"{CONSISTENCY}?first=1&second=1")
EVENT_FIELDS = {
    "seq",
    "at",
    "at_ms",
    "actor_type",
    "actor_id",
    "action",
    "resource_type",
    "resource_id",
    "outcome",
    "source_ip",
    "user_agent",
    "request_id",
    "reason",
    "hashed_terms",
    "leaf_hash",
}
HEADS = (1, 3, 4, 7)


@pytest.fixture
def officer(auth: TokenFactory) -> dict[str, str]:
    return auth("compliance_officer")


def ok(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(path, params=params or None, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def refused(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(path, params=params or None, headers=headers)
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == response.status_code
    return response.status_code, body


def pages(
    client: TestClient, headers: dict[str, str], **params: Any
) -> tuple[list[dict[str, Any]], str | None]:
    """Every page of a query, following the cursor until nothing more is ready; the
    items, and the cursor to resume from later."""
    items: list[dict[str, Any]] = []
    while True:
        page = ok(client, EVENTS, headers, **params)
        items += page["items"]
        if not page["has_more"]:
            return items, page["next_cursor"]
        params["cursor"] = page["next_cursor"]


def walk(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    return pages(client, headers, **params)[0]


def token_id(headers: dict[str, str]) -> str:
    return headers["Authorization"].split("_")[1]


def check_signature(head: dict[str, Any]) -> bytes:
    """Verify a tree head as an outside client would (raises InvalidSignature); return
    its root hash."""
    root = bytes.fromhex(head["root_hash"])
    message = heads.tree_head_message(
        head["tenant_id"], head["tree_size"], head["timestamp_ms"], root
    )
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(head["public_key"]))
    public.verify(base64.b64decode(head["signature"]), message)
    assert bytes.fromhex(head["signed_message"]["hex"]) == message
    return root


def leaf_of(item: dict[str, Any], tid: str) -> bytes:
    """The leaf hash a client recomputes from a listed event (format cv-audit-v1)."""
    values = [tid, item["seq"], item["at_ms"]]
    values += [
        item[name]
        for name in (
            "actor_type",
            "actor_id",
            "action",
            "resource_type",
            "resource_id",
            "outcome",
            "source_ip",
            "user_agent",
            "request_id",
            "reason",
        )
    ]
    values.append(" ".join(item["hashed_terms"]) or None)
    return merkle.leaf_hash(encode_event(values))


# -- who may read ------------------------------------------------------------------


@pytest.mark.parametrize("path", ROUTES)
def test_an_admin_and_an_agent_are_refused_and_each_refusal_is_audited(
    path: str,
    vault: Settings,
    client: TestClient,
    auth: TokenFactory,
    officer: dict[str, str],
    make_user: UserFactory,
    signed_in: SessionFactory,
) -> None:
    fill(vault, TENANT_A, 2, heads=[2])  # so each route would answer if it were allowed
    admin = make_user("admin")
    signed_in(admin)  # the admin is a person, signed in with a session cookie
    agent = auth("agent")

    as_admin = refused(client, path, {})
    as_agent = refused(client, path, agent)
    client.cookies.clear()

    assert (as_admin[0], as_agent[0]) == (403, 403)
    assert "items" not in as_admin[1] and "tree_size" not in as_agent[1]
    denied = ok(client, EVENTS, officer, outcome="denied", action="audit:read")["items"]
    assert [(e["actor_type"], e["actor_id"], e["resource_type"]) for e in denied] == [
        ("user", admin.id, "route"),
        ("token", token_id(agent), "route"),
    ]


def test_without_credentials_the_answer_is_401(client: TestClient) -> None:
    assert refused(client, EVENTS, {})[0] == 401


def test_reading_is_itself_audited_with_the_request_id(
    client: TestClient, officer: dict[str, str]
) -> None:
    response = client.get(EVENTS, params={"action": "call:read"}, headers=officer)
    assert response.status_code == 200

    [read] = ok(client, EVENTS, officer, action="audit:read")["items"]
    assert read["actor_id"] == token_id(officer)
    assert (read["resource_type"], read["outcome"]) == ("audit_log", "allowed")
    assert read["request_id"] == response.headers["x-request-id"]
    assert read["reason"] == "events action"


# -- events --------------------------------------------------------------------------


def test_an_event_carries_its_fields_and_a_leaf_hash_a_client_can_recompute(
    vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    number_hash = term_hash(vault, "+12025550161")
    seed(
        vault,
        TENANT_A,
        [synthetic_event("e0", at_ms=T0_MS + 125, reason="synthetic", hashed_terms=number_hash)],
    )

    [item] = ok(client, EVENTS, officer)["items"]

    assert set(item) == EVENT_FIELDS
    assert item["at"] == "2026-03-02T14:00:00.125Z"
    assert (item["seq"], item["request_id"], item["hashed_terms"]) == (0, "e0", [number_hash])
    assert bytes.fromhex(item["leaf_hash"]) == leaf_of(item, tenant_id(vault))


def _event(label: str, actor: str, action: str, seconds: int, **fields: object) -> dict[str, Any]:
    return synthetic_event(
        label, actor_id=actor, action=action, at_ms=T0_MS + seconds * 1000, **fields
    )


NUMBER, NAME = "+12025550171", "Sage Synthetic"
FILTER_LOG = [
    _event("e0", "alice", "call:read", 0, resource_id="c1"),
    _event("e1", "bob", "call:read", 1, resource_id="c2", outcome="denied"),
    _event("e2", "alice", "recording:play", 2, resource_id="c1", hashed_terms="<number>"),
    _event("e3", "bob", "user:create", 3, resource_type="user", resource_id="u1"),
    _event("e4", "alice", "call:search", 4, resource_id=None, hashed_terms="<number> <name>"),
    _event("e5", "carol", "call:read", 5, resource_id="c3", outcome="not_found"),
    _event("e6", "alice", "call:read", 6, resource_id="c2", outcome="error"),
]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "e0 e1 e2 e3 e4 e5 e6"),
        ({"actor": "alice"}, "e0 e2 e4 e6"),
        ({"action": "call:read"}, "e0 e1 e5 e6"),
        ({"resource_type": "user"}, "e3"),
        ({"resource": "c1"}, "e0 e2"),
        ({"outcome": "denied"}, "e1"),
        ({"outcome": "not_found"}, "e5"),
        ({"since": "2026-03-02T14:00:02Z"}, "e2 e3 e4 e5 e6"),
        ({"until": "2026-03-02T14:00:02Z"}, "e0 e1"),
        ({"since": "2026-03-02T14:00:01Z", "until": "2026-03-02T14:00:03Z"}, "e1 e2"),
        ({"since": "2026-03-02T15:00:04+01:00"}, "e4 e5 e6"),
        ({"since": "2026-03-02T14:00:04.0005Z"}, "e5 e6"),
        ({"until": "2026-03-02T14:00:00.0005Z"}, "e0"),
        ({"term": "<number>"}, "e2 e4"),
        ({"term": "<name>"}, "e4"),
        ({"term": "<NUMBER>"}, "e2 e4"),
        ({"term": "<absent>"}, ""),
        ({"actor": "alice", "action": "call:read"}, "e0 e6"),
        ({"actor": "alice", "resource": "c2", "outcome": "error"}, "e6"),
        ({"actor": "bob", "since": "2026-03-02T14:00:02Z"}, "e3"),
        ({"actor": "alice", "term": "<name>", "until": "2026-03-02T14:00:04Z"}, ""),
        ({"actor": "nobody"}, ""),
    ],
)
def test_each_filter_narrows_and_filters_combine_with_and(
    params: dict[str, str],
    expected: str,
    vault: Settings,
    client: TestClient,
    officer: dict[str, str],
) -> None:
    hashes = {
        "<number>": term_hash(vault, NUMBER),
        "<name>": term_hash(vault, NAME),
        "<absent>": term_hash(vault, "+12025550172"),
    }
    hashes["<NUMBER>"] = hashes["<number>"].upper().replace("HMAC-SHA256", "hmac-sha256")

    def resolve(value: object) -> object:
        if not isinstance(value, str):
            return value
        return " ".join(hashes.get(part, part) for part in value.split(" "))

    seed(vault, TENANT_A, [{k: resolve(v) for k, v in e.items()} for e in FILTER_LOG])

    items = ok(client, EVENTS, officer, **{k: resolve(v) for k, v in params.items()})["items"]

    assert " ".join(item["request_id"] for item in items) == expected


def test_a_walk_returns_every_event_once_in_order_and_resumes_after_the_end(
    vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    fill(vault, TENANT_A, 23)

    first, resume = pages(client, officer, limit=5)
    size = log_size(vault)
    fill(vault, TENANT_A, 3)
    more = walk(client, officer, limit=5, cursor=resume)

    seqs = [item["seq"] for item in first + more]
    assert seqs == list(range(len(seqs)))
    assert [item["request_id"] for item in first[:23]] == [f"fill-{n}" for n in range(23)]
    assert {item["action"] for item in first[23:]} == {"audit:read"}  # the walk's own pages
    assert [item["request_id"] for item in more] == [
        more[0]["request_id"],  # the read of the last page before the new events
        *(f"fill-{size + n}" for n in range(3)),
    ]
    assert more[0]["action"] == "audit:read"


def test_a_huge_limit_is_capped_at_1000(
    vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    seed(vault, TENANT_A, [synthetic_event(f"bulk-{n}") for n in range(1005)], batch=True)

    for limit in (1001, 10**9, 10**30):
        page = ok(client, EVENTS, officer, limit=limit)
        assert (len(page["items"]), page["has_more"]) == (1000, True)
    rest = ok(client, EVENTS, officer, cursor=page["next_cursor"])["items"]
    assert [item["request_id"] for item in rest][:5] == [f"bulk-{n}" for n in range(1000, 1005)]
    assert len(ok(client, EVENTS, officer)["items"]) == 100  # the default page


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (EVENTS, {"since": "yesterday"}),
        (EVENTS, {"since": "2026-03-02T14:00:00"}),  # no offset: not a UTC instant
        (EVENTS, {"until": "2026-02-30T00:00:00Z"}),
        (EVENTS, {"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"}),
        (EVENTS, {"cursor": "!!!"}),
        (EVENTS, {"cursor": "Y3YtYXVkaXQtYWZ0ZXI6LTE"}),  # "cv-audit-after:-1"
        (EVENTS, {"cursor": "x" * 101}),
        (EVENTS, {"outcome": "maybe"}),
        (EVENTS, {"term": "+12025550101"}),
        (EVENTS, {"term": "hmac-sha256:" + "ab" * 31}),
        (EVENTS, {"term": "hmac-sha256:" + "g" * 64}),
        (EVENTS, {"limit": 0}),
        (EVENTS, {"limit": -3}),
        (EVENTS, {"limit": "many"}),
        (EVENTS, {"actor": "a" * 65}),
        (f"{EVENTS}/1/proof", {"tree_size": 0}),
        (f"{EVENTS}/1/proof", {"tree_size": 1}),  # not greater than seq
        (f"{EVENTS}/1/proof", {"tree_size": 6}),  # beyond the log
        (f"{EVENTS}/1/proof", {"tree_size": 10**30}),
        (f"{EVENTS}/1/proof", {"tree_size": "two"}),
        (CONSISTENCY, {"first": 0, "second": 3}),
        (CONSISTENCY, {"first": 4, "second": 3}),
        (CONSISTENCY, {"first": 1, "second": 6}),
        (CONSISTENCY, {"first": -1, "second": 3}),
        (CONSISTENCY, {"first": 1, "second": 10**30}),
        (CONSISTENCY, {"first": 1}),
        (CONSISTENCY, {"first": "one", "second": 2}),
    ],
)
def test_invalid_input_is_a_422_problem_and_records_nothing(
    path: str, params: dict[str, Any], vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    fill(vault, TENANT_A, 5, heads=[5])

    status, body = refused(client, path, officer, **params)

    assert status == 422, body
    assert log_size(vault) == 5


# -- tree heads ------------------------------------------------------------------------


def stored_public_key(settings: Settings, key_id: str) -> str:
    with open_keyring(settings) as (session, _):
        return session.get_one(AuditSigningKey, key_id).public_key.hex()


def head_count(settings: Settings) -> int:
    with open_keyring(settings) as (session, _):
        return session.execute(select(func.count()).select_from(AuditTreeHead)).scalar_one()


def test_an_empty_log_signs_the_empty_tree(
    vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    head = ok(client, STH, officer)

    assert (head["tenant_id"], head["tree_size"]) == (tenant_id(vault), 0)
    assert check_signature(head) == merkle.EMPTY_ROOT
    assert head["signature_algorithm"] == "Ed25519"
    assert head["public_key"] == stored_public_key(vault, head["key_id"])
    # The next head covers the read of the first one.
    assert ok(client, STH, officer)["tree_size"] == 1


def test_unsigned_events_are_signed_before_the_head_is_given(
    vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    fill(vault, TENANT_A, 5, heads=[3])

    head = ok(client, STH, officer)

    assert head["tree_size"] == 5
    tid = tenant_id(vault)  # before the session below: SQLite has one writer at a time
    with open_keyring(vault) as (session, _):
        assert check_signature(head) == proofs.root_at(session, tid, 5)
        stored = heads.tree_head(session, tid, 5)
        assert stored is not None and stored.signature == base64.b64decode(head["signature"])
    assert head["timestamp"].endswith("Z")
    assert log_size(vault) == 6  # the read of the head comes after it


def test_an_earlier_head_is_given_by_size_and_a_size_never_signed_is_404(
    vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    fill(vault, TENANT_A, 4, heads=[1, 3])

    head = ok(client, STH, officer, tree_size=3)

    assert head["tree_size"] == 3
    check_signature(head)
    for size in (2, 4, -1, 10**30):
        assert refused(client, STH, officer, tree_size=size)[0] == 404


def test_a_forged_signature_or_root_fails_the_client_check(
    client: TestClient, officer: dict[str, str]
) -> None:
    head = ok(client, STH, officer)
    signature = bytearray(base64.b64decode(head["signature"]))
    signature[0] ^= 1
    forgeries = [
        head | {"root_hash": merkle.leaf_hash(b"forged").hex()},
        head | {"tree_size": head["tree_size"] + 1},
        head | {"timestamp_ms": head["timestamp_ms"] + 1},
        head | {"signature": base64.b64encode(bytes(signature)).decode()},
    ]

    check_signature(head)
    for forged in forgeries:
        with pytest.raises(InvalidSignature):
            check_signature(forged)


# -- proofs ----------------------------------------------------------------------------


@pytest.fixture
def signed_log(vault: Settings) -> dict[int, bytes]:
    """Seven events with signed heads at sizes 1, 3, 4 and 7: size -> root."""
    fill(vault, TENANT_A, 7, heads=HEADS)
    tid = tenant_id(vault)
    with open_keyring(vault) as (session, _):
        return {size: proofs.root_at(session, tid, size) for size in HEADS}


def signed_roots(client: TestClient, officer: dict[str, str]) -> dict[int, bytes]:
    return {size: check_signature(ok(client, STH, officer, tree_size=size)) for size in HEADS}


def test_every_event_is_proved_in_every_signed_head(
    signed_log: dict[int, bytes], vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    roots = signed_roots(client, officer)
    assert roots == signed_log
    leaves = {e["seq"]: bytes.fromhex(e["leaf_hash"]) for e in ok(client, EVENTS, officer)["items"]}

    for size, root in roots.items():
        for seq in range(size):
            proof = ok(client, f"{EVENTS}/{seq}/proof", officer, tree_size=size)
            path = [bytes.fromhex(item) for item in proof["audit_path"]]
            assert (proof["leaf_index"], proof["tree_size"]) == (seq, size)
            assert bytes.fromhex(proof["leaf_hash"]) == leaves[seq]
            assert bytes.fromhex(proof["root_hash"]) == root
            assert check_signature(proof["tree_head"]) == root
            merkle.verify_inclusion(leaves[seq], seq, size, path, root)


def test_a_proof_defaults_to_the_latest_head_and_signs_one_for_a_newer_event(
    signed_log: dict[int, bytes], vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    proof = ok(client, f"{EVENTS}/2/proof", officer)
    assert proof["tree_size"] == 7 and check_signature(proof["tree_head"]) == signed_log[7]

    fill(vault, TENANT_A, 1)  # seq 8 (seq 7 is the read above); no head covers it
    newer = ok(client, f"{EVENTS}/8/proof", officer)

    assert newer["tree_size"] == 9
    root = check_signature(newer["tree_head"])
    path = [bytes.fromhex(item) for item in newer["audit_path"]]
    merkle.verify_inclusion(bytes.fromhex(newer["leaf_hash"]), 8, 9, path, root)


def test_a_proof_for_an_unsigned_size_has_no_head_but_still_verifies(
    signed_log: dict[int, bytes], vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    proof = ok(client, f"{EVENTS}/4/proof", officer, tree_size=6)

    assert proof["tree_head"] is None
    tid = tenant_id(vault)
    with open_keyring(vault) as (session, _):
        root = proofs.root_at(session, tid, 6)
    path = [bytes.fromhex(item) for item in proof["audit_path"]]
    merkle.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), 4, 6, path, root)


def test_every_signed_head_is_consistent_with_every_later_one(
    signed_log: dict[int, bytes], client: TestClient, officer: dict[str, str]
) -> None:
    roots = signed_roots(client, officer)

    for first, second in combinations_with_replacement(HEADS, 2):
        answer = ok(client, CONSISTENCY, officer, first=first, second=second)
        proof = [bytes.fromhex(item) for item in answer["consistency"]]
        assert bytes.fromhex(answer["first_root"]) == roots[first]
        assert bytes.fromhex(answer["second_root"]) == roots[second]
        assert (proof == []) == (first == second)
        merkle.verify_consistency(first, second, roots[first], roots[second], proof)


def flipped(items: list[str], index: int) -> list[bytes]:
    raw = [bytearray.fromhex(item) for item in items]
    raw[index][0] ^= 0x80
    return [bytes(item) for item in raw]


def test_a_tampered_proof_fails_verification(
    signed_log: dict[int, bytes], client: TestClient, officer: dict[str, str]
) -> None:
    root, old_root = signed_log[7], signed_log[3]
    proof = ok(client, f"{EVENTS}/5/proof", officer, tree_size=7)
    leaf, path = bytes.fromhex(proof["leaf_hash"]), proof["audit_path"]
    consistency = ok(client, CONSISTENCY, officer, first=3, second=7)["consistency"]

    for index in range(len(path)):
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(leaf, 5, 7, flipped(path, index), root)
    good_path = [bytes.fromhex(item) for item in path]
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(leaf, 4, 7, good_path, root)  # another position
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(merkle.leaf_hash(b"forged"), 5, 7, good_path, root)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(leaf, 5, 7, good_path[:-1], root)
    for index in range(len(consistency)):
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(3, 7, old_root, root, flipped(consistency, index))


@pytest.mark.parametrize("seq", ["7", "999", "abc", "-1", "9" * 40])
def test_a_proof_for_an_event_not_in_the_log_is_404_and_audited(
    seq: str,
    signed_log: dict[int, bytes],
    vault: Settings,
    client: TestClient,
    officer: dict[str, str],
) -> None:
    status, body = refused(client, f"{EVENTS}/{seq}/proof", officer)

    assert (status, body["detail"]) == (404, "no such audit event")
    [event] = ok(client, EVENTS, officer, outcome="not_found")["items"]
    assert (event["action"], event["resource_type"]) == ("audit:read", "audit_log")
    assert event["resource_id"] == (seq if seq.isdigit() and len(seq) < 20 else None)


# -- tenants and PHI ---------------------------------------------------------------


def test_another_tenants_events_heads_and_proofs_are_out_of_reach(
    vault: Settings, client: TestClient, auth: TokenFactory, officer: dict[str, str]
) -> None:
    theirs = term_hash(vault, "+12025550181", tenant=TENANT_B)
    seed(
        vault,
        TENANT_B,
        [synthetic_event(f"b-{n}", actor_id="b-actor", hashed_terms=theirs) for n in range(9)],
    )
    fill(vault, TENANT_A, 3, heads=[3])

    ours = walk(client, officer, limit=1000)
    by_actor = ok(client, EVENTS, officer, actor="b-actor")["items"]
    by_term = ok(client, EVENTS, officer, term=theirs)["items"]
    head = ok(client, STH, officer)
    their_head = ok(client, STH, auth("compliance_officer", tenant=TENANT_B))  # signs 9
    ours_size, theirs_size = log_size(vault), log_size(vault, TENANT_B)

    assert [item["request_id"] for item in ours] == ["fill-0", "fill-1", "fill-2"]
    assert by_actor == [] and by_term == []
    assert head["tenant_id"] == tenant_id(vault) != their_head["tenant_id"]
    assert head["public_key"] != their_head["public_key"]
    assert ours_size < theirs_size  # so the next three name what only clinic-b has
    assert refused(client, f"{EVENTS}/{ours_size}/proof", officer)[0] == 404
    assert refused(client, CONSISTENCY, officer, first=1, second=theirs_size)[0] == 422
    assert refused(client, STH, officer, tree_size=9)[0] == 404


def test_phi_never_appears_but_its_audit_hash_finds_the_search(
    vault: Settings, client: TestClient, auth: TokenFactory, officer: dict[str, str]
) -> None:
    payload = call_payload(
        caller_number="(202) 555-0163", caller_name="Rowan Placeholder", notes="Mentions lupus."
    )
    created = client.post("/api/v1/calls", json=payload, headers=auth("integration"))
    assert created.status_code == 201
    supervisor = auth("supervisor")
    search = client.get(
        "/api/v1/calls", params={"caller_number": "202 555 0163"}, headers=supervisor
    )
    assert search.status_code == 200 and len(search.json()["items"]) == 1

    listing = client.get(EVENTS, params={"limit": 1000}, headers=officer)
    found = ok(client, EVENTS, officer, term=term_hash(vault, "+12025550163"))["items"]

    assert listing.status_code == 200
    for phi in ("5550163", "555-0163", "555 0163", "Rowan", "Placeholder", "lupus"):
        assert phi.lower() not in listing.text.lower()
    assert [(e["action"], e["actor_id"]) for e in found] == [("call:search", token_id(supervisor))]
    assert ok(client, EVENTS, officer, term=term_hash(vault, "Rowan Placeholder"))["items"] == []


# -- fail closed -----------------------------------------------------------------------


def refuse_audit_reads(settings: Settings) -> None:
    """A real database failure on the read event alone (as a broken audit store)."""
    statements = (
        [
            "CREATE TRIGGER refuse_audit_reads BEFORE INSERT ON audit_log_events"
            " WHEN NEW.resource_type = 'audit_log'"
            " BEGIN SELECT RAISE(ABORT, 'audit store refuses'); END"
        ]
        if settings.is_sqlite
        else [
            "CREATE FUNCTION refuse_audit_reads() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN IF NEW.resource_type = 'audit_log' THEN"
            " RAISE EXCEPTION 'audit store refuses'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER refuse_audit_reads BEFORE INSERT ON audit_log_events"
            " FOR EACH ROW EXECUTE FUNCTION refuse_audit_reads()",
        ]
    )
    with open_keyring(settings) as (session, _):
        for statement in statements:
            session.execute(text(statement))
        session.commit()


@pytest.mark.parametrize(
    "path", [EVENTS, STH, f"{EVENTS}/1/proof", f"{CONSISTENCY}?first=1&second=3"]
)
def test_a_read_that_cannot_be_audited_is_a_503_and_answers_nothing(
    path: str, vault: Settings, client: TestClient, officer: dict[str, str]
) -> None:
    fill(vault, TENANT_A, 3, heads=[2])
    heads_before = head_count(vault)
    refuse_audit_reads(vault)

    status, body = refused(client, path, officer)

    assert (status, body["title"]) == (503, "Audit log unavailable")
    assert set(body) <= {"type", "title", "status", "detail"}
    assert log_size(vault) == 3
    assert head_count(vault) == heads_before  # a head signed for the answer is rolled back

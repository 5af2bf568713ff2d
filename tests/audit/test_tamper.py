"""`callvault audit verify` against direct edits of the database (RELIABILITY C2, C10).

Each test changes the stored log the way someone with database access but without the
root key could, and checks that verify exits non-zero naming the first bad seq."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import text
from typer.testing import CliRunner

from callvault.audit import merkle
from callvault.audit.encoding import FIELDS, encode_event
from callvault.audit.heads import tree_head_message
from callvault.cli.main import app
from callvault.settings import Settings
from tests._vault import TENANT_A, TENANT_B
from tests.audit._log import append, execute, raw_database, tenant_id

EVENTS = 20
SIGN_EVERY = 8  # signed heads at 8 and 16; events 16..19 unsigned until verify's turn


def verify(settings: Settings, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        [
            "audit",
            "verify",
            "--data-dir",
            str(settings.data_dir),
            "--database-url",
            settings.database_url,
            *extra,
        ],
        env={},
    )
    return result.exit_code, result.stdout + result.stderr


def first_bad_seq(output: str) -> int:
    found = re.search(r"TAMPERED at seq (\d+)", output)
    assert found, output
    return int(found.group(1))


@pytest.fixture
def log(vault: Settings) -> Settings:
    append(vault, TENANT_A, EVENTS, sign_every=SIGN_EVERY)
    append(vault, TENANT_B, 3, sign_every=3)
    return vault


def test_an_intact_log_verifies_with_a_one_line_summary(log: Settings) -> None:
    code, output = verify(log)
    assert code == 0, output
    lines = output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("audit log intact: 2 tenant(s), 23 events, 3 signed heads")


def test_verify_checks_one_tenant_when_asked(log: Settings) -> None:
    code, output = verify(log, "--tenant", TENANT_B)
    assert code == 0, output
    assert "1 tenant(s), 3 events" in output


def test_an_edited_event_is_named(log: Settings) -> None:
    execute(log, "UPDATE audit_log_events SET actor_id = 'someone-else' WHERE seq = 5")
    code, output = verify(log)
    assert code == 1
    assert first_bad_seq(output) == 5
    assert TENANT_A in output


def test_an_edit_that_recomputes_the_leaf_hash_is_still_named(log: Settings) -> None:
    """The edit is consistent with the public hashing; the entry MAC, keyed by a secret
    the database does not hold, is what gives it away."""
    tenant = tenant_id(log, TENANT_A)
    columns = ", ".join(FIELDS)
    with raw_database(log) as db:
        row = db.execute(
            text(f"SELECT {columns} FROM audit_log_events WHERE tenant_id = :t AND seq = 11"),  # noqa: S608 - fixed column names
            {"t": tenant},
        ).one()
        forged = list(row)
        forged[FIELDS.index("outcome")] = "denied"
        db.execute(
            text(
                "UPDATE audit_log_events SET outcome = 'denied', leaf_hash = :leaf"
                " WHERE tenant_id = :t AND seq = 11"
            ),
            {"t": tenant, "leaf": merkle.leaf_hash(encode_event(forged))},
        )
    code, output = verify(log)
    assert code == 1
    assert first_bad_seq(output) == 11


def test_a_deleted_event_is_named(log: Settings) -> None:
    execute(
        log,
        "DELETE FROM audit_log_events WHERE seq = 3 AND tenant_id = :t",
        t=tenant_id(log, TENANT_A),
    )
    code, output = verify(log)
    assert code == 1
    assert first_bad_seq(output) == 3


def test_a_reordering_is_named(log: Settings) -> None:
    tenant = tenant_id(log, TENANT_A)
    execute(log, "UPDATE audit_log_events SET seq = -1 WHERE tenant_id = :t AND seq = 6", t=tenant)
    execute(log, "UPDATE audit_log_events SET seq = 6 WHERE tenant_id = :t AND seq = 7", t=tenant)
    execute(log, "UPDATE audit_log_events SET seq = 7 WHERE tenant_id = :t AND seq = -1", t=tenant)
    code, output = verify(log)
    assert code == 1
    assert first_bad_seq(output) == 6


def test_an_inserted_event_is_named(log: Settings) -> None:
    """Make room at seq 9 by renumbering the rest, then insert a plausible event."""
    tenant = tenant_id(log, TENANT_A)
    for seq in range(EVENTS - 1, 8, -1):
        execute(
            log,
            "UPDATE audit_log_events SET seq = :new WHERE tenant_id = :t AND seq = :old",
            t=tenant,
            new=seq + 1,
            old=seq,
        )
    _insert_forged_event(log, tenant, seq=9)
    code, output = verify(log)
    assert code == 1
    assert first_bad_seq(output) == 9


def test_an_event_appended_behind_the_logs_back_is_named(log: Settings) -> None:
    tenant = tenant_id(log, TENANT_A)
    _insert_forged_event(log, tenant, seq=EVENTS)
    code, output = verify(log)
    assert code == 1
    assert first_bad_seq(output) == EVENTS


def test_a_truncated_tail_is_named(log: Settings) -> None:
    execute(
        log,
        "DELETE FROM audit_log_events WHERE tenant_id = :t AND seq >= 12",
        t=tenant_id(log, TENANT_A),
    )
    code, output = verify(log)
    assert code == 1
    assert first_bad_seq(output) == 12


def test_a_truncation_that_also_rewrites_the_head_fails_against_the_last_verified_head(
    log: Settings,
) -> None:
    """Cut the tail, its signed heads and fix up the log head row: the database is then
    self-consistent, but the checkpoint verify keeps outside the database is not."""
    assert verify(log)[0] == 0  # leaves a checkpoint at the newest signed head (size 16)
    tenant = tenant_id(log, TENANT_A)
    with raw_database(log) as db:
        frontier = merkle.Frontier.empty()
        leaves = db.execute(
            text("SELECT leaf_hash FROM audit_log_events WHERE tenant_id = :t ORDER BY seq"),
            {"t": tenant},
        ).scalars()
        for leaf in list(leaves)[:8]:
            frontier.append(bytes(leaf))
        db.execute(
            text("DELETE FROM audit_log_events WHERE tenant_id = :t AND seq >= 8"), {"t": tenant}
        )
        db.execute(
            text("DELETE FROM audit_tree_heads WHERE tenant_id = :t AND tree_size > 8"),
            {"t": tenant},
        )
        db.execute(
            text(
                "DELETE FROM audit_log_nodes WHERE tenant_id = :t AND (idx + 1) * "
                "(CASE level WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 8 ELSE 16 END)"
                " > 8"
            ),
            {"t": tenant},
        )
        db.execute(
            text(
                "UPDATE audit_logs SET size = 8, signed_size = 8, frontier = :f"
                " WHERE tenant_id = :t"
            ),
            {"t": tenant, "f": frontier.to_bytes()},
        )
    code, output = verify(log)
    assert code == 1
    assert "no longer extends the head of size 16" in output


def test_a_replaced_signed_head_is_caught(log: Settings) -> None:
    execute(
        log,
        "UPDATE audit_tree_heads SET root_hash = :root WHERE tenant_id = :t AND tree_size = 8",
        t=tenant_id(log, TENANT_A),
        root=bytes(32),
    )
    code, output = verify(log)
    assert code == 1
    assert "signed head at size 8" in output


def test_a_head_re_signed_with_a_key_swapped_into_the_database_is_caught(log: Settings) -> None:
    """The forger can make a key pair and sign, but cannot wrap the private half with the
    root key, so the swapped key does not check out."""
    tenant = tenant_id(log, TENANT_A)
    forger = Ed25519PrivateKey.generate()
    public = forger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with raw_database(log) as db:
        key_id, timestamp = db.execute(
            text(
                "SELECT key_id, timestamp_ms FROM audit_tree_heads"
                " WHERE tenant_id = :t AND tree_size = 8"
            ),
            {"t": tenant},
        ).one()
        root = bytes(32)
        signature = forger.sign(tree_head_message(tenant, 8, timestamp, root))
        db.execute(
            text("UPDATE audit_signing_keys SET public_key = :p WHERE id = :k"),
            {"p": public, "k": key_id},
        )
        db.execute(
            text(
                "UPDATE audit_tree_heads SET root_hash = :r, signature = :s"
                " WHERE tenant_id = :t AND tree_size = 8"
            ),
            {"r": root, "s": signature, "t": tenant},
        )
    code, output = verify(log)
    assert code == 1
    assert "signing key was replaced" in output


def test_a_corrupted_stored_subtree_is_caught(log: Settings) -> None:
    """Proofs are served from stored subtrees, so those are checked too."""
    execute(
        log,
        "UPDATE audit_log_nodes SET hash = :h WHERE tenant_id = :t AND level = 2 AND idx = 1",
        t=tenant_id(log, TENANT_A),
        h=bytes(32),
    )
    code, output = verify(log)
    assert code == 1
    assert first_bad_seq(output) == 4
    assert "subtree" in output


def test_other_tenants_are_still_reported_intact_when_one_is_tampered(log: Settings) -> None:
    execute(
        log,
        "UPDATE audit_log_events SET action = 'call:create' WHERE tenant_id = :t AND seq = 0",
        t=tenant_id(log, TENANT_B),
    )
    code, output = verify(log)
    assert code == 1
    assert f"tenant {TENANT_B}: TAMPERED at seq 0" in output
    assert f"tenant {TENANT_A}:" not in output


def _insert_forged_event(settings: Settings, tenant: str, *, seq: int) -> None:
    values = {
        "tenant_id": tenant,
        "seq": seq,
        "at_ms": 1_700_000_000_000,
        "actor_type": "user",
        "actor_id": "forged",
        "action": "call:read",
        "resource_type": "call",
        "resource_id": "call-x",
        "outcome": "allowed",
        "source_ip": None,
        "user_agent": None,
        "request_id": None,
        "reason": None,
        "hashed_terms": None,
    }
    leaf = merkle.leaf_hash(encode_event([values[name] for name in FIELDS]))
    columns = ", ".join((*FIELDS, "leaf_hash", "entry_mac"))
    placeholders = ", ".join(f":{name}" for name in (*FIELDS, "leaf_hash", "entry_mac"))
    execute(
        settings,
        f"INSERT INTO audit_log_events ({columns}) VALUES ({placeholders})",  # noqa: S608
        **values,
        leaf_hash=leaf,
        entry_mac=bytes(32),
    )

"""``callvault audit export``: the audit trail as JSON lines or CEF for a SIEM, complete,
in order, resumable without gaps or duplicates, and immune to log injection."""

from __future__ import annotations

import errno
import io
import json
import re
import stat
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from callvault.audit import merkle
from callvault.audit.encoding import encode_event
from callvault.audit.models import AuditEvent
from callvault.audit.schemas import iso_ms
from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.audit.siem.cursor import CursorFile
from callvault.audit.siem.events import ExportedEvent
from callvault.audit.siem.export import ExportRequest, LineSink, export_events
from callvault.audit.siem.format import cef_extension_value, cef_header_field
from callvault.authz.principal import system_principal
from callvault.cli.main import app
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.calls.factories import call_payload

# What a hostile client can put in a User-Agent (HTTP stacks refuse CR/LF, other
# paths into the log may not): CEF delimiters, a backslash, a forged line, ANSI colour.
HOSTILE_AGENT = "evil|agent=1 \\path\r\nCEF:0|forged|line\x1b[31mred\x1b[0m \u2028end"


def audit_cli(settings: Settings, *args: str) -> Result:
    where = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    return CliRunner().invoke(app, ["audit", *args, *where], env={})


def make_traffic(client: TestClient, auth: TokenFactory, tenant: str = TENANT_A) -> None:
    """Real API calls: creates, reads, a PHI search (hashed terms), a 404 and a 403."""
    writer, reader = auth("integration", tenant), auth("supervisor", tenant)
    ids = []
    for _ in range(2):
        response = client.post("/api/v1/calls", json=call_payload(), headers=writer)
        assert response.status_code == 201
        ids.append(response.json()["id"])
    for call_id in ids:
        assert client.get(f"/api/v1/calls/{call_id}", headers=reader).status_code == 200
    search = client.get("/api/v1/calls", params={"caller_number": "2025550147"}, headers=reader)
    assert search.status_code == 200
    assert client.get(f"/api/v1/calls/{'0' * 32}", headers=reader).status_code == 404
    marketing = auth("marketing", tenant)
    assert client.get(f"/api/v1/calls/{ids[0]}/transcript", headers=marketing).status_code == 403


def record_hostile(settings: Settings, tenant: str = TENANT_A) -> None:
    with open_keyring(settings) as (session, _):
        principal = system_principal(get_tenant(session, tenant).id, "synthetic-probe", [])
        for outcome in (Outcome.ALLOWED, Outcome.DENIED):
            record_event(
                session, principal, "call:read", resource_type="call",
                resource_id="id|with=delims", outcome=outcome,
                request=RequestInfo(source_ip="2001:db8::7", user_agent=HOSTILE_AGENT),
                reason="line one\nline two",
            )  # fmt: skip
        session.commit()


def stored(settings: Settings, tenant: str = TENANT_A) -> list[AuditEvent]:
    with open_keyring(settings) as (session, _):
        tenant_id = get_tenant(session, tenant).id
        stmt = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
        return list(session.execute(stmt.order_by(AuditEvent.seq)).scalars())


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("ascii").splitlines()]


def at_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000 + 0.5)


def leaf_from_line(line: dict[str, object]) -> bytes:
    """Recompute the leaf hash from the exported fields alone: the line carries every
    field, exactly, so a SIEM can check it against a signed tree head."""
    terms = line["hashed_terms"]
    assert isinstance(terms, list)
    values = [
        line["tenant_id"], line["seq"], at_ms(str(line["at"])), line["actor_type"],
        line["actor_id"], line["action"], line["resource_type"], line["resource_id"],
        line["outcome"], line["source_ip"], line["user_agent"], line["request_id"],
        line["reason"], " ".join(terms) or None,
    ]  # fmt: skip
    return merkle.leaf_hash(encode_event(values))


# -- JSON lines -----------------------------------------------------------------


def test_export_writes_every_event_once_in_order_with_every_field(
    vault: Settings, client: TestClient, auth: TokenFactory, tmp_path: Path
) -> None:
    make_traffic(client, auth)
    make_traffic(client, auth, TENANT_B)
    out = tmp_path / "audit.jsonl"

    result = audit_cli(vault, "export", "--tenant", TENANT_A, "--output", str(out))

    assert result.exit_code == 0, result.stderr
    lines, rows = read_jsonl(out), stored(vault)
    assert [line["seq"] for line in lines] == [row.seq for row in rows] == list(range(len(rows)))
    for line, row in zip(lines, rows, strict=True):
        assert line["tenant"] == TENANT_A and line["tenant_id"] == row.tenant_id
        assert line["at"] == iso_ms(row.at_ms) and at_ms(str(line["at"])) == row.at_ms
        assert (line["actor_type"], line["actor_id"], line["action"]) == (
            row.actor_type, row.actor_id, row.action,
        )  # fmt: skip
        assert (line["resource_type"], line["resource_id"], line["outcome"]) == (
            row.resource_type, row.resource_id, row.outcome,
        )  # fmt: skip
        assert (line["source_ip"], line["user_agent"], line["request_id"]) == (
            row.source_ip, row.user_agent, row.request_id,
        )  # fmt: skip
        assert line["leaf_hash"] == row.leaf_hash.hex()
        assert leaf_from_line(line) == row.leaf_hash
    assert {"allowed", "denied", "not_found"} <= {line["outcome"] for line in lines}
    (search,) = [line for line in lines if line["action"] == "call:search"]
    assert search["hashed_terms"] and all(
        re.fullmatch(r"hmac-sha256:[0-9a-f]{64}", str(term)) for term in search["hashed_terms"]
    )
    assert "2025550147" not in out.read_text("ascii")
    export_event = lines[-1]
    assert export_event["action"] == "audit:export" and export_event["actor_type"] == "system"
    assert str(export_event["actor_id"]).startswith("cli:")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert f"exported {len(lines)} audit events of 1 tenant(s)" in result.stderr


def test_checkpoint_resumes_without_gap_or_duplicate_while_events_arrive(
    vault: Settings, client: TestClient, auth: TokenFactory, tmp_path: Path
) -> None:
    siem = tmp_path / "siem"
    siem.mkdir()
    out, checkpoint = siem / "audit.jsonl", siem / "export.cursor.json"
    args = ("export", "--tenant", TENANT_A, "--output", str(out), "--checkpoint", str(checkpoint))
    make_traffic(client, auth)
    first = audit_cli(vault, *args)
    assert first.exit_code == 0, first.stderr
    exported_first = len(read_jsonl(out))

    make_traffic(client, auth)
    second = audit_cli(vault, *args)

    assert second.exit_code == 0, second.stderr
    lines, rows = read_jsonl(out), stored(vault)
    assert len(lines) > exported_first
    assert [line["seq"] for line in lines] == list(range(len(rows)))  # no gap, no repeat
    assert [line["action"] for line in lines].count("audit:export") == 2
    cursor = json.loads(checkpoint.read_text())["tenants"][rows[0].tenant_id]
    assert cursor == {
        "tenant": TENANT_A,
        "last_seq": rows[-1].seq,
        "leaf_hash": rows[-1].leaf_hash.hex(),
    }
    assert stat.S_IMODE(checkpoint.stat().st_mode) == 0o600
    assert sorted(p.name for p in siem.iterdir()) == ["audit.jsonl", "export.cursor.json"]


def test_without_a_tenant_every_tenant_is_exported_with_its_own_cursor(
    vault: Settings, client: TestClient, auth: TokenFactory, tmp_path: Path
) -> None:
    make_traffic(client, auth, TENANT_A)
    make_traffic(client, auth, TENANT_B)
    out, checkpoint = tmp_path / "audit.jsonl", tmp_path / "cursor.json"
    args = ("export", "--output", str(out), "--checkpoint", str(checkpoint))

    assert audit_cli(vault, *args).exit_code == 0
    assert audit_cli(vault, *args).exit_code == 0  # nothing new but its own audit:export

    lines = read_jsonl(out)
    cursors = json.loads(checkpoint.read_text())["tenants"]
    for tenant in (TENANT_A, TENANT_B):
        rows = stored(vault, tenant)
        mine = [line for line in lines if line["tenant"] == tenant]
        assert [line["seq"] for line in mine] == list(range(len(rows)))
        assert [row.action for row in rows].count("audit:export") == 2  # one per run
        assert mine[-1]["action"] == "audit:export"
        assert cursors[rows[0].tenant_id]["last_seq"] == rows[-1].seq


def test_since_seq_and_limit_bound_what_is_written_to_stdout(
    vault: Settings, client: TestClient, auth: TokenFactory
) -> None:
    make_traffic(client, auth)

    bounded = audit_cli(vault, "export", "--tenant", TENANT_A, "--since-seq", "3", "--limit", "4")
    rest = audit_cli(vault, "export", "--tenant", TENANT_A, "--since-seq", "5", "-o", "-")
    beyond = audit_cli(vault, "export", "--tenant", TENANT_A, "--since-seq", "100000")
    negative = audit_cli(vault, "export", "--tenant", TENANT_A, "--since-seq", "-1")

    assert bounded.exit_code == rest.exit_code == beyond.exit_code == 0
    assert [json.loads(x)["seq"] for x in bounded.stdout.splitlines()] == [3, 4, 5, 6]
    last = stored(vault)[-1].seq
    assert [json.loads(x)["seq"] for x in rest.stdout.splitlines()] == list(range(5, last))
    assert beyond.stdout == "" and "exported 0 audit events" in beyond.stderr
    assert negative.exit_code == 2


class DiskFillsUp(LineSink):
    """Takes ``room`` batches, then fails like a full disk."""

    def __init__(self, room: int) -> None:
        self.buffer = io.BytesIO()
        super().__init__(self.buffer, owned=False)
        self.room = room

    def send(self, batch: Sequence[ExportedEvent]) -> None:
        if self.room == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= 1
        super().send(batch)


def test_a_failed_write_leaves_the_checkpoint_at_the_last_written_batch(
    vault: Settings, client: TestClient, auth: TokenFactory, tmp_path: Path
) -> None:
    make_traffic(client, auth)
    checkpoint = CursorFile(tmp_path / "cursor.json", "")
    request = ExportRequest(tenant=TENANT_A, batch_size=3)
    full = DiskFillsUp(room=2)

    with open_keyring(vault) as (session, _), pytest.raises(OSError):
        export_events(session, request, full, checkpoint, lambda s, t: None)
    (position,) = checkpoint.load().values()
    assert position.last_seq == 5  # two batches of three made it; the third did not
    resumed = DiskFillsUp(room=100)
    with open_keyring(vault) as (session, _):
        export_events(session, request, resumed, checkpoint, lambda s, t: None)

    lines = (full.buffer.getvalue() + resumed.buffer.getvalue()).decode().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == list(range(len(stored(vault))))


# -- log injection and CEF ------------------------------------------------------


def test_control_characters_in_fields_come_out_escaped_in_json(
    vault: Settings, tmp_path: Path
) -> None:
    record_hostile(vault)
    out = tmp_path / "audit.jsonl"

    assert audit_cli(vault, "export", "--tenant", TENANT_A, "-o", str(out)).exit_code == 0

    raw = out.read_bytes()
    assert raw.count(b"\n") == len(stored(vault))  # no forged line breaks
    assert not re.search(rb"[\x00-\x09\x0b-\x1f\x7f-\xff]", raw)
    probes = [line for line in read_jsonl(out) if line["actor_id"] == "synthetic-probe"]
    assert [line["user_agent"] for line in probes] == [HOSTILE_AGENT] * 2  # lossless


def parse_cef(line: str) -> tuple[list[str], dict[str, str]]:
    """A strict reader of the CEF:0 escaping rules, to check what we write."""
    header: list[str] = []
    current, i = "", 0
    while len(header) < 7:
        char = line[i]
        if char == "\\":
            assert line[i + 1] in "\\|", f"bad header escape at {i}"
            current, i = current + line[i + 1], i + 2
        elif char == "|":
            header, current, i = [*header, current], "", i + 1
        else:
            current, i = current + char, i + 1
    # A separator is an "=" after an even run of backslashes (none, or escaped ones);
    # re.split hands the run back, and it belongs to the text before the "=".
    segments = re.split(r"(?<!\\)((?:\\\\)*)=", line[i:])
    texts, runs = segments[0::2], segments[1::2]
    parts = [text + run for text, run in zip(texts, runs, strict=False)] + [texts[-1]]
    pairs, key = {}, parts[0]
    for segment in parts[1:-1]:
        value, _, next_key = segment.rpartition(" ")
        pairs[key], key = _cef_unescape(value), next_key
    pairs[key] = _cef_unescape(parts[-1])
    return header, pairs


def _cef_unescape(value: str) -> str:
    escapes = {"n": "\n", "r": "\r", "\\": "\\", "=": "="}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], value)


def test_cef_lines_escape_delimiters_and_neutralise_control_characters(
    vault: Settings, tmp_path: Path
) -> None:
    record_hostile(vault)
    out = tmp_path / "audit.cef"

    result = audit_cli(vault, "export", "--tenant", TENANT_A, "--format", "cef", "-o", str(out))

    assert result.exit_code == 0, result.stderr
    text = out.read_text("utf-8")
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", text)
    lines = text.splitlines()
    assert len(lines) == len(stored(vault))
    parsed = [parse_cef(line) for line in lines]
    probes = [(h, ext) for h, ext in parsed if ext.get("suid") == "synthetic-probe"]
    assert len(probes) == 2
    shown = HOSTILE_AGENT.replace("\x1b", "\\u001b").replace("\u2028", "\\u2028")
    for header, ext in probes:
        assert header[:5] == ["CEF:0", "CallVault", "CallVault", header[3], "call:read"]
        assert ext["requestClientApplication"] == shown
        assert ext["reason"] == "line one\nline two"
        assert ext["cs5Label"] == "resourceId" and ext["cs5"] == "id|with=delims"
        assert ext["c6a2"] == "2001:db8::7" and ext["act"] == "call:read"
    severities = {ext["outcome"]: int(h[6]) for h, ext in probes}
    assert severities["denied"] > severities["allowed"]
    export_header, export_ext = parsed[-1]
    assert export_header[4] == "audit:export" and export_ext["cn1"] == str(len(lines) - 1)


@pytest.mark.parametrize(
    ("raw", "header", "extension"),
    [
        ("plain text", "plain text", "plain text"),
        ("a|b", "a\\|b", "a|b"),
        ("a=b", "a=b", "a\\=b"),
        ("back\\slash", "back\\\\slash", "back\\\\slash"),
        ("cr\rlf\n", "cr\\\\u000dlf\\\\u000a", "cr\\rlf\\n"),
        ("\x1b[31m", "\\\\u001b[31m", "\\\\u001b[31m"),
        ("\x9b2J\x7f", "\\\\u009b2J\\\\u007f", "\\\\u009b2J\\\\u007f"),
        ("caf\u00e9 \u2028", "caf\u00e9 \\\\u2028", "caf\u00e9 \\\\u2028"),
    ],
)
def test_cef_escaping_table(raw: str, header: str, extension: str) -> None:
    assert cef_header_field(raw) == header
    assert cef_extension_value(raw) == extension


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "1970-01-01T00:00:00.000Z"),
        (1772460000123, "2026-03-02T14:00:00.123Z"),
        (1772460000999, "2026-03-02T14:00:00.999Z"),
        (1772460001001, "2026-03-02T14:00:01.001Z"),
    ],
)
def test_timestamps_are_utc_with_exact_milliseconds(ms: int, text: str) -> None:
    assert iso_ms(ms) == text


# -- refusals -------------------------------------------------------------------


def test_a_checkpoint_that_does_not_fit_the_log_is_refused_before_anything_is_read(
    vault: Settings, client: TestClient, auth: TokenFactory, tmp_path: Path
) -> None:
    make_traffic(client, auth)
    out, checkpoint = tmp_path / "audit.jsonl", tmp_path / "cursor.json"
    args = ("export", "--tenant", TENANT_A, "-o", str(out), "--checkpoint", str(checkpoint))
    assert audit_cli(vault, *args).exit_code == 0
    document = json.loads(checkpoint.read_text())
    for cursor in document["tenants"].values():
        cursor["leaf_hash"] = "00" * 32  # as after restoring an older database
    checkpoint.write_text(json.dumps(document))
    before, events_before = out.read_bytes(), len(stored(vault))

    result = audit_cli(vault, *args)

    assert result.exit_code == 2
    assert "does not match its audit log" in result.stderr and "--since-seq" in result.stderr
    assert out.read_bytes() == before
    assert len(stored(vault)) == events_before  # nothing read, so nothing recorded


@pytest.mark.parametrize("content", ["not json", '{"tenants": {"x": {"last_seq": "a"}}}', "[]"])
def test_a_damaged_checkpoint_is_an_error_not_a_fresh_start(
    vault: Settings, tmp_path: Path, content: str
) -> None:
    checkpoint = tmp_path / "cursor.json"
    checkpoint.write_text(content)

    result = audit_cli(vault, "export", "--checkpoint", str(checkpoint), "-o", "-")

    assert result.exit_code == 2
    assert "is not a CallVault cursor file" in result.stderr
    assert result.stdout == ""


def test_an_unknown_tenant_is_an_error(vault: Settings) -> None:
    result = audit_cli(vault, "export", "--tenant", "no-such-clinic")

    assert result.exit_code == 2 and "no such tenant" in result.stderr

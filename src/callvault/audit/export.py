"""Exporting the audit trail to a SIEM: JSON lines or ArcSight CEF, resumable.

Reading: each tenant's events in ``seq`` order, in batches, each batch in its own short
transaction (on SQLite every transaction takes the write lock, so a long read would
stall the API), up to the log size seen when the export began: memory stays constant
and an export always ends.

Delivery is at least once: a cursor (``CursorFile``: per tenant, the last ``seq`` and
its leaf hash) moves only after the lines it covers are flushed and fsync'd, so a crash
re-sends the last batch and never skips one. The stored leaf hash catches a cursor that
no longer fits its log (a restored database), which would otherwise skip events quietly.

Log injection: JSON escapes every control and non-ASCII character; CEF and syslog have
escapes only for their delimiters and newlines, so every other control character
(ANSI escapes included) is written as the text ``\\uXXXX`` (see ``visible``).
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata
from ipaddress import IPv4Address, ip_address
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.audit.models import READABLE_COLUMNS, AuditEvent
from callvault.audit.proofs import current_size
from callvault.audit.schemas import iso_ms
from callvault.errors import Conflict, InvalidInput
from callvault.fsutil import fsync_dir, write_atomically
from callvault.tenants.models import Tenant
from callvault.tenants.service import get_tenant

BATCH_SIZE = 500

# Records that the audit log was read for a tenant; raises if it cannot (fail closed).
RecordRead = Callable[[Session, str], None]


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CEF = "cef"


@dataclass(frozen=True)
class TenantRef:
    id: str
    name: str


@dataclass(frozen=True)
class ExportedEvent:
    """One audit event as it leaves CallVault: ids, outcomes and keyed hashes only."""

    tenant: TenantRef
    seq: int
    at_ms: int
    actor_type: str
    actor_id: str
    action: str
    resource_type: str
    resource_id: str | None
    outcome: str
    source_ip: str | None
    user_agent: str | None
    request_id: str | None
    reason: str | None
    hashed_terms: tuple[str, ...]
    leaf_hash: bytes


# -- reading --------------------------------------------------------------------

_COLUMNS = READABLE_COLUMNS


def list_tenants(session: Session, name: str | None = None) -> list[TenantRef]:
    """One tenant by name, or every tenant (by name)."""
    if name is not None:
        tenant = get_tenant(session, name)
        return [TenantRef(tenant.id, tenant.name)]
    rows = session.execute(select(Tenant.id, Tenant.name).order_by(Tenant.name))
    return [TenantRef(tenant_id, tenant_name) for tenant_id, tenant_name in rows]


def read_batches(
    session: Session,
    tenant: TenantRef,
    after_seq: int,
    *,
    upto: int | None = None,
    limit: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[ExportedEvent]]:
    """The tenant's events with ``after_seq < seq < upto``, at most ``limit``, in order.

    Each batch is read in its own transaction, ended before the batch is handed out."""
    left = limit
    while left is None or left > 0:
        size = batch_size if left is None else min(batch_size, left)
        stmt = select(*_COLUMNS).where(
            AuditEvent.tenant_id == tenant.id, AuditEvent.seq > after_seq
        )
        if upto is not None:
            stmt = stmt.where(AuditEvent.seq < upto)
        rows = session.execute(stmt.order_by(AuditEvent.seq).limit(size)).all()
        session.rollback()
        if not rows:
            return
        batch = [_event(tenant, row) for row in rows]
        yield batch
        after_seq = batch[-1].seq
        left = None if left is None else left - len(batch)


def _event(tenant: TenantRef, row: Sequence[Any]) -> ExportedEvent:
    seq, at_ms, actor_type, actor_id, action, rtype, rid, outcome, *rest = row
    source_ip, user_agent, request_id, reason, terms, leaf = rest
    return ExportedEvent(
        tenant=tenant,
        seq=int(seq),
        at_ms=int(at_ms),
        actor_type=str(actor_type),
        actor_id=str(actor_id),
        action=str(action),
        resource_type=str(rtype),
        resource_id=_text(rid),
        outcome=str(outcome),
        source_ip=_text(source_ip),
        user_agent=_text(user_agent),
        request_id=_text(request_id),
        reason=_text(reason),
        hashed_terms=tuple(str(terms).split()) if terms else (),
        leaf_hash=bytes(leaf),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# -- formatting -----------------------------------------------------------------


def is_control(char: str) -> bool:
    code = ord(char)
    # C0, DEL, C1 (0x9b is an 8-bit ANSI CSI), and the Unicode line/paragraph separators.
    return code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029)


def visible(char: str) -> str:
    """A control character as inert text, e.g. ESC -> ``\\u001b``."""
    return f"\\u{ord(char):04x}"


def json_line(event: ExportedEvent) -> str:
    """One JSON object; ``ensure_ascii`` escapes every control and non-ASCII character."""
    return json.dumps(event_record(event), ensure_ascii=True, separators=(",", ":"))


def event_record(event: ExportedEvent) -> dict[str, Any]:
    """The exported fields of an event, by name (JSON lines and syslog share them)."""
    return {
        "tenant": event.tenant.name,
        "tenant_id": event.tenant.id,
        "seq": event.seq,
        "at": iso_ms(event.at_ms),
        "actor_type": event.actor_type,
        "actor_id": event.actor_id,
        "action": event.action,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "outcome": event.outcome,
        "source_ip": event.source_ip,
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "reason": event.reason,
        "hashed_terms": list(event.hashed_terms),
        "leaf_hash": event.leaf_hash.hex(),
    }


_CEF_HEADER = {"\\": "\\\\", "|": "\\|"}
_CEF_EXTENSION = {"\\": "\\\\", "=": "\\=", "\n": "\\n", "\r": "\\r"}
# Higher is worse (CEF severity 0-10): a refusal is what an analyst looks at first.
CEF_SEVERITY = {"allowed": 3, "not_found": 5, "error": 6, "denied": 7}


def _escape(text: str, table: dict[str, str]) -> str:
    out = []
    for char in text:
        if char in table:
            out.append(table[char])
        elif is_control(char):
            out.append("\\" + visible(char))  # the backslash itself escaped, as CEF wants
        else:
            out.append(char)
    return "".join(out)


def cef_header_field(text: str) -> str:
    """Escape ``\\`` and ``|``; newlines are not allowed in the header at all."""
    return _escape(text, _CEF_HEADER)


def cef_extension_value(text: str) -> str:
    """Escape ``\\``, ``=``, CR and LF (the spec's only escapes in extension values)."""
    return _escape(text, _CEF_EXTENSION)


def _product_version() -> str:
    try:
        return metadata.version("callvault")
    except metadata.PackageNotFoundError:
        return "0"


def cef_line(event: ExportedEvent) -> str:
    """``CEF:0|CallVault|CallVault|version|action|action outcome|severity|extensions``."""
    header = [
        "CallVault",
        "CallVault",
        _product_version(),
        event.action,
        f"{event.action} {event.outcome}",
        str(CEF_SEVERITY.get(event.outcome, 6)),
    ]
    extension = " ".join(
        f"{key}={cef_extension_value(value)}" for key, value in _cef_extensions(event)
    )
    return "CEF:0|" + "|".join(cef_header_field(part) for part in header) + "|" + extension


def _cef_extensions(event: ExportedEvent) -> Iterator[tuple[str, str]]:
    yield "rt", str(event.at_ms)
    yield "act", event.action
    yield "outcome", event.outcome
    yield "suid", event.actor_id
    yield from _labelled("cs1", "actorType", event.actor_type)
    yield from _labelled("cs2", "tenant", event.tenant.name)
    yield from _labelled("cs3", "tenantId", event.tenant.id)
    yield from _labelled("cs4", "resourceType", event.resource_type)
    yield from _labelled("cs5", "resourceId", event.resource_id)
    yield from _labelled("cs6", "requestId", event.request_id)
    yield from _labelled("cn1", "seq", str(event.seq))
    yield from _source_address(event.source_ip)
    if event.user_agent is not None:
        yield "requestClientApplication", event.user_agent
    if event.reason is not None:
        yield "reason", event.reason
    yield from _labelled("flexString1", "hashedTerms", " ".join(event.hashed_terms) or None)
    yield from _labelled("flexString2", "leafHash", event.leaf_hash.hex())


def _labelled(key: str, label: str, value: str | None) -> Iterator[tuple[str, str]]:
    if value is not None:
        yield f"{key}Label", label
        yield key, value


def _source_address(source_ip: str | None) -> Iterator[tuple[str, str]]:
    """``src`` holds IPv4 only; IPv6 goes to ``c6a2``; a name (no address) to ``shost``."""
    if source_ip is None:
        return
    try:
        address = ip_address(source_ip)
    except ValueError:
        yield "shost", source_ip
        return
    if isinstance(address, IPv4Address):
        yield "src", source_ip
    else:
        yield from _labelled("c6a2", "Source IPv6 Address", source_ip)


FORMATTERS: dict[ExportFormat, Callable[[ExportedEvent], str]] = {
    ExportFormat.JSONL: json_line,
    ExportFormat.CEF: cef_line,
}


# -- cursors --------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """How far a consumer got in one tenant's log: the last ``seq`` it has, and that
    event's leaf hash (so a cursor that no longer fits its log is noticed)."""

    last_seq: int
    leaf_hash: str
    tenant: str = ""

    @classmethod
    def after(cls, event: ExportedEvent) -> Position:
        return cls(event.seq, event.leaf_hash.hex(), event.tenant.name)


class CursorFile:
    """Per-tenant positions in a small JSON file (mode 0600), replaced atomically."""

    def __init__(self, path: Path, hint: str) -> None:
        self.path = path
        self.hint = hint  # what the operator can do when the cursor does not fit

    def load(self) -> dict[str, Position]:
        try:
            document = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise InvalidInput(f"cannot read {self.path}: {exc.strerror}") from None
        except ValueError:
            raise InvalidInput(f"{self.path} is not a CallVault cursor file") from None
        try:
            return {
                tenant_id: Position(
                    int(entry["last_seq"]), str(entry["leaf_hash"]), entry["tenant"]
                )
                for tenant_id, entry in document["tenants"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidInput(f"{self.path} is not a CallVault cursor file") from None

    def save(self, positions: dict[str, Position]) -> None:
        tenants = {
            tenant_id: {"tenant": p.tenant, "last_seq": p.last_seq, "leaf_hash": p.leaf_hash}
            for tenant_id, p in sorted(positions.items())
        }
        document = json.dumps({"version": 1, "tenants": tenants}, indent=2) + "\n"
        write_atomically(self.path, document.encode("utf-8"))

    def check(self, session: Session, tenant: TenantRef, position: Position) -> None:
        """Refuse a cursor whose event is gone or different: resuming from it would skip
        (or repeat) events without anyone noticing."""
        stored = session.execute(
            select(AuditEvent.leaf_hash).where(
                AuditEvent.tenant_id == tenant.id, AuditEvent.seq == position.last_seq
            )
        ).scalar_one_or_none()
        session.rollback()
        if stored is None or bytes(stored).hex() != position.leaf_hash:
            raise Conflict(
                f"the cursor for tenant {tenant.name} in {self.path} does not match its audit"
                f" log (a restored or a different database?); {self.hint}"
            )


# -- exporting ------------------------------------------------------------------


class LineSink:
    """Where exported lines go; ``write_lines`` returns once they are flushed and, for a
    regular file, fsync'd: only then may a cursor move past them."""

    def __init__(self, stream: IO[bytes], *, owned: bool) -> None:
        self._stream = stream
        self._owned = owned

    @classmethod
    def append_to(cls, path: Path) -> LineSink:
        """Append (never truncate: an earlier run's lines stay, so a resumed export into
        the same file has no gap), creating the file 0600."""
        created = not path.exists()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
        if created:
            fsync_dir(path.parent)
        return cls(os.fdopen(fd, "ab"), owned=True)

    @classmethod
    def stdout(cls) -> LineSink:
        sys.stdout.flush()
        return cls(sys.stdout.buffer, owned=False)

    def write_lines(self, lines: Iterable[str]) -> None:
        self._stream.write(b"".join(line.encode("utf-8") + b"\n" for line in lines))
        self._stream.flush()
        try:
            fd = self._stream.fileno()
        except (AttributeError, OSError, ValueError):
            return  # an in-memory stream (a test harness): nothing to sync
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fsync(fd)

    def close(self) -> None:
        if self._owned:
            self._stream.close()


@dataclass(frozen=True)
class ExportRequest:
    tenant: str | None = None
    since_seq: int | None = None  # first seq to export (inclusive); else the cursor's next
    limit: int | None = None  # at most this many events per tenant
    fmt: ExportFormat = ExportFormat.JSONL
    batch_size: int = BATCH_SIZE


@dataclass(frozen=True)
class ExportSummary:
    tenants: int
    events: int


def export_events(
    session: Session,
    request: ExportRequest,
    sink: LineSink,
    checkpoint: CursorFile | None,
    record_read: RecordRead,
) -> ExportSummary:
    """Write each selected tenant's events after its starting point, recording one
    ``audit:export`` event per tenant first (it is part of what gets exported)."""
    positions = checkpoint.load() if checkpoint is not None else {}
    tenants = list_tenants(session, request.tenant)
    session.rollback()
    starts = {t.id: _start_after(session, t, request, positions, checkpoint) for t in tenants}
    format_line = FORMATTERS[request.fmt]
    exported = 0
    for tenant in tenants:
        record_read(session, tenant.id)
        session.commit()
        upto = current_size(session, tenant.id)
        session.rollback()
        batches = read_batches(
            session, tenant, starts[tenant.id], upto=upto, limit=request.limit,
            batch_size=request.batch_size,
        )  # fmt: skip
        for batch in batches:
            sink.write_lines(format_line(event) for event in batch)
            if checkpoint is not None:
                positions[tenant.id] = Position.after(batch[-1])
                checkpoint.save(positions)
            exported += len(batch)
    return ExportSummary(len(tenants), exported)


def _start_after(
    session: Session,
    tenant: TenantRef,
    request: ExportRequest,
    positions: dict[str, Position],
    checkpoint: CursorFile | None,
) -> int:
    """The seq to start after: ``--since-seq`` wins, then the checkpoint, else the start."""
    if request.since_seq is not None:
        return request.since_seq - 1
    position = positions.get(tenant.id)
    if position is None or checkpoint is None:
        return -1
    checkpoint.check(session, tenant, position)
    return position.last_seq

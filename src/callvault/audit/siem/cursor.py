"""How far a consumer of the audit trail got, per tenant, kept in a small file.

A cursor (per tenant, the last ``seq`` delivered and its leaf hash) moves only after the
events it covers are durable at the receiver, so a crash re-sends the last batch and
never skips one. The stored leaf hash catches a cursor that no longer fits its log (a
restored database), which would otherwise skip events quietly.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.audit.models import AuditEvent
from callvault.audit.siem.events import ExportedEvent, TenantRef
from callvault.errors import Conflict, InvalidInput
from callvault.fsutil import write_atomically


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


def cursor_path(data_dir: Path, host: str, port: int) -> Path:
    """Where ``forward-syslog`` keeps its cursor for one receiver."""
    safe_host = re.sub(r"[^A-Za-z0-9.-]", "_", host)
    return data_dir / "audit-forward" / f"{safe_host}_{port}.json"


@contextmanager
def exclusive_cursor(path: Path) -> Iterator[CursorFile]:
    """The cursor file, held by this process alone (two forwarders to one receiver would
    send everything twice and race on the cursor)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InvalidInput("another forward-syslog to this receiver is running") from None
        yield CursorFile(path, "move the cursor file aside to forward the whole log again")
    finally:
        os.close(fd)

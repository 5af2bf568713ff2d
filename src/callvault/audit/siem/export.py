"""``callvault audit export``: each tenant's events as JSON lines or CEF, appended to a
file (or stdout), resumable from a checkpoint.

Up to the log size seen when the export began, so an export always ends. Delivery is at
least once: the checkpoint moves only after the lines it covers are flushed and, for a
regular file, fsync'd (``callvault.audit.siem.sink``).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from callvault.audit.proofs import current_size
from callvault.audit.siem.cursor import CursorFile, Position
from callvault.audit.siem.events import (
    BATCH_SIZE,
    ExportedEvent,
    RecordRead,
    TenantRef,
    list_tenants,
)
from callvault.audit.siem.format import FORMATTERS, ExportFormat
from callvault.audit.siem.sink import Sink, Span, pump
from callvault.errors import InvalidInput
from callvault.fsutil import fsync_dir


class LineSink:
    """A ``Sink`` writing one line per event to a stream; ``sync`` returns once they are
    flushed and, for a regular file, fsync'd: only then may a cursor move past them."""

    def __init__(
        self,
        stream: IO[bytes],
        fmt: ExportFormat = ExportFormat.JSONL,
        *,
        owned: bool,
    ) -> None:
        self._stream = stream
        self._format_line: Callable[[ExportedEvent], str] = FORMATTERS[fmt]
        self._owned = owned

    @classmethod
    def append_to(cls, path: Path, fmt: ExportFormat = ExportFormat.JSONL) -> LineSink:
        """Append (never truncate: an earlier run's lines stay, so a resumed export into
        the same file has no gap), creating the file 0600."""
        created = not path.exists()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
        if created:
            fsync_dir(path.parent)
        return cls(os.fdopen(fd, "ab"), fmt, owned=True)

    @classmethod
    def stdout(cls, fmt: ExportFormat = ExportFormat.JSONL) -> LineSink:
        sys.stdout.flush()
        return cls(sys.stdout.buffer, fmt, owned=False)

    def send(self, batch: Sequence[ExportedEvent]) -> None:
        lines = (self._format_line(event) for event in batch)
        self._stream.write(b"".join(line.encode("utf-8") + b"\n" for line in lines))

    def sync(self) -> None:
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
    batch_size: int = BATCH_SIZE


@dataclass(frozen=True)
class ExportSummary:
    tenants: int
    events: int


def export_events(
    session: Session,
    request: ExportRequest,
    sink: Sink,
    checkpoint: CursorFile | None,
    record_read: RecordRead,
) -> ExportSummary:
    """Write each selected tenant's events after its starting point, recording one
    ``audit:export`` event per tenant first (it is part of what gets exported)."""
    positions = checkpoint.load() if checkpoint is not None else {}
    tenants = list_tenants(session, request.tenant)
    session.rollback()
    starts = {t.id: _start_after(session, t, request, positions, checkpoint) for t in tenants}

    def spans() -> Iterator[Span]:
        for tenant in tenants:
            record_read(session, tenant.id)
            session.commit()
            upto = current_size(session, tenant.id)
            session.rollback()
            yield Span(tenant, starts[tenant.id], upto, request.limit)

    def save(reached: dict[str, Position]) -> None:
        if checkpoint is not None:
            positions.update(reached)
            checkpoint.save(positions)

    exported = pump(
        session, sink, spans(), save, batch_size=request.batch_size, sync_every_batch=True
    )
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

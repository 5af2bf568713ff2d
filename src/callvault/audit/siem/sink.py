"""Where exported events go, and the one loop that feeds a sink from the audit log.

Delivery is at least once: ``pump`` moves a cursor (through ``on_synced``) only after
the sink's ``sync`` said everything sent so far is durable at the receiver, so a crash
or an outage re-sends what was not confirmed and never skips it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from callvault.audit.siem.cursor import Position
from callvault.audit.siem.events import BATCH_SIZE, ExportedEvent, TenantRef, read_batches


class Sink(Protocol):
    """A receiver of exported events: the file exporter, the syslog forwarder."""

    def send(self, batch: Sequence[ExportedEvent]) -> None:
        """Hand over one tenant's events, in ``seq`` order (not yet durable)."""
        ...

    def sync(self) -> None:
        """Return once everything sent is durable at the receiver (a file flushed and
        fsync'd, a syslog round confirmed), or raise."""
        ...

    def close(self) -> None:
        """Release the sink; what was sent but not synced counts as not delivered."""
        ...


@dataclass(frozen=True)
class Span:
    """What to read of one tenant's log: events after ``after_seq`` and before
    ``upto``, at most ``limit`` of them (None: no bound)."""

    tenant: TenantRef
    after_seq: int
    upto: int | None = None
    limit: int | None = None


# Told the positions reached (tenant id -> position) each time a sync confirmed them.
OnSynced = Callable[[dict[str, Position]], None]


def pump(
    session: Session,
    sink: Sink,
    spans: Iterable[Span],
    on_synced: OnSynced,
    *,
    batch_size: int = BATCH_SIZE,
    total: int | None = None,
    sync_every_batch: bool = False,
) -> int:
    """Send each span's events, in batches, to ``sink``; return how many were sent.

    ``total`` bounds the events of all spans together. With ``sync_every_batch`` every
    batch is synced (a crash repeats at most one), else once at the end (one syslog
    round is confirmed as a whole)."""
    reached: dict[str, Position] = {}
    unsynced = False
    count = 0
    for span in spans:
        batches = read_batches(
            session, span.tenant, span.after_seq, upto=span.upto,
            limit=_smaller(span.limit, None if total is None else total - count),
            batch_size=batch_size,
        )  # fmt: skip
        for batch in batches:
            sink.send(batch)
            reached[span.tenant.id] = Position.after(batch[-1])
            count += len(batch)
            unsynced = True
            if sync_every_batch:
                sink.sync()
                on_synced(reached)
                unsynced = False
    if unsynced:
        sink.sync()
        on_synced(reached)
    return count


def _smaller(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else min(a, b)

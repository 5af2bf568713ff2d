"""Audit waits deferred to the edge of a request.

A PHI read's audit event goes through the group committer, and the answer may leave only
once the event is durable. A request thread that blocked for that commit would sit idle
for it; instead, inside ``deferred_audit()`` (the web middleware opens one per request)
``record_read`` queues the event, files its receipt here and returns, and the middleware
awaits every receipt on the event loop before it lets the response start. So the thread
goes back to the pool at once, concurrent reads pile into bigger commits, and if a commit
fails the response is replaced by a 503 before a byte of it is sent.

Outside such a scope (CLI, jobs, tests that call services directly), ``defer`` refuses
and the caller waits in place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from callvault.audit.groupcommit import DEFAULT_TIMEOUT
from callvault.audit.runtime import ReceiptLike

# A list per request; threads that run the request's handlers see the same list because
# anyio copies the context (and so the reference) into them.
_RECEIPTS: ContextVar[list[ReceiptLike] | None] = ContextVar("audit_receipts", default=None)


@contextmanager
def deferred_audit() -> Iterator[list[ReceiptLike]]:
    """A scope whose audit receipts the caller promises to ``settle`` before answering."""
    receipts: list[ReceiptLike] = []
    token = _RECEIPTS.set(receipts)
    try:
        yield receipts
    finally:
        _RECEIPTS.reset(token)


def defer(receipt: ReceiptLike) -> bool:
    """File ``receipt`` with the enclosing scope; False if there is none."""
    receipts = _RECEIPTS.get()
    if receipts is None:
        return False
    receipts.append(receipt)
    return True


async def settle(receipts: list[ReceiptLike], timeout: float = DEFAULT_TIMEOUT) -> None:
    """Wait for every receipt filed so far; ``AuditUnavailable`` if any failed."""
    while receipts:
        await receipts.pop(0).wait_async(timeout)

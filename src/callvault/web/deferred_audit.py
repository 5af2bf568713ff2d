"""The middleware that holds every response until its PHI reads are durably audited.

See ``callvault.audit.deferred``: handlers queue their read events and return; this
settles the receipts on the event loop when the response is about to start. If the audit
log fails, the client gets the same 503 problem the error handlers give, and the
response the handler built (the PHI) is dropped unsent.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callvault.audit.deferred import deferred_audit, settle
from callvault.errors import AuditUnavailable
from callvault.web.problems import problem


class _Replaced(Exception):
    """Stops the handler's response once a 503 went out in its place."""


class DeferredAuditMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with deferred_audit() as receipts:
            replaced = False

            async def send_when_audited(message: Message) -> None:
                nonlocal replaced
                if receipts:
                    try:
                        await settle(receipts)
                    except AuditUnavailable as exc:
                        if message["type"] == "http.response.start":
                            replaced = True
                            await problem(exc.status, exc.title, exc.detail)(scope, receive, send)
                        raise _Replaced from None  # mid-stream, this aborts the rest
                await send(message)

            try:
                await self.app(scope, receive, send_when_audited)
            except BaseException as exc:
                if not (replaced and _only_replaced(exc)):
                    raise
            # Filed after the last message: a bug, surfaced if that event failed too.
            await settle(receipts)


def _only_replaced(exc: BaseException) -> bool:
    """True for ``_Replaced``, also when a task group wrapped it (streaming responses)."""
    if isinstance(exc, BaseExceptionGroup):
        return all(_only_replaced(inner) for inner in exc.exceptions)
    return isinstance(exc, _Replaced)

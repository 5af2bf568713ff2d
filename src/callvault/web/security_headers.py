"""Security headers on every HTTP response, as a pure ASGI middleware.

Pure ASGI (not ``BaseHTTPMiddleware``) so that only the ``http.response.start`` message
is touched: bodies pass through untouched and unbuffered, and streamed recordings
stay streamed.

Policy headers replace whatever the application set; *default* headers (CSP and
Cache-Control) are added only when a response did not choose its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS_VALUE = b"max-age=63072000; includeSubDomains"

_POLICY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)

_DEFAULT_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    # Responses carry PHI: no browser or proxy may keep a copy unless a route says so.
    (b"cache-control", b"no-store"),
)


class SecurityHeadersMiddleware:
    """Add security headers to every HTTP response of ``app``.

    ``hsts`` must be true only when the listener is TLS: HSTS over plain HTTP is
    ignored by browsers and would be wrong if the site later moved.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        policy = _POLICY_HEADERS + (((b"strict-transport-security", HSTS_VALUE),) if hsts else ())
        self._policy = policy
        self._policy_names = frozenset(name for name, _ in policy)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._secure(message.get("headers", []))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _secure(self, raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        headers = [(k, v) for k, v in raw if k.lower() not in self._policy_names]
        present = {k.lower() for k, _ in headers}
        headers.extend(self._policy)
        headers.extend((k, v) for k, v in _DEFAULT_HEADERS if k not in present)
        return headers

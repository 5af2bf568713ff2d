"""What a request presents to be recognised: a bearer token, or a session cookie with
its CSRF token. The web layer reads them off the request; ``identity`` checks them."""

from __future__ import annotations

from dataclasses import dataclass

COOKIE_NAME = "callvault_session"
CSRF_HEADER = "X-CSRF-Token"
# Methods that change nothing: a session needs no CSRF token for them.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Credentials:
    authorization: str | None
    session_cookie: str | None
    csrf_token: str | None
    method: str
    source_ip: str | None

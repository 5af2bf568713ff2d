"""Webhook targets (checked against SSRF by ``callvault.outbound``), signatures, and
one signed POST.

A target must be ``https://`` and every address its host resolves to must be public:
private, loopback, link-local (169.254.169.254, the cloud metadata service), multicast,
reserved, unspecified and shared (100.64/10) addresses are refused, at configuration
and again at send time, where the connection is pinned to the address just checked
(so a DNS answer that changes in between cannot point it elsewhere; TLS still checks
the certificate against the host name). ``http://`` and loopback addresses are allowed
only with ``CALLVAULT_ALERT_WEBHOOK_ALLOW_LOOPBACK=1`` (tests, local receivers).
Redirects are never followed; timeouts are short; the answer's body is never read.

Signature header (Stripe's scheme)::

    X-CallVault-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
"""

from __future__ import annotations

import hashlib
import hmac
import os

from callvault.outbound import OutboundRefused, Target, check_url, post_pinned

ALLOW_LOOPBACK_ENV = "CALLVAULT_ALERT_WEBHOOK_ALLOW_LOOPBACK"
SIGNATURE_HEADER = "X-CallVault-Signature"
USER_AGENT = "CallVault-Alerts/1"
FIELD = "webhook_url"

WebhookRefused = OutboundRefused
WebhookTarget = Target


def loopback_allowed() -> bool:
    return os.environ.get(ALLOW_LOOPBACK_ENV) == "1"


def check_webhook_url(url: str, *, allow_loopback: bool | None = None) -> WebhookTarget:
    """The target of ``url`` if it may be called now; ``WebhookRefused`` (422) if not."""
    allow = loopback_allowed() if allow_loopback is None else allow_loopback
    return check_url(url, allow_loopback=allow, field=FIELD)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-CallVault-Signature`` value for ``body`` sent at ``timestamp``."""
    signed = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def post_signed(url: str, secret: str, body: bytes, timestamp: int) -> int:
    """POST ``body`` to ``url`` (checked again now, connection pinned to the checked
    address) and return the HTTP status. Raises ``WebhookRefused`` or ``httpx.HTTPError``."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
    return post_pinned(url, body, headers, allow_loopback=loopback_allowed(), field=FIELD)

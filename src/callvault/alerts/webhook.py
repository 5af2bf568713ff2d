"""Webhook targets (checked against SSRF), signatures, and one signed POST.

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
import ipaddress
import os
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import httpx

from callvault.errors import InvalidInput

ALLOW_LOOPBACK_ENV = "CALLVAULT_ALERT_WEBHOOK_ALLOW_LOOPBACK"
SIGNATURE_HEADER = "X-CallVault-Signature"
TIMEOUT = httpx.Timeout(5.0, connect=3.0)
USER_AGENT = "CallVault-Alerts/1"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookRefused(InvalidInput):
    """A webhook URL that may not be called (never echoes the URL)."""


def loopback_allowed() -> bool:
    return os.environ.get(ALLOW_LOOPBACK_ENV) == "1"


@dataclass(frozen=True)
class WebhookTarget:
    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...]


def _public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    special = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
    return ip.is_global and not special


def _is_loopback(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def resolve(host: str, port: int) -> tuple[IPAddress, ...]:
    """Every address ``host`` resolves to (an IP literal is itself)."""
    try:
        return (ipaddress.ip_address(host),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise WebhookRefused("the webhook host does not resolve") from None
    found = {ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos}
    if not found:
        raise WebhookRefused("the webhook host does not resolve")
    return tuple(sorted(found, key=lambda ip: (ip.version, int(ip))))


def _split(url: str) -> tuple[SplitResult, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookRefused("webhook_url is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise WebhookRefused("webhook_url must be an https:// URL")
    if parts.username is not None or parts.password is not None:
        raise WebhookRefused("webhook_url must not carry credentials")
    if not parts.hostname:
        raise WebhookRefused("webhook_url must name a host")
    return parts, scheme, port or (443 if scheme == "https" else 80)


def check_webhook_url(url: str, *, allow_loopback: bool | None = None) -> WebhookTarget:
    """The target of ``url`` if it may be called now; ``WebhookRefused`` (422) if not."""
    allow = loopback_allowed() if allow_loopback is None else allow_loopback
    parts, scheme, port = _split(url)
    host = parts.hostname or ""
    addresses = resolve(host, port)
    for ip in addresses:
        if not (_public(ip) or (allow and _is_loopback(ip))):
            raise WebhookRefused(
                "webhook_url must not point at a private, loopback, link-local, "
                "multicast or reserved address"
            )
    if scheme == "http" and not (allow and all(_is_loopback(ip) for ip in addresses)):
        raise WebhookRefused("webhook_url must be an https:// URL")
    return WebhookTarget(scheme, host, port, addresses)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-CallVault-Signature`` value for ``body`` sent at ``timestamp``."""
    signed = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def post_signed(url: str, secret: str, body: bytes, timestamp: int) -> int:
    """POST ``body`` to ``url`` (checked again now, connection pinned to the checked
    address) and return the HTTP status. Raises ``WebhookRefused`` or ``httpx.HTTPError``."""
    target = check_webhook_url(url)
    original = httpx.URL(url)
    pinned = original.copy_with(host=str(target.addresses[0]))
    headers = {
        "Host": original.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
    extensions = {}
    if target.scheme == "https" and not _is_ip_literal(target.host):
        # TLS checks the certificate against the name, not the pinned address.
        extensions["sni_hostname"] = original.raw_host.decode("ascii")
    with (
        httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client,
        client.stream("POST", pinned, content=body, headers=headers, extensions=extensions) as r,
    ):
        return r.status_code

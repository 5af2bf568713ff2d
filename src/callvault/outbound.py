"""Outbound HTTP to a URL a tenant configured (alert webhooks, conversion destinations),
checked against SSRF.

A target must be ``https://`` and every address its host resolves to must be public:
private, loopback, link-local (169.254.169.254, the cloud metadata service), multicast,
reserved, unspecified and shared (100.64/10) addresses are refused, at configuration
and again at send time, where the connection is pinned to the address just checked
(so a DNS answer that changes in between cannot point it elsewhere; TLS still checks
the certificate against the host name). ``http://`` and loopback addresses are allowed
only when the caller says so (each feature has its own switch for tests and local
receivers). Redirects are never followed; timeouts are short; the answer's body is
never read.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import httpx

from callvault.errors import InvalidInput

TIMEOUT = httpx.Timeout(5.0, connect=3.0)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(InvalidInput):
    """A URL that may not be called (never echoes the URL)."""


@dataclass(frozen=True)
class Target:
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


def resolve(host: str, port: int, field: str = "url") -> tuple[IPAddress, ...]:
    """Every address ``host`` resolves to (an IP literal is itself)."""
    try:
        return (ipaddress.ip_address(host),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise OutboundRefused(f"the host of {field} does not resolve") from None
    found = {ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos}
    if not found:
        raise OutboundRefused(f"the host of {field} does not resolve")
    return tuple(sorted(found, key=lambda ip: (ip.version, int(ip))))


def _split(url: str, field: str) -> tuple[SplitResult, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused(f"{field} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise OutboundRefused(f"{field} must be an https:// URL")
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused(f"{field} must not carry credentials")
    if not parts.hostname:
        raise OutboundRefused(f"{field} must name a host")
    return parts, scheme, port or (443 if scheme == "https" else 80)


def check_url(url: str, *, allow_loopback: bool, field: str = "url") -> Target:
    """The target of ``url`` if it may be called now; ``OutboundRefused`` (422) if not.
    ``field`` names the setting in the messages."""
    parts, scheme, port = _split(url, field)
    host = parts.hostname or ""
    addresses = resolve(host, port, field)
    for ip in addresses:
        if not (_public(ip) or (allow_loopback and _is_loopback(ip))):
            raise OutboundRefused(
                f"{field} must not point at a private, loopback, link-local, "
                "multicast or reserved address"
            )
    if scheme == "http" and not (allow_loopback and all(_is_loopback(ip) for ip in addresses)):
        raise OutboundRefused(f"{field} must be an https:// URL")
    return Target(scheme, host, port, addresses)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def post_pinned(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    allow_loopback: bool,
    field: str = "url",
    verify: ssl.SSLContext | bool = True,
) -> int:
    """POST ``body`` to ``url`` (checked again now, connection pinned to the checked
    address) and return the HTTP status. Raises ``OutboundRefused`` or
    ``httpx.HTTPError``. ``verify``: the TLS context (``tlsconfig.client_context``),
    ``True`` for httpx's default."""
    target = check_url(url, allow_loopback=allow_loopback, field=field)
    original = httpx.URL(url)
    pinned = original.copy_with(host=str(target.addresses[0]))
    sent = {"Host": original.netloc.decode("ascii"), **headers}
    extensions = {}
    if target.scheme == "https" and not _is_ip_literal(target.host):
        # TLS checks the certificate against the name, not the pinned address.
        extensions["sni_hostname"] = original.raw_host.decode("ascii")
    with (
        httpx.Client(
            timeout=TIMEOUT, follow_redirects=False, trust_env=False, verify=verify
        ) as client,
        client.stream("POST", pinned, content=body, headers=sent, extensions=extensions) as r,
    ):
        return r.status_code

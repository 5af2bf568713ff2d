"""Twilio's webhook signature (``X-Twilio-Signature``): pure functions, no I/O.

Twilio signs a webhook with the account's auth token: base64 of HMAC-SHA1 over the
full URL it requested, followed by every POST parameter's name and value, sorted by
name (and, for a repeated name, by value). The URL is the one Twilio used, so it is
checked both with and without the default port, as Twilio's own validator does: a
proxy may add or drop ``:443`` on its way to us.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

SIGNATURE_HEADER = "X-Twilio-Signature"
_DEFAULT_PORTS = {"https": 443, "http": 80}


def compute_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The signature Twilio sends for a POST of ``params`` to ``url``."""
    payload = url + "".join(name + value for name, value in sorted(set(params)))
    mac = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def signature_valid(
    auth_token: str, url: str, params: Iterable[tuple[str, str]], signature: str | None
) -> bool:
    """Whether ``signature`` is Twilio's for this request (compared in constant time)."""
    if not signature:
        return False
    pairs = list(params)
    given = signature.encode()
    matches = [
        hmac.compare_digest(compute_signature(auth_token, candidate, pairs).encode(), given)
        for candidate in url_variants(url)
    ]
    return any(matches)


def url_variants(url: str) -> list[str]:
    """``url`` as given, and with its scheme's default port added or removed."""
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme)
    if parts.port is None and default is not None:
        other = parts._replace(netloc=f"{parts.netloc}:{default}")
    elif parts.port == default:
        other = parts._replace(netloc=parts.netloc.rsplit(":", 1)[0])
    else:
        return [url]
    return [url, urlunsplit(other)]

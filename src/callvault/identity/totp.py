"""TOTP (RFC 6238): SHA-1, 6 digits, 30 s steps, one step of clock skew either way, and
every accepted step remembered so a code can never be used twice."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time

import pyotp
import segno

ISSUER = "CallVault"
STEP_SECONDS = 30
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits from the OS CSPRNG


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (never stored: it contains the secret)."""
    svg: str = segno.make(uri, error="m", micro=False).svg_inline(scale=4)
    return svg


def qr_data_uri(uri: str) -> str:
    """The same QR code as a ``data:`` URI for an ``<img>`` (a page's CSP allows no
    inline styles, and an image needs no markup trusted into the page)."""
    data: str = segno.make(uri, error="m", micro=False).svg_data_uri(scale=5, border=4)
    return data


def accepted_step(
    secret: str, code: str, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step ``code`` is valid for (now, or one step either side), if it is
    later than ``last_step``; None otherwise."""
    # isascii: fullwidth digits pass isdigit() but would break compare_digest.
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    current = int(moment // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten one-time codes, 16 base32 characters (80 bits) each, shown once."""
    return [
        base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()
        for _ in range(RECOVERY_CODES)
    ]


def recovery_code_hash(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()

"""CallVault's TLS policy, one for both ends: the HTTPS listener (``callvault.web.tls``)
and the connections CallVault opens itself (the syslog forwarder).

- TLS 1.2 minimum (1.0/1.1 refused), TLS 1.3 allowed;
- on TLS 1.2 only ECDHE key exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305);
  TLS 1.3 suites are all AEAD already;
- no compression (CRIME), no renegotiation; a server's cipher order wins;
- a client verifies the peer's certificate and host name (``ssl.create_default_context``).

Core: imports nothing from CallVault, so any capability may use it.
"""

from __future__ import annotations

import ssl
from pathlib import Path

MINIMUM_VERSION = ssl.TLSVersion.TLSv1_2
CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL"
CLIENT_OPTIONS = ssl.OP_NO_COMPRESSION | ssl.OP_NO_RENEGOTIATION
SERVER_OPTIONS = CLIENT_OPTIONS | ssl.OP_CIPHER_SERVER_PREFERENCE


def harden_server_context(ctx: ssl.SSLContext) -> None:
    """Apply the protocol, cipher and option policy to a server context."""
    ctx.minimum_version = MINIMUM_VERSION
    ctx.set_ciphers(CIPHERS)
    ctx.options |= SERVER_OPTIONS


def server_context(certfile: Path, keyfile: Path) -> ssl.SSLContext:
    """A hardened server context holding the given certificate chain and key."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    harden_server_context(ctx)
    ctx.load_cert_chain(certfile, keyfile)
    return ctx


def client_context(
    ca_file: Path | None = None,
    client_cert: Path | None = None,
    client_key: Path | None = None,
) -> ssl.SSLContext:
    """A verifying client context: trusting ``ca_file`` (default: the system's store),
    presenting ``client_cert`` for mutual TLS if given. Raises ``OSError`` or
    ``ssl.SSLError`` when the files cannot be loaded."""
    ctx = ssl.create_default_context(cafile=ca_file)
    if client_cert is not None:
        ctx.load_cert_chain(client_cert, client_key)
    ctx.minimum_version = MINIMUM_VERSION
    ctx.set_ciphers(CIPHERS)
    ctx.options |= CLIENT_OPTIONS
    return ctx

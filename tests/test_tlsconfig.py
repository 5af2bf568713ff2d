"""One TLS policy for the server and the clients CallVault opens (the syslog forwarder)."""

from __future__ import annotations

import ast
import ssl
from pathlib import Path

from callvault import tlsconfig

SOURCE = Path(tlsconfig.__file__)


def _ciphers(ctx: ssl.SSLContext) -> set[str]:
    return {cipher["name"] for cipher in ctx.get_ciphers()}


def test_client_and_server_contexts_share_the_policy() -> None:
    client = tlsconfig.client_context()
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tlsconfig.harden_server_context(server)

    for ctx in (client, server):
        assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
        assert ctx.options & ssl.OP_NO_COMPRESSION and ctx.options & ssl.OP_NO_RENEGOTIATION
        assert not any("CBC" in name or name.endswith("-SHA") for name in _ciphers(ctx))
    assert _ciphers(client) == _ciphers(server)
    assert server.options & ssl.OP_CIPHER_SERVER_PREFERENCE
    assert client.verify_mode == ssl.CERT_REQUIRED and client.check_hostname


def test_it_imports_nothing_from_callvault() -> None:
    tree = ast.parse(SOURCE.read_text("utf-8"))
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [name for name in imported if name.startswith("callvault")]

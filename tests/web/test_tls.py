"""HTTPS serving against real sockets: certificates, protocol and cipher policy, config.

Refusal tests are only meaningful if the client really offers what is refused, so each
one has a control: the same client completes a handshake with a deliberately
permissive server.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import os
import re
import socket
import ssl
import stat
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from callvault.errors import InvalidInput
from callvault.web.server import (
    InsecureBindRefused,
    ServeInfo,
    build_server_config,
    is_loopback,
)
from callvault.web.slow_clients import GUARDED_HTTP
from callvault.web.tls import (
    CertificatePaths,
    build_ssl_context,
    certificate_fingerprint,
    ensure_self_signed_certificate,
    ssl_context_factory,
)

FINGERPRINT = re.compile(r"^([0-9A-F]{2}:){31}[0-9A-F]{2}$")
CBC_ONLY = "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:AES128-SHA"
LEGACY = [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1]
# ssl.TLSVersion member name -> what SSLSocket.version() reports.
WIRE_NAME = {"TLSv1": "TLSv1", "TLSv1_1": "TLSv1.1", "TLSv1_2": "TLSv1.2", "TLSv1_3": "TLSv1.3"}


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


def make_app() -> Starlette:
    return Starlette(routes=[Route("/", hello)])


# --- helpers -------------------------------------------------------------------------


def bound_socket() -> socket.socket:
    """A socket already bound to a free loopback port, so no other test can take it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.contextmanager
def running(config: uvicorn.Config, sock: socket.socket) -> Iterator[uvicorn.Server]:
    """Run uvicorn in a thread until the block ends."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.02)
        assert server.started, "uvicorn did not start"
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def client_context(
    cafile: Path,
    maximum: ssl.TLSVersion,
    minimum: ssl.TLSVersion | None = None,
    ciphers: str | None = None,
) -> ssl.SSLContext:
    """A verifying client trusting ``cafile``, pinned to a protocol range."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile)
    if ciphers is not None:
        ctx.set_ciphers(ciphers)
    with warnings.catch_warnings():
        # Python deprecates TLS 1.0/1.1 versions; offering them is the point of some tests.
        warnings.simplefilter("ignore", DeprecationWarning)
        if minimum is not None:
            ctx.minimum_version = minimum
        ctx.maximum_version = maximum
    return ctx


def handshake(port: int, ctx: ssl.SSLContext) -> tuple[str | None, str]:
    """Complete a TLS handshake; the negotiated protocol and cipher name."""
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        ctx.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        cipher = tls.cipher()
        assert cipher is not None
        return tls.version(), cipher[0]


def legacy_client(cafile: Path, version: ssl.TLSVersion) -> ssl.SSLContext:
    # SECLEVEL=0: OpenSSL 3 otherwise refuses TLS < 1.2 on the client side already.
    return client_context(cafile, maximum=version, minimum=version, ciphers="DEFAULT@SECLEVEL=0")


def cbc_client(cafile: Path) -> ssl.SSLContext:
    return client_context(cafile, maximum=ssl.TLSVersion.TLSv1_2, ciphers=CBC_ONLY)


def permissive_handshake(pair: CertificatePaths, client: ssl.SSLContext) -> tuple[str | None, str]:
    """Handshake against a server that accepts anything: proves the client offers it."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.set_ciphers("ALL:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        server_ctx.minimum_version = ssl.TLSVersion.TLSv1
    server_ctx.load_cert_chain(pair.cert, pair.key)
    with bound_socket() as listener:
        listener.listen(1)

        def accept_one() -> None:
            conn, _ = listener.accept()
            with contextlib.suppress(OSError), server_ctx.wrap_socket(conn, server_side=True):
                pass

        thread = threading.Thread(target=accept_one, daemon=True)
        thread.start()
        result = handshake(listener.getsockname()[1], client)
        thread.join(timeout=5)
        return result


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> CertificatePaths:
    return ensure_self_signed_certificate(tmp_path_factory.mktemp("data") / "tls")


@pytest.fixture(scope="module")
def https(pair: CertificatePaths) -> Iterator[tuple[int, ServeInfo]]:
    sock = bound_socket()
    port = sock.getsockname()[1]
    config, info = build_server_config(
        make_app(), host="127.0.0.1", port=port, tls_dir=pair.cert.parent
    )
    with running(config, sock):
        yield port, info


# --- protocol and cipher policy on the wire ------------------------------------------


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_modern_tls_handshakes_succeed(
    https: tuple[int, ServeInfo], pair: CertificatePaths, version: ssl.TLSVersion
) -> None:
    port, _ = https
    ctx = client_context(pair.cert, minimum=version, maximum=version)
    negotiated, _ = handshake(port, ctx)
    assert negotiated == WIRE_NAME[version.name]


def test_tls12_negotiates_an_aead_cipher(
    https: tuple[int, ServeInfo], pair: CertificatePaths
) -> None:
    ctx = client_context(pair.cert, maximum=ssl.TLSVersion.TLSv1_2)
    version, cipher = handshake(https[0], ctx)
    assert version == "TLSv1.2"
    assert cipher.startswith("ECDHE-")
    assert "GCM" in cipher or "CHACHA20" in cipher


@pytest.mark.parametrize("version", LEGACY, ids=lambda v: v.name)
def test_legacy_tls_is_refused(
    https: tuple[int, ServeInfo], pair: CertificatePaths, version: ssl.TLSVersion
) -> None:
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        handshake(https[0], legacy_client(pair.cert, version))


@pytest.mark.parametrize("version", LEGACY, ids=lambda v: v.name)
def test_control_legacy_client_really_offers_legacy_tls(
    pair: CertificatePaths, version: ssl.TLSVersion
) -> None:
    negotiated, _ = permissive_handshake(pair, legacy_client(pair.cert, version))
    assert negotiated == WIRE_NAME[version.name]


def test_cbc_only_tls12_client_is_refused(
    https: tuple[int, ServeInfo], pair: CertificatePaths
) -> None:
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        handshake(https[0], cbc_client(pair.cert))


def test_control_cbc_client_really_offers_cbc(pair: CertificatePaths) -> None:
    version, cipher = permissive_handshake(pair, cbc_client(pair.cert))
    assert version == "TLSv1.2"
    assert cipher in CBC_ONLY.split(":")


def test_https_response_carries_security_headers_and_no_server_banner(
    https: tuple[int, ServeInfo], pair: CertificatePaths
) -> None:
    ctx = client_context(pair.cert, maximum=ssl.TLSVersion.TLSv1_3)
    # Connecting to the IP also checks the certificate's IP SAN.
    conn = http.client.HTTPSConnection("127.0.0.1", https[0], context=ctx, timeout=5)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.read() == b"hello"
    finally:
        conn.close()
    assert response.getheader("strict-transport-security") == (
        "max-age=63072000; includeSubDomains"
    )
    assert response.getheader("x-content-type-options") == "nosniff"
    assert response.getheader("referrer-policy") == "no-referrer"
    assert response.getheader("x-frame-options") == "DENY"
    assert response.getheader("cache-control") == "no-store"
    assert response.getheader("server") is None


def test_serve_info_for_https(https: tuple[int, ServeInfo], pair: CertificatePaths) -> None:
    port, info = https
    assert info.url == f"https://127.0.0.1:{port}/"
    assert info.tls is True
    assert info.certificate == pair.cert
    assert info.fingerprint == certificate_fingerprint(pair.cert)
    assert info.created_certificate is False  # the module fixture made the pair first


# --- the server context itself -------------------------------------------------------


def test_build_ssl_context_policy(pair: CertificatePaths) -> None:
    ctx = build_ssl_context(pair.cert, pair.key)
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    for flag in (ssl.OP_NO_COMPRESSION, ssl.OP_CIPHER_SERVER_PREFERENCE, ssl.OP_NO_RENEGOTIATION):
        assert ctx.options & flag
    tls12 = [c for c in ctx.get_ciphers() if c["protocol"] == "TLSv1.2"]
    assert tls12
    assert all(c["aead"] and c["kea"] == "kx-ecdhe" for c in tls12)


def test_ssl_context_factory_does_not_need_uvicorns_default(pair: CertificatePaths) -> None:
    def default_factory() -> ssl.SSLContext:
        raise AssertionError("uvicorn's default factory needs ssl_certfile on the Config")

    ctx = ssl_context_factory(pair.cert, pair.key)(object(), default_factory)
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    assert ctx.options & ssl.OP_NO_RENEGOTIATION


def test_uvicorn_loads_the_factory(pair: CertificatePaths) -> None:
    config, _ = build_server_config(
        make_app(),
        host="127.0.0.1",
        port=8443,
        tls_dir=Path("/x"),
        certfile=pair.cert,
        keyfile=pair.key,
    )
    config.load()
    assert config.is_ssl
    assert isinstance(config.ssl, ssl.SSLContext)
    assert config.ssl.minimum_version == ssl.TLSVersion.TLSv1_2


# --- certificate generation ----------------------------------------------------------


def test_certificate_files_and_permissions(tmp_path: Path) -> None:
    tls_dir = tmp_path / "tls"
    paths = ensure_self_signed_certificate(tls_dir)
    assert paths == CertificatePaths(tls_dir / "cert.pem", tls_dir / "key.pem", created=True)
    assert stat.S_IMODE(os.stat(tls_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(paths.key).st_mode) == 0o600
    assert [p.name for p in tls_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_existing_directory_is_made_private(tmp_path: Path) -> None:
    tls_dir = tmp_path / "tls"
    tls_dir.mkdir(mode=0o755)
    ensure_self_signed_certificate(tls_dir)
    assert stat.S_IMODE(os.stat(tls_dir).st_mode) == 0o700


def test_second_call_reuses_the_pair(tmp_path: Path) -> None:
    first = ensure_self_signed_certificate(tmp_path)
    key_bytes = first.key.read_bytes()
    second = ensure_self_signed_certificate(tmp_path, hostnames=("other.example",))
    assert second.created is False
    assert (second.cert, second.key) == (first.cert, first.key)
    assert certificate_fingerprint(second.cert) == certificate_fingerprint(first.cert)
    assert second.key.read_bytes() == key_bytes


@pytest.mark.parametrize("present", ["cert.pem", "key.pem"])
def test_a_lone_file_is_never_overwritten(tmp_path: Path, present: str) -> None:
    (tmp_path / present).write_bytes(b"operator's file")
    with pytest.raises(InvalidInput):
        ensure_self_signed_certificate(tmp_path)
    assert (tmp_path / present).read_bytes() == b"operator's file"


def test_certificate_contents(pair: CertificatePaths) -> None:
    cert = x509.load_pem_x509_certificate(pair.cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    ips = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    assert {"127.0.0.1", "::1"} <= ips
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca is False
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature
    assert not usage.value.key_cert_sign
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    public_key = cert.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert isinstance(public_key.curve, ec.SECP256R1)
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert datetime.timedelta(days=364) < lifetime < datetime.timedelta(days=366)


def test_fingerprint_format(pair: CertificatePaths) -> None:
    fingerprint = certificate_fingerprint(pair.cert)
    assert FINGERPRINT.match(fingerprint)
    cert = x509.load_pem_x509_certificate(pair.cert.read_bytes())
    assert bytes.fromhex(fingerprint.replace(":", "")) == cert.fingerprint(hashes.SHA256())


def test_specific_bind_address_joins_the_san(tmp_path: Path) -> None:
    _, info = build_server_config(make_app(), host="10.1.2.3", port=8443, tls_dir=tmp_path)
    assert info.created_certificate is True
    assert info.certificate is not None
    cert = x509.load_pem_x509_certificate(info.certificate.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "10.1.2.3" in {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}


# --- server configuration ------------------------------------------------------------


@pytest.mark.parametrize(
    ("certfile", "keyfile"), [("cert.pem", None), (None, "key.pem")], ids=["cert", "key"]
)
def test_half_a_pair_is_invalid(tmp_path: Path, certfile: str | None, keyfile: str | None) -> None:
    with pytest.raises(InvalidInput):
        build_server_config(
            make_app(),
            host="127.0.0.1",
            port=8443,
            tls_dir=tmp_path / "tls",
            certfile=tmp_path / certfile if certfile else None,
            keyfile=tmp_path / keyfile if keyfile else None,
        )
    assert not (tmp_path / "tls").exists()


def test_given_pair_is_used(tmp_path: Path, pair: CertificatePaths) -> None:
    _, info = build_server_config(
        make_app(),
        host="127.0.0.1",
        port=8443,
        tls_dir=tmp_path / "tls",
        certfile=pair.cert,
        keyfile=pair.key,
    )
    assert info.certificate == pair.cert
    assert info.created_certificate is False
    assert not (tmp_path / "tls").exists()


def test_config_is_hardened(tmp_path: Path) -> None:
    config, _ = build_server_config(make_app(), host="127.0.0.1", port=8443, tls_dir=tmp_path)
    assert config.server_header is False
    # httptools with slow-client timeouts (callvault.web.slow_clients)
    assert (config.http, config.loop) == (GUARDED_HTTP, "uvloop")
    assert config.proxy_headers is False
    assert config.access_log is False
    assert config.timeout_keep_alive == 5
    assert config.limit_concurrency is not None
    assert config.ssl_context_factory is not None


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "::", "example.com"])  # noqa: S104
def test_insecure_http_off_loopback_is_refused(tmp_path: Path, host: str) -> None:
    with pytest.raises(InsecureBindRefused, match="loopback"):
        build_server_config(make_app(), host=host, port=8080, tls_dir=tmp_path, insecure_http=True)


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8080/"),
        ("::1", "http://[::1]:8080/"),
        ("localhost", "http://localhost:8080/"),
    ],
)
def test_insecure_http_on_loopback_is_allowed(tmp_path: Path, host: str, url: str) -> None:
    config, info = build_server_config(
        make_app(), host=host, port=8080, tls_dir=tmp_path / "tls", insecure_http=True
    )
    assert info == ServeInfo(
        url=url, tls=False, fingerprint=None, certificate=None, created_certificate=False
    )
    assert config.ssl_context_factory is None
    assert not (tmp_path / "tls").exists()  # no certificate needed for plain HTTP


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.9.8.7", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),  # noqa: S104
        ("::", False),
        ("10.1.2.3", False),
        ("128.0.0.1", False),
        ("localhost.example.com", False),
        ("", False),
    ],
)
def test_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_a_wildcard_bind_is_announced_as_localhost_with_the_fingerprint(tmp_path: Path) -> None:
    _, info = build_server_config(make_app(), host="::", port=8443, tls_dir=tmp_path)
    assert isinstance(info, ServeInfo)
    assert info.url == "https://localhost:8443/"
    assert info.created_certificate is True
    assert info.fingerprint is not None and FINGERPRINT.match(info.fingerprint)

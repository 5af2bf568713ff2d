"""A local HTTPS server standing in for Twilio's recording URLs.

Its certificate is issued by a throwaway CA made with ``cryptography``; the app trusts
that CA through ``Settings.twilio_ca_bundle``, as an operator's test setup would. It
serves one WAV per RecordingSid under ``/2010-04-01/Accounts/<sid>/Recordings/``,
only with the expected basic-auth credentials, and counts what it was asked.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(
    subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey, public: object, ca: bool
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)  # type: ignore[arg-type]  # an EC public key
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )


def make_tls_files(directory: Path) -> tuple[Path, Path, Path]:
    """``(ca.pem, server.pem, server.key)``: a CA and a server certificate it issued
    for ``localhost`` and ``127.0.0.1``."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("CallVault test CA (synthetic)")
    ca = _certificate(ca_name, ca_name, ca_key, ca_key.public_key(), True).sign(
        ca_key, hashes.SHA256()
    )
    key = ec.generate_private_key(ec.SECP256R1())
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    server = (
        _certificate(_name("localhost"), ca_name, ca_key, key.public_key(), False)
        .add_extension(san, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@dataclass
class RecordingServer:
    """What the server serves (``recordings``: path -> bytes), the credentials it
    wants, and what it saw (``requests``: paths asked for, ``refused``: bad auth)."""

    base_url: str = ""
    username: str = ""
    password: str = ""
    recordings: dict[str, bytes] = field(default_factory=dict)
    fail_with: int | None = None  # answer every request with this status
    requests: list[str] = field(default_factory=list)
    refused: int = 0

    def authorised(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return header == f"Basic {expected}"


def _handler(state: RecordingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            state.requests.append(self.path)
            if not state.authorised(self.headers.get("Authorization")):
                state.refused += 1
                self._answer(401, b"")
            elif state.fail_with is not None:
                self._answer(state.fail_with, b"")
            elif self.path in state.recordings:
                self._answer(200, state.recordings[self.path], "audio/x-wav")
            else:
                self._answer(404, b"")

        def _answer(self, status: int, body: bytes, media_type: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the tests look at ``state``

    return Handler


class TlsServerThread:
    """``handler`` on 127.0.0.1 over TLS (its certificate names ``localhost``), in a
    thread, until ``stop``: the local stand-in for a provider's HTTPS endpoint."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], cert: Path, key: Path) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.base_url = f"https://localhost:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


class ServerThread(TlsServerThread):
    """``RecordingServer`` served over TLS until ``stop``."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.state = RecordingServer()
        super().__init__(_handler(self.state), cert, key)
        self.state.base_url = self.base_url

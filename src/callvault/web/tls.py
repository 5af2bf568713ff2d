"""TLS material and server contexts for the HTTPS listener.

The embedded default serves HTTPS with a self-signed ECDSA P-256 certificate kept in
``Settings.tls_dir``; operators can hand in their own pair instead. Every server context
is built by :func:`build_ssl_context` with the policy of ``callvault.tlsconfig`` (TLS
1.2+, ECDHE with AEAD on 1.2, no compression or renegotiation, the server's cipher order),
which the connections CallVault opens itself share.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import ipaddress
import os
import ssl
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from callvault.errors import InvalidInput
from callvault.fsutil import fsync_dir
from callvault.tlsconfig import server_context

CERT_FILENAME = "cert.pem"
KEY_FILENAME = "key.pem"
CERT_VALIDITY = datetime.timedelta(days=365)

# uvicorn 0.54 calls ``ssl_context_factory(config, default_factory)``.
SSLContextFactory = Callable[[Any, Callable[[], ssl.SSLContext]], ssl.SSLContext]


@dataclass(frozen=True)
class CertificatePaths:
    """Where a certificate and its private key live; ``created`` says we just made them."""

    cert: Path
    key: Path
    created: bool


def ensure_self_signed_certificate(
    tls_dir: Path,
    hostnames: Sequence[str] = ("localhost",),
    ip_addresses: Sequence[str] = ("127.0.0.1", "::1"),
) -> CertificatePaths:
    """Reuse ``tls_dir/cert.pem`` + ``key.pem``, or create a self-signed pair there.

    An existing pair is never overwritten: the fingerprint users pinned stays valid.
    ``tls_dir`` is made private (0700) and the key is written 0600, atomically.
    """
    cert_path, key_path = tls_dir / CERT_FILENAME, tls_dir / KEY_FILENAME
    _make_private_dir(tls_dir)
    # The lock makes two processes starting at once agree on one pair.
    with _locked(tls_dir / ".lock"):
        if _existing_pair(cert_path, key_path):
            return CertificatePaths(cert=cert_path, key=key_path, created=False)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _self_signed(key, hostnames, ip_addresses)
        # Key first: a crash in between leaves a lone key, which _existing_pair reports.
        _publish(key_path, _key_pem(key), mode=0o600)
        _publish(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    return CertificatePaths(cert=cert_path, key=key_path, created=True)


def certificate_fingerprint(cert_path: Path) -> str:
    """SHA-256 fingerprint as browsers show it: ``AB:CD:...`` (32 uppercase hex pairs)."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def build_ssl_context(certfile: Path, keyfile: Path) -> ssl.SSLContext:
    """A hardened server context (see the module docstring) holding the given chain."""
    return server_context(certfile, keyfile)


def ssl_context_factory(certfile: Path, keyfile: Path) -> SSLContextFactory:
    """A ``uvicorn.Config(ssl_context_factory=...)`` callable serving the given pair.

    uvicorn's ``default_factory`` raises unless ``ssl_certfile`` is also set on the
    Config, and would apply uvicorn's own cipher defaults; building the context here
    keeps a single source of truth for the files and the policy.
    """
    return TLSContextFactory(certfile, keyfile)


@dataclass(frozen=True)
class TLSContextFactory:
    """What ``ssl_context_factory`` returns: a top-level class, not a closure, so that a
    Config holding it can be pickled into uvicorn's spawned worker processes."""

    certfile: Path
    keyfile: Path

    def __call__(
        self, config: Any, default_factory: Callable[[], ssl.SSLContext]
    ) -> ssl.SSLContext:
        return build_ssl_context(self.certfile, self.keyfile)


def _existing_pair(cert_path: Path, key_path: Path) -> bool:
    cert_exists, key_exists = cert_path.exists(), key_path.exists()
    if cert_exists != key_exists:
        # Never guess: a lone key may be an operator's, and a lone cert is unusable.
        raise InvalidInput(
            f"{cert_path.parent} holds only one of {CERT_FILENAME} and {KEY_FILENAME}; "
            "add the missing file or remove the other"
        )
    return cert_exists


def _self_signed(
    key: ec.EllipticCurvePrivateKey, hostnames: Sequence[str], ip_addresses: Sequence[str]
) -> x509.Certificate:
    common_name = hostnames[0] if hostnames else "callvault"
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    san: list[x509.GeneralName] = [x509.DNSName(h) for h in hostnames]
    san += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
    now = datetime.datetime.now(datetime.UTC)
    public_key = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        # Back-date a little so clients with a slightly slow clock still accept it.
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_digital_signature_only(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False
        )
    )
    return builder.sign(key, hashes.SHA256())


def _digital_signature_only() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    # Unencrypted: the server must start unattended. The 0700 dir and 0600 file protect it.
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _make_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkdir's mode is filtered by the umask and ignored for an existing directory.
    os.chmod(path, 0o700)


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _publish(path: Path, data: bytes, *, mode: int) -> None:
    """Write ``data`` to ``path`` atomically, failing rather than replacing a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # O_EXCL: never follow or reuse a planted file; the mode applies from the first byte.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        # link(), unlike rename(), refuses to replace an existing file.
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)

"""``callvault audit forward-syslog``: RFC 5424 over TLS (RFC 5425 framing) to a real
TLS receiver in the test: complete and in order, escaped, at least once across a
receiver that drops the connection, and never to a server it cannot trust."""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import socket
import ssl
import stat
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from fastapi.testclient import TestClient

from callvault.audit.schemas import iso_ms
from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.audit.siem.cursor import cursor_path, exclusive_cursor
from callvault.audit.siem.events import ExportedEvent, TenantRef
from callvault.audit.siem.rfc5424 import (
    MessageStyle,
    header_token,
    octet_frame,
    rfc5424_message,
    sd_param_value,
)
from callvault.audit.siem.syslog import Forwarder, ForwardOptions, TlsTarget, backoff_delay
from callvault.authz.principal import system_principal
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind
from callvault.tenants.service import get_tenant
from tests._baa import record_agreement
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.audit.test_export import HOSTILE_AGENT, audit_cli, make_traffic, parse_cef, stored

SYSLOG_HOSTILE = HOSTILE_AGENT + ' "quoted" [bracketed] \\] end'

# -- certificates ---------------------------------------------------------------


@dataclass(frozen=True)
class Pki:
    ca: Path  # the private CA the forwarder is told to trust
    server: tuple[Path, Path]  # cert, key for 127.0.0.1, signed by that CA
    wrong_name: tuple[Path, Path]  # signed by that CA, for another host name
    stranger: tuple[Path, Path]  # for 127.0.0.1, signed by an unrelated CA
    client_ca: Path
    client: tuple[Path, Path]


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: str, issuer: x509.Name, key: ec.EllipticCurvePrivateKey
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def _make_ca(name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    cert = (
        _builder(name, _name(name), key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _issue(
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    names: list[x509.GeneralName],
    usage: x509.ObjectIdentifier,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    ca_cert, ca_key = ca
    key = _key()
    cert = (
        _builder("synthetic leaf", ca_cert.subject, key)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _write(
    directory: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> tuple[Path, Path]:
    cert_path, key_path = directory / f"{stem}.crt", directory / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    loopback = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    server_auth, client_auth = ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH
    ca, other_ca, client_ca = (
        _make_ca("Synthetic SIEM CA"),
        _make_ca("Stranger CA"),
        _make_ca("Client CA"),
    )
    ca_path, _ = _write(directory, "ca", *ca)
    client_ca_path, _ = _write(directory, "client-ca", *client_ca)
    return Pki(
        ca=ca_path,
        server=_write(directory, "server", *_issue(ca, loopback, server_auth)),
        wrong_name=_write(
            directory, "wrong-name", *_issue(ca, [x509.DNSName("siem.example")], server_auth)
        ),
        stranger=_write(directory, "stranger", *_issue(other_ca, loopback, server_auth)),
        client_ca=client_ca_path,
        client=_write(
            directory, "client", *_issue(client_ca, [x509.DNSName("vault.example")], client_auth)
        ),
    )


# -- a TLS syslog receiver ------------------------------------------------------


def take_frame(buffer: bytes) -> tuple[bytes, bytes] | None:
    """One RFC 5425 frame ``MSG-LEN SP SYSLOG-MSG`` off the front, strictly."""
    space = buffer.find(b" ")
    if space < 0:
        assert (len(buffer) < 10 and buffer.isdigit()) or not buffer, "bad MSG-LEN"
        return None
    length_text = buffer[:space]
    assert re.fullmatch(rb"[1-9][0-9]{0,8}", length_text), f"bad MSG-LEN {length_text!r}"
    end = space + 1 + int(length_text)
    if len(buffer) < end:
        return None
    return buffer[space + 1 : end], buffer[end:]


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset, as a crashed receiver with unread data does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@dataclass
class Receiver:
    context: ssl.SSLContext
    reset_connections: int = 0  # reset this many connections at once, before TLS
    cut_after_frames: int | None = None  # reset the first TLS session after that many
    frames: list[bytes] = field(default_factory=list)
    connections: int = 0
    handshake_errors: list[str] = field(default_factory=list)
    port: int = 0
    _cut_done: bool = False

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            if self.connections <= self.reset_connections:
                _reset(conn)
                continue
            self._serve(conn)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.handshake_errors.append(type(exc).__name__)
            conn.close()
            return
        buffer, count = b"", 0
        while data := tls.recv(65536):
            buffer += data
            while (taken := take_frame(buffer)) is not None:
                message, buffer = taken
                self.frames.append(message)
                count += 1
                if self.cut_after_frames == count and not self._cut_done:
                    self._cut_done = True
                    _reset(tls)
                    return
        assert buffer == b"", "a partial frame before the close"
        tls.close()


def server_context(cert: tuple[Path, Path], client_ca: Path | None = None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*cert)
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca)
    return context


@pytest.fixture(autouse=True)
def _siem_baa(request: pytest.FixtureRequest) -> None:
    """Forwarding needs an active SIEM BAA for every tenant (tests/compliance tests
    the refusal)."""
    if "vault" in request.fixturenames:
        vault: Settings = request.getfixturevalue("vault")
        for tenant in (TENANT_A, TENANT_B):
            record_agreement(vault, tenant, AgreementKind.SIEM)


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    started: list[Receiver] = []
    yield started
    for receiver in started:
        receiver.stop()


def receiver(
    receivers: list[Receiver],
    cert: tuple[Path, Path],
    *,
    client_ca: Path | None = None,
    reset_connections: int = 0,
    cut_after_frames: int | None = None,
) -> Receiver:
    made = Receiver(server_context(cert, client_ca), reset_connections, cut_after_frames)
    receivers.append(made)
    return made


def forward(settings: Settings, port: int, *args: str) -> tuple[int, str, str]:
    result = audit_cli(
        settings, "forward-syslog", "--host", "127.0.0.1", "--port", str(port),
        "--hostname", "vault-test", "--once", *args,
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


# -- reading what arrived -------------------------------------------------------

_HEADER = re.compile(
    r"<(?P<pri>[0-9]{1,3})>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) (?P<procid>\S+)"
    r" (?P<msgid>\S+) (?P<rest>.*)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Message:
    pri: int
    timestamp: str
    hostname: str
    app: str
    procid: str
    msgid: str
    sd_id: str | None
    params: dict[str, str]
    msg: str


def parse_sd(text: str) -> tuple[str, dict[str, str], str]:
    """One SD-ELEMENT per RFC 5424 section 6.3, strictly: only ``\\"``, ``\\\\`` and
    ``\\]`` are escapes, and an unescaped ``]`` or ``"`` ends the value."""
    assert text[0] == "["
    i = text.index(" ")
    sd_id, params = text[1:i], {}
    while text[i] == " ":
        eq = text.index("=", i)
        name = text[i + 1 : eq]
        assert re.fullmatch(r'[^= \]"]{1,32}', name), name
        assert text[eq + 1] == '"'
        j, value = eq + 2, []
        while text[j] != '"':
            assert text[j] != "]", "unescaped ] in a PARAM-VALUE"
            if text[j] == "\\" and text[j + 1] in '"\\]':
                value.append(text[j + 1])
                j += 2
            else:
                value.append(text[j])
                j += 1
        params[name], i = "".join(value), j + 1
    assert text[i] == "]"
    return sd_id, params, text[i + 1 :]


def parse(frame: bytes) -> Message:
    match = _HEADER.fullmatch(frame.decode("utf-8"))
    assert match is not None, frame[:80]
    rest = match["rest"]
    if rest.startswith("- "):
        sd_id, params, msg = None, {}, rest[2:]
    else:
        sd_id, params, tail = parse_sd(rest)
        assert tail.startswith(" ")
        msg = tail[1:]
    return Message(
        int(match["pri"]), match["ts"], match["host"], match["app"], match["procid"],
        match["msgid"], sd_id, params, msg,
    )  # fmt: skip


def seqs_by_tenant(messages: list[Message]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for message in messages:
        found.setdefault(message.params["tenant"], []).append(int(message.params["seq"]))
    return found


# -- delivery -------------------------------------------------------------------


def test_every_event_of_every_tenant_arrives_once_in_order_as_rfc5424(
    vault: Settings, client: TestClient, auth: TokenFactory, pki: Pki, receivers: list[Receiver]
) -> None:
    make_traffic(client, auth, TENANT_A)
    make_traffic(client, auth, TENANT_B)
    siem = receiver(receivers, pki.server)

    code, out, err = forward(vault, siem.port, "--ca-file", str(pki.ca))

    assert code == 0, err
    messages = [parse(frame) for frame in siem.frames]
    assert f"forwarded {len(messages)} audit events to 127.0.0.1:{siem.port}" in out
    for tenant in (TENANT_A, TENANT_B):
        rows = stored(vault, tenant)
        mine = [m for m in messages if m.params["tenant"] == tenant]
        assert [int(m.params["seq"]) for m in mine] == list(range(len(rows)))
        for message, row in zip(mine, rows, strict=True):
            severity = 5 if row.outcome == "allowed" else 4
            assert message.pri == 10 * 8 + severity  # authpriv
            assert message.timestamp == iso_ms(row.at_ms)
            assert (message.hostname, message.app, message.procid) == (
                "vault-test",
                "callvault",
                "-",
            )
            assert message.msgid == row.action and message.sd_id == "callvault@32473"
            assert message.params["tenant_id"] == row.tenant_id
            assert message.params["actor_id"] == row.actor_id
            assert message.params["outcome"] == row.outcome
            assert message.params["leaf_hash"] == row.leaf_hash.hex()
            assert message.params.get("resource_id") == row.resource_id
            assert message.params.get("user_agent") == row.user_agent
            assert message.msg.endswith(f" {row.outcome}") and row.action in message.msg
        assert mine[0].params["action"] != "audit:export"
        assert [m.msgid for m in mine].count("audit:export") == 1
    assert {m.pri for m in messages} == {84, 85}  # denied and not_found are warnings
    cursor = cursor_path(vault.data_dir, "127.0.0.1", siem.port)
    assert stat.S_IMODE(cursor.stat().st_mode) == 0o600
    assert stat.S_IMODE(cursor.parent.stat().st_mode) == 0o700
    positions = json.loads(cursor.read_text())["tenants"]
    assert {p["tenant"]: p["last_seq"] for p in positions.values()} == {
        TENANT_A: len(stored(vault, TENANT_A)) - 1,
        TENANT_B: len(stored(vault, TENANT_B)) - 1,
    }


def test_a_second_run_sends_only_what_is_new(
    vault: Settings, client: TestClient, auth: TokenFactory, pki: Pki, receivers: list[Receiver]
) -> None:
    siem = receiver(receivers, pki.server)
    make_traffic(client, auth)
    assert forward(vault, siem.port, "--ca-file", str(pki.ca))[0] == 0
    first = len(siem.frames)

    make_traffic(client, auth)
    code, _, err = forward(vault, siem.port, "--ca-file", str(pki.ca))

    assert code == 0, err
    assert len(siem.frames) > first
    by_tenant = seqs_by_tenant([parse(frame) for frame in siem.frames])
    assert by_tenant[TENANT_A] == list(range(len(stored(vault, TENANT_A))))  # no repeat
    assert by_tenant[TENANT_B] == list(range(len(stored(vault, TENANT_B))))


def test_a_receiver_that_drops_the_connection_mid_stream_loses_nothing(
    vault: Settings, client: TestClient, auth: TokenFactory, pki: Pki, receivers: list[Receiver]
) -> None:
    make_traffic(client, auth, TENANT_A)
    make_traffic(client, auth, TENANT_B)
    # Cut inside the round's last write (clinic-b comes last), once everything was handed
    # to the socket: only a forwarder that waits for the receiver's confirmation notices.
    cut = len(stored(vault, TENANT_A)) + 1 + 3  # clinic-a, its audit:export, 3 of clinic-b
    siem = receiver(receivers, pki.server, cut_after_frames=cut)

    code, _, err = forward(vault, siem.port, "--ca-file", str(pki.ca))

    assert code == 0, err
    assert "did not confirm" in err and "retrying in" in err and siem.connections == 2
    received = [parse(frame) for frame in siem.frames]
    seqs = seqs_by_tenant(received)
    for tenant in (TENANT_A, TENANT_B):
        assert sorted(set(seqs[tenant])) == list(range(len(stored(vault, tenant))))  # no gap
    again = seqs_by_tenant(received[cut:])  # the second session: the whole round, in order
    for tenant in (TENANT_A, TENANT_B):
        assert again[tenant] == list(range(len(stored(vault, tenant))))


def test_a_refused_first_connection_is_retried(
    vault: Settings, client: TestClient, auth: TokenFactory, pki: Pki, receivers: list[Receiver]
) -> None:
    make_traffic(client, auth)
    siem = receiver(receivers, pki.server, reset_connections=1)

    code, _, err = forward(vault, siem.port, "--ca-file", str(pki.ca))

    assert code == 0, err
    assert siem.connections == 2 and err.count("retrying in") == 1
    seqs = seqs_by_tenant([parse(frame) for frame in siem.frames])
    assert seqs[TENANT_A] == list(range(len(stored(vault, TENANT_A))))


def test_it_gives_up_after_the_allowed_failures_and_keeps_its_cursor(
    vault: Settings, pki: Pki
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again: nobody listens there

    code, _, err = forward(vault, port, "--ca-file", str(pki.ca), "--max-failures", "2")

    assert code == 1
    assert err.count("retrying in") == 1 and f"cannot connect to 127.0.0.1:{port}" in err
    assert not cursor_path(vault.data_dir, "127.0.0.1", port).exists()


@pytest.mark.parametrize(
    ("cert", "trust", "why"),
    [
        ("stranger", "ca", "unable to get local issuer certificate"),
        ("wrong_name", "ca", "mismatch"),
        ("server", None, "unable to get local issuer certificate"),  # system store only
    ],
)
def test_an_untrusted_server_gets_nothing(
    vault: Settings, client: TestClient, auth: TokenFactory, pki: Pki,
    receivers: list[Receiver], cert: str, trust: str | None, why: str,
) -> None:  # fmt: skip
    make_traffic(client, auth)
    siem = receiver(receivers, getattr(pki, cert))
    ca = ["--ca-file", str(pki.ca)] if trust else []

    code, _, err = forward(vault, siem.port, *ca)

    assert code == 1
    assert "was not accepted" in err and why in err and "nothing was sent" in err
    assert siem.frames == [] and siem.connections == 1  # not retried
    assert not cursor_path(vault.data_dir, "127.0.0.1", siem.port).exists()


def test_mutual_tls_with_a_client_certificate(
    vault: Settings, client: TestClient, auth: TokenFactory, pki: Pki, receivers: list[Receiver]
) -> None:
    make_traffic(client, auth)
    siem = receiver(receivers, pki.server, client_ca=pki.client_ca)
    cert, key = pki.client

    without = forward(vault, siem.port, "--ca-file", str(pki.ca), "--max-failures", "1")
    code, _, err = forward(
        vault, siem.port, "--ca-file", str(pki.ca), "--client-cert", str(cert),
        "--client-key", str(key),
    )  # fmt: skip

    assert without[0] == 1
    assert code == 0, err
    seqs = seqs_by_tenant([parse(frame) for frame in siem.frames])
    assert seqs[TENANT_A] == list(range(len(stored(vault, TENANT_A))))
    half = audit_cli(vault, "forward-syslog", "--host", "x", "--client-cert", str(cert))
    assert half.exit_code == 2 and "go together" in half.stderr


def test_cef_over_syslog(
    vault: Settings, client: TestClient, auth: TokenFactory, pki: Pki, receivers: list[Receiver]
) -> None:
    make_traffic(client, auth)
    siem = receiver(receivers, pki.server)

    code, _, err = forward(
        vault, siem.port, "--ca-file", str(pki.ca), "--format", "cef", "--facility", "local4"
    )

    assert code == 0, err
    messages = [parse(frame) for frame in siem.frames]
    assert all(m.sd_id is None and m.msg.startswith("CEF:0|CallVault|") for m in messages)
    assert {m.pri for m in messages} <= {20 * 8 + 4, 20 * 8 + 5}
    by_tenant: dict[str, list[int]] = {}
    for message in messages:
        _, ext = parse_cef(message.msg)
        by_tenant.setdefault(ext["cs2"], []).append(int(ext["cn1"]))
    assert by_tenant[TENANT_A] == list(range(len(stored(vault, TENANT_A))))


def test_hostile_fields_cannot_forge_frames_or_structured_data(
    vault: Settings, pki: Pki, receivers: list[Receiver]
) -> None:
    with open_keyring(vault) as (session, _):
        principal = system_principal(get_tenant(session, TENANT_A).id, "synthetic-probe", [])
        record_event(
            session, principal, "call:read", resource_type="call", resource_id="r]1",
            outcome=Outcome.DENIED, request=RequestInfo(user_agent=SYSLOG_HOSTILE),
        )  # fmt: skip
        session.commit()
    siem = receiver(receivers, pki.server)

    code, _, err = forward(vault, siem.port, "--ca-file", str(pki.ca))

    assert code == 0, err
    assert len(siem.frames) == len(stored(vault, TENANT_A)) + len(stored(vault, TENANT_B))
    for frame in siem.frames:
        assert not re.search(rb"[\x00-\x1f\x7f]", frame)
    (probe,) = [m for m in map(parse, siem.frames) if m.params["actor_id"] == "synthetic-probe"]
    shown = SYSLOG_HOSTILE.replace("\x1b", "\\u001b").replace("\u2028", "\\u2028")
    shown = shown.replace("\r", "\\u000d").replace("\n", "\\u000a")
    assert probe.params["user_agent"] == shown
    assert probe.params["resource_id"] == "r]1"
    assert probe.msg == "system:synthetic-probe call:read call:r]1 denied"


def test_only_one_forwarder_per_receiver(vault: Settings, pki: Pki) -> None:
    with exclusive_cursor(cursor_path(vault.data_dir, "127.0.0.1", 6514)):
        result = audit_cli(vault, "forward-syslog", "--host", "127.0.0.1", "--once")

    assert result.exit_code == 2 and "another forward-syslog" in result.stderr


class _Stop(Exception):
    pass


def test_without_once_it_keeps_polling_and_sends_new_events(
    vault: Settings, pki: Pki, receivers: list[Receiver]
) -> None:
    siem = receiver(receivers, pki.server)
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise _Stop
        with open_keyring(vault) as (session, _):
            principal = system_principal(get_tenant(session, TENANT_B).id, "late-arrival", [])
            record_event(
                session, principal, "call:read", resource_type="call", resource_id=None,
                outcome=Outcome.ALLOWED, request=RequestInfo(),
            )  # fmt: skip
            session.commit()

    target = TlsTarget("127.0.0.1", siem.port, pki.ca)
    where = cursor_path(vault.data_dir, "127.0.0.1", siem.port)
    with (
        exclusive_cursor(where) as cursor,
        open_keyring(vault) as (session, _),
        pytest.raises(_Stop),
    ):
        forwarder = Forwarder(
            session, target, MessageStyle("h"), cursor, lambda s, t: None,
            ForwardOptions(poll_seconds=1.0), report=lambda _: None, sleep=nap,
        )  # fmt: skip
        forwarder.run()

    assert naps == [1.0, 1.0]
    (late,) = [m for m in map(parse, siem.frames) if m.params["actor_id"] == "late-arrival"]
    assert late.params["tenant"] == TENANT_B


# -- message pieces -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain", "plain"),
        ('say "hi"', 'say \\"hi\\"'),
        ("a]b", "a\\]b"),
        ("back\\slash", "back\\\\slash"),
        ("cr\rlf\n", "cr\\\\u000dlf\\\\u000a"),
        ("\x1b[2J", "\\\\u001b[2J"),
        ("caf\u00e9 | = [", "caf\u00e9 | = ["),
    ],
)
def test_sd_param_value_escaping(raw: str, escaped: str) -> None:
    assert sd_param_value(raw) == escaped


def test_header_fields_are_printable_ascii_tokens() -> None:
    assert header_token("vault host\n", 255) == "vault_host_"
    assert header_token("", 255) == "-"
    assert header_token("a" * 40, 32) == "a" * 32


def _event(outcome: str, action: str = "recording:play") -> ExportedEvent:
    return ExportedEvent(
        TenantRef("t1", "clinic-x"), 7, 1772460000123, "user", "u1", action, "recording",
        "r1", outcome, None, None, None, None, (), b"\x01" * 32,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("facility", "outcome", "pri"),
    [("authpriv", "allowed", 85), ("authpriv", "denied", 84), ("authpriv", "error", 84),
     ("local4", "allowed", 165), ("local4", "not_found", 164), ("auth", "allowed", 37)],
)  # fmt: skip
def test_priority_is_facility_and_severity(facility: str, outcome: str, pri: int) -> None:
    message = rfc5424_message(_event(outcome), MessageStyle("h", facility))
    assert message.startswith(f"<{pri}>1 2026-03-02T14:00:00.123Z h callvault - ".encode())


def test_frames_count_octets_not_characters() -> None:
    message = rfc5424_message(_event("allowed", "caf\u00e9:read"), MessageStyle("h"))
    frame = octet_frame(message)
    assert frame == str(len(message)).encode() + b" " + message
    assert take_frame(frame + b"12 ") == (message, b"12 ")


def test_unknown_facility_is_refused() -> None:
    with pytest.raises(Exception, match="facility must be one of"):
        MessageStyle("h", "kern")


@pytest.mark.parametrize("failures", [1, 2, 3, 6, 12, 60])
def test_backoff_grows_then_stays_capped(failures: int) -> None:
    step = min(30.0, 0.5 * 2 ** (failures - 1))
    for _ in range(50):
        assert step / 2 <= backoff_delay(failures, 0.5, 30.0) <= step

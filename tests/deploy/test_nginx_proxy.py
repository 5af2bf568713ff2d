"""deploy/nginx/callvault.conf, run by a real nginx in front of a real ``callvault serve``:
what docs/deploy.md promises about the proxy holds."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from callvault.web.tls import ensure_self_signed_certificate

from ._stack import NGINX, NginxSite, callvault_server, nginx, render_site

pytestmark = [
    pytest.mark.sqlite_only,  # the proxy does not care which database is behind it
    pytest.mark.skipif(NGINX is None, reason="nginx not installed (apt-get install nginx)"),
]

PHONE_QUERY = "caller_number=%2B12025550147"
PHONE_DIGITS = "2025550147"
GIB = 1024**3


@dataclass(frozen=True)
class Upstream:
    port: int
    cert: Path
    front_cert: Path
    front_key: Path


@dataclass(frozen=True)
class Proxy:
    site: NginxSite
    front_cert: Path
    client_tls: ssl.SSLContext

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.site.https_port}{path}"


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upstream]:
    base = tmp_path_factory.mktemp("upstream")
    front = ensure_self_signed_certificate(base / "front")  # the "public" certificate
    with callvault_server(base / "data") as port:
        yield Upstream(port, base / "data" / "tls" / "cert.pem", front.cert, front.key)


def _proxy(directory: Path, upstream: Upstream, trusted: Path) -> Iterator[Proxy]:
    site = render_site(
        directory,
        upstream_port=upstream.port,
        upstream_cert=trusted,
        front_cert=upstream.front_cert,
        front_key=upstream.front_key,
    )
    with nginx(directory, site):
        tls = ssl.create_default_context(cafile=str(upstream.front_cert))
        yield Proxy(site, upstream.front_cert, tls)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory, upstream: Upstream) -> Iterator[Proxy]:
    yield from _proxy(tmp_path_factory.mktemp("nginx"), upstream, trusted=upstream.cert)


def logged(path: Path, line: str, seconds: float = 5.0) -> str:
    """The log's text once it holds ``line`` (nginx logs just after it answers)."""
    deadline = time.monotonic() + seconds
    while True:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if line in text or time.monotonic() > deadline:
            assert line in text, f"{line!r} not in {path.name}: {text!r}"
            return text
        time.sleep(0.05)


def _raw_request(proxy: Proxy, head: str) -> str:
    """Send a request head over TLS and return the status line (no body is sent)."""
    with (
        socket.create_connection(("127.0.0.1", proxy.site.https_port), timeout=10) as raw,
        proxy.client_tls.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(head.encode("ascii"))
        return tls.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_callvault_answers_through_nginx_over_a_verified_tls_hop(proxy: Proxy) -> None:
    # nginx checks CallVault's self-signed certificate (proxy_ssl_verify, name localhost):
    # a 200 with CallVault's OpenAPI means the check passed.
    response = httpx.get(proxy.url("/openapi.json"), verify=proxy.client_tls)

    assert response.status_code == 200
    assert response.json()["info"]["title"]
    assert response.headers["server"] == "nginx"  # server_tokens off: no version


def test_query_strings_never_reach_the_access_log(proxy: Proxy) -> None:
    response = httpx.get(proxy.url(f"/api/v1/calls?{PHONE_QUERY}"), verify=proxy.client_tls)

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    log = logged(proxy.site.access_log, '"GET /api/v1/calls HTTP/1.1" 401')
    assert PHONE_DIGITS not in log and "caller_number" not in log


def test_a_playback_links_token_never_reaches_the_access_log(proxy: Proxy) -> None:
    token = "synthetic-playback-token-0123456789abcdefghijk"
    response = httpx.get(proxy.url(f"/api/v1/playback/{token}"), verify=proxy.client_tls)

    assert response.status_code == 401  # CallVault's answer: no credentials came along
    log = logged(proxy.site.access_log, '"GET /api/v1/playback/- HTTP/1.1" 401')
    assert token not in log


def test_a_recording_above_nginx_default_body_limit_reaches_callvault(proxy: Proxy) -> None:
    # nginx's default client_max_body_size is 1 MiB; CallVault takes up to 1 GiB.
    body = bytes(3 * 1024 * 1024)
    url = proxy.url("/api/v1/calls/00000000-0000-4000-8000-000000000000/recording")

    response = httpx.put(url, content=body, verify=proxy.client_tls, timeout=30)

    assert response.status_code == 401  # CallVault's answer (no credentials), not nginx's 413
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_body_over_one_gib_is_refused_before_it_is_sent(proxy: Proxy) -> None:
    head = (
        "PUT /api/v1/calls/00000000-0000-4000-8000-000000000000/recording HTTP/1.1\r\n"
        f"Host: 127.0.0.1\r\nContent-Length: {GIB + 1}\r\n\r\n"
    )

    assert _raw_request(proxy, head).split(" ")[1] == "413"


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
@pytest.mark.parametrize(
    ("version", "ciphers"),
    [
        pytest.param(ssl.TLSVersion.TLSv1_1, "DEFAULT@SECLEVEL=0", id="tls1.1"),
        pytest.param(ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0", id="tls1.2-cbc"),
    ],
)
def test_old_protocols_and_non_aead_ciphers_are_refused(
    proxy: Proxy, version: ssl.TLSVersion, ciphers: str
) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = version
    context.set_ciphers(ciphers)

    with (
        socket.create_connection(("127.0.0.1", proxy.site.https_port), timeout=10) as raw,
        pytest.raises(ssl.SSLError),
    ):
        context.wrap_socket(raw).close()


def test_tls_1_2_is_accepted_with_an_aead_cipher(proxy: Proxy) -> None:
    context = ssl.create_default_context(cafile=str(proxy.front_cert))
    context.maximum_version = ssl.TLSVersion.TLSv1_2

    with (
        socket.create_connection(("127.0.0.1", proxy.site.https_port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() == "TLSv1.2"
        assert "GCM" in tls.cipher()[0] or "CHACHA20" in tls.cipher()[0]


def test_plain_http_redirects_to_https_without_path_or_query(proxy: Proxy) -> None:
    url = f"http://127.0.0.1:{proxy.site.http_port}/api/v1/calls?{PHONE_QUERY}"

    response = httpx.get(url)

    assert response.status_code == 301
    assert response.headers["location"] == "https://127.0.0.1/"


def test_an_upstream_certificate_nginx_does_not_trust_is_refused_and_not_logged(
    tmp_path: Path, upstream: Upstream
) -> None:
    # Trusting some other certificate than CallVault's: nginx must refuse the hop (502),
    # and its error log must not carry the request line with the query string.
    for proxy in _proxy(tmp_path, upstream, trusted=upstream.front_cert):
        response = httpx.get(proxy.url(f"/api/v1/calls?{PHONE_QUERY}"), verify=proxy.client_tls)

        assert response.status_code == 502
        logged(proxy.site.access_log, '"GET /api/v1/calls HTTP/1.1" 502')
        for log in (proxy.site.error_log, tmp_path / "main-error.log"):
            assert not log.exists() or PHONE_DIGITS not in log.read_text()

"""SecurityHeadersMiddleware against a real (loopback, plain HTTP) uvicorn listener."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from callvault.web.security_headers import SecurityHeadersMiddleware
from callvault.web.server import build_server_config

FIRST_CHUNK = b"first chunk\n"
CHUNKS = [b"%05d," % i for i in range(200)]


class Streams:
    """State the streaming endpoints share with the test thread."""

    release = threading.Event()


async def plain(request: Request) -> PlainTextResponse:
    return PlainTextResponse("plain")


async def own_policies(request: Request) -> Response:
    return Response(
        "own",
        headers={
            "Cache-Control": "private, max-age=60",
            "Content-Security-Policy": "default-src 'self'",
            "X-Frame-Options": "SAMEORIGIN",
        },
    )


async def held_stream(request: Request) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        yield FIRST_CHUNK
        # Hold the rest back until the client has seen the first chunk (bounded wait).
        deadline = time.monotonic() + 10
        while not Streams.release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        yield b"released\n"

    return StreamingResponse(body(), media_type="text/plain")


async def many_chunks(request: Request) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        for chunk in CHUNKS:
            yield chunk

    return StreamingResponse(body(), media_type="text/plain")


def make_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/", plain),
            Route("/own", own_policies),
            Route("/held", held_stream),
            Route("/many", many_chunks),
        ]
    )


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
            time.sleep(0.02)
        assert server.started, "uvicorn did not start"
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    bound = int(sock.getsockname()[1])
    tls_dir: Path = tmp_path_factory.mktemp("data") / "tls"
    config, _ = build_server_config(
        make_app(), host="127.0.0.1", port=bound, tls_dir=tls_dir, insecure_http=True
    )
    with running(config, sock):
        yield bound


@pytest.fixture
def conn(port: int) -> Iterator[http.client.HTTPConnection]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    yield connection
    connection.close()


def get(conn: http.client.HTTPConnection, path: str) -> http.client.HTTPResponse:
    conn.request("GET", path)
    return conn.getresponse()


@pytest.mark.parametrize("path", ["/", "/does-not-exist"])
def test_every_response_gets_the_headers(conn: http.client.HTTPConnection, path: str) -> None:
    response = get(conn, path)
    response.read()
    assert response.getheader("x-content-type-options") == "nosniff"
    assert response.getheader("referrer-policy") == "no-referrer"
    assert response.getheader("x-frame-options") == "DENY"
    assert response.getheader("content-security-policy") == (
        "default-src 'none'; frame-ancestors 'none'"
    )
    assert response.getheader("cache-control") == "no-store"


def test_plain_http_has_no_hsts_and_no_server_banner(conn: http.client.HTTPConnection) -> None:
    response = get(conn, "/")
    assert response.read() == b"plain"
    assert response.getheader("strict-transport-security") is None
    assert response.getheader("server") is None


def test_response_keeps_its_own_cache_control_and_csp(conn: http.client.HTTPConnection) -> None:
    response = get(conn, "/own")
    assert response.read() == b"own"
    assert response.msg.get_all("cache-control") == ["private, max-age=60"]
    assert response.msg.get_all("content-security-policy") == ["default-src 'self'"]


def test_policy_headers_replace_the_responses_own(conn: http.client.HTTPConnection) -> None:
    response = get(conn, "/own")
    response.read()
    assert response.msg.get_all("x-frame-options") == ["DENY"]


def test_streaming_response_is_not_buffered(conn: http.client.HTTPConnection) -> None:
    Streams.release.clear()
    response = get(conn, "/held")
    assert response.getheader("cache-control") == "no-store"
    # A buffering middleware would hold this until the generator ends: a 5 s timeout.
    assert response.read(len(FIRST_CHUNK)) == FIRST_CHUNK
    Streams.release.set()
    assert response.read() == b"released\n"


def test_multi_chunk_stream_is_intact(conn: http.client.HTTPConnection) -> None:
    response = get(conn, "/many")
    assert response.getheader("transfer-encoding") == "chunked"
    assert response.read() == b"".join(CHUNKS)


def test_non_http_scopes_pass_through_untouched() -> None:
    seen: list[str] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        seen.append(str(scope["type"]))

    middleware = SecurityHeadersMiddleware(app, hsts=True)  # type: ignore[arg-type]
    asyncio.run(middleware({"type": "websocket"}, None, None))  # type: ignore[arg-type]
    assert seen == ["websocket"]

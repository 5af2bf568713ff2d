"""A local HTTPS receiver standing in for GA4 and a clinic's webhook: it records every
POST (path with query, headers, body) and answers with scripted statuses (204 once the
script is used up). Its certificate comes from the throwaway CA of
``tests.integrations._recording_server``, which the app trusts through
``Settings.conversions_ca_bundle``."""

from __future__ import annotations

from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.integrations._recording_server import TlsServerThread


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ReceiverState:
    base_url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def reset(self) -> None:
        self.statuses.clear()
        self.received.clear()


def _handler(state: ReceiverState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server calls
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.received.append(Received(self.path, headers, body))
            self.send_response(state.statuses.pop(0) if state.statuses else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    return Handler


class ReceiverThread(TlsServerThread):
    """``ReceiverState`` served over TLS until ``stop``."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.state = ReceiverState()
        super().__init__(_handler(self.state), cert, key)
        self.state.base_url = self.base_url

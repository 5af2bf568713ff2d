"""A vault with a few synthetic calls and transcripts written through the API, a backup
directory beside it, and an empty place (directory and database) to restore into."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from callvault.settings import Settings, load_settings
from callvault.web.app import create_app
from tests import _postgres
from tests._vault import TokenFactory
from tests.calls.factories import call_payload, wav_bytes
from tests.conftest import _postgresql_server

TRANSCRIPT = "Synthetic caller asks to move a checkup to Friday morning."


@dataclass(frozen=True)
class Filled:
    settings: Settings
    client: TestClient  # on the live vault, still holding its connections
    reader: dict[str, str]  # a supervisor token: reads calls and transcripts
    writer: dict[str, str]  # an integration token: creates calls, uploads objects
    call_ids: list[str]

    @property
    def root_key(self) -> Path:
        return self.settings.root_key_path

    def add_call(self, transcript: str) -> str:
        response = self.client.post("/api/v1/calls", json=call_payload(), headers=self.writer)
        assert response.status_code == 201
        call_id = str(response.json()["id"])
        self.put_transcript(call_id, transcript)
        return call_id

    def put_transcript(self, call_id: str, text: str) -> None:
        url = f"/api/v1/calls/{call_id}/transcript"
        assert self.client.put(url, json={"text": text}, headers=self.writer).status_code == 204


@pytest.fixture
def filled(vault: Settings, auth: TokenFactory) -> Iterator[Filled]:
    with TestClient(create_app(vault), raise_server_exceptions=False) as client:
        live = Filled(vault, client, auth("supervisor"), auth("integration"), [])
        for _ in range(2):
            live.call_ids.append(live.add_call(TRANSCRIPT))
        recording = client.put(
            f"/api/v1/calls/{live.call_ids[0]}/recording",
            content=wav_bytes(0.5),
            headers=live.writer | {"Content-Type": "audio/wav"},
        )
        assert recording.status_code in (201, 202, 204), recording.text
        yield live


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    directory = tmp_path / "backups"
    directory.mkdir(mode=0o700)
    return directory


RestoreTarget = Callable[[], Settings]


@pytest.fixture
def restore_target(
    request: pytest.FixtureRequest, tmp_path: Path, db_backend: str
) -> Iterator[RestoreTarget]:
    """Makes settings of an empty place to restore into: a new directory and, on
    PostgreSQL, a new empty database (SQLite: the default file inside the directory)."""
    counter = iter(range(100))
    made: list[str] = []
    server = _postgresql_server(request) if db_backend == "postgresql" else None

    def fresh() -> Settings:
        data_dir = tmp_path / f"restored-{next(counter)}"
        if server is None:
            return load_settings(data_dir, environ={})
        made.append(_postgres.create_database(server))
        return load_settings(data_dir, server.url(made[-1]), environ={})

    yield fresh
    for name in made:
        assert server is not None
        _postgres.drop_database(server, name)

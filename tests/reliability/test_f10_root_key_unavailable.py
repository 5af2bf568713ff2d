"""F10 kek-unavailable: the root key (KEK) becomes unreadable while the server runs.

The provider seam (``RootKeyProvider``) is where a KMS or key service plugs in; here the
real local key file sits behind a switch that makes it fail as a key service outage
would. Cached tenant keys live for a bounded time (``KeyCache``): the test lets that time
pass (a cache of age 0), then every encrypt and decrypt must fail closed with a 503, and
nothing sent meanwhile may land anywhere in plaintext. A root key file that cannot be
read stops the server from starting at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from callvault.crypto.errors import KeyUnavailable
from callvault.crypto.keyprovider import LocalKeyFileProvider
from callvault.crypto.keyring import KeyCache
from callvault.settings import Settings
from callvault.web.app import create_app
from tests._vault import TokenFactory
from tests.calls.factories import call_payload

from .conftest import add_canary_call, canary_wav, found_in, process_recordings, raw_bytes

CANARY = "canary-f10-walrus-ember"


class SwitchableKeyService:
    """A root key provider that can go down: the real key, or a KeyUnavailable."""

    def __init__(self, path: Path) -> None:
        self._real = LocalKeyFileProvider(path)
        self.down = False

    @property
    def key_id(self) -> str:
        return self._real.key_id

    def wrap(self, key: bytes, associated_data: bytes) -> bytes:
        self._fail_if_down()
        return self._real.wrap(key, associated_data)

    def unwrap(self, wrapped: bytes, associated_data: bytes) -> bytes:
        self._fail_if_down()
        return self._real.unwrap(wrapped, associated_data)

    def _fail_if_down(self) -> None:
        if self.down:
            raise KeyUnavailable("the key service does not answer")


def _assert_generic_503(response: object) -> None:
    status, text = response.status_code, response.text  # type: ignore[attr-defined]
    assert status == 503, (status, text[:300])
    for leak in ("Traceback", 'File "', "sqlalchemy", CANARY):
        assert leak not in text


def test_encrypt_and_decrypt_fail_closed_while_the_key_service_is_down(
    vault: Settings, auth: TokenFactory
) -> None:
    service = SwitchableKeyService(vault.root_key_path)
    app = create_app(vault, root_key=service)
    writer, reader = auth("integration"), auth("supervisor")
    with TestClient(app, raise_server_exceptions=False) as client:
        stored = add_canary_call(client, writer, "canary-f10-stored-before", tag=10)
        process_recordings(vault)
        service.down = True
        app.state.resources.key_cache = KeyCache(max_age_s=0)  # the cache window passes
        url = f"/api/v1/calls/{stored.id}"
        audio = canary_wav(11)

        _assert_generic_503(client.get(f"{url}/transcript", headers=reader))
        _assert_generic_503(client.get(f"{url}/recording", headers=reader))
        _assert_generic_503(
            client.post("/api/v1/calls", json=call_payload(notes=CANARY), headers=writer)
        )
        _assert_generic_503(client.put(f"{url}/transcript", json={"text": CANARY}, headers=writer))
        headers = writer | {"Content-Type": "audio/wav"}
        _assert_generic_503(client.put(f"{url}/recording", content=audio, headers=headers))

        middle = len(audio) // 2
        assert found_in(raw_bytes(vault), [CANARY.encode(), audio[middle : middle + 64]]) == []

        service.down = False  # the key service is back: no restart needed
        assert client.get(f"{url}/transcript", headers=reader).status_code == 200


@pytest.mark.parametrize("damage", ["removed", "group_readable", "garbled"])
def test_a_server_does_not_start_without_a_readable_root_key(vault: Settings, damage: str) -> None:
    key = vault.root_key_path
    if damage == "removed":
        key.unlink()
    elif damage == "group_readable":
        os.chmod(key, 0o640)  # as root, chmod 000 would still read: refused by mode instead
    else:
        key.write_bytes(b'{"format": "callvault-root-key", "version": 1, "key": "AAAA"}')
    with pytest.raises(KeyUnavailable):
        create_app(vault)

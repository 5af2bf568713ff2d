"""The processes that answer requests freeze their startup heap once (``gcpauses``), so
a full collection under load walks only what was made since."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from callvault.settings import Settings

# A fresh interpreter: freezing is once per process, and the test process's is shared.
_TWO_LIFESPANS = textwrap.dedent(
    """
    import gc, sys
    from fastapi.testclient import TestClient
    from callvault.settings import load_settings
    from callvault.web.app import create_app

    settings = load_settings(sys.argv[1], sys.argv[2], environ={})
    counts = []
    for _ in range(2):
        with TestClient(create_app(settings)) as client:
            assert client.get("/healthz").status_code == 200
            counts.append(gc.get_freeze_count())
    print(*counts)
    """
)


def test_the_server_freezes_its_startup_heap_once(vault: Settings) -> None:
    found = subprocess.run(
        [sys.executable, "-c", _TWO_LIFESPANS, str(vault.data_dir), vault.database_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    first, second = map(int, found.stdout.split())
    assert first > 50_000  # the modules, routes and mappers: all of startup
    # Not frozen again (a frozen object freed by its count leaves the frozen set): the
    # second app's objects stay collectable.
    assert second <= first

"""What a process imports before it does anything: every CLI command, server and jobs
process pays it at start (the suite starts about a hundred), so libraries that only
some of them need wait to be asked for: boto3 for S3, reportlab for the PDF report,
phonenumbers' geocoder for consent and breach notices, numpy for audio, procrastinate
(and psycopg) for the PostgreSQL queue, alembic for a schema that is not current.
A server loads the geocoder before it answers, so that a first call create does not
import it on the event loop's interpreter."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from callvault.settings import Settings

LATE = ("boto3", "reportlab", "phonenumbers.geocoder", "numpy", "procrastinate", "alembic")

# Fresh interpreters: the test process has imported everything already.
_IMPORTS = textwrap.dedent(
    """
    import sys
    import callvault.cli.main, callvault.web.app, callvault.web.background, callvault.instance
    print(" ".join(name for name in sys.argv[1:] if name in sys.modules))
    """
)
_SERVED = textwrap.dedent(
    """
    import sys
    from fastapi.testclient import TestClient
    from callvault.settings import load_settings
    from callvault.web.app import create_app

    settings = load_settings(sys.argv[1], sys.argv[2], environ={})
    app = create_app(settings)
    before = "phonenumbers.geocoder" in sys.modules
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        print(before, "phonenumbers.geocoder" in sys.modules)
    """
)


def _run(*argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", *argv], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.strip()


def test_the_cli_and_the_app_import_no_library_they_may_not_need() -> None:
    assert _run(_IMPORTS, *LATE) == ""


def test_a_server_loads_the_geocoder_before_it_answers(vault: Settings) -> None:
    assert _run(_SERVED, str(vault.data_dir), vault.database_url) == "False True"

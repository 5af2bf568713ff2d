"""``callvault jobs run [--once]``: run the recording pipeline outside the server
(a dedicated worker process when scaled out; several may run at once)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from callvault.cli.options import DatabaseUrl, DataDir, fail, require_initialised, settings_from
from callvault.errors import CallVaultError

jobs_app = typer.Typer(help="Run background jobs (the recording pipeline).", no_args_is_help=True)


@jobs_app.command("run")
def run(
    once: Annotated[bool, typer.Option("--once", help="Run what is due now, then exit")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Jobs per round")] = 10,
    poll: Annotated[float, typer.Option("--poll", min=0.1, help="Seconds between rounds")] = 2.0,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Claim and run due pipeline jobs; prints counts only (ids, states, error classes)."""
    from callvault.audit.log import AuditRuntime
    from callvault.blobs.factory import create_blob_store
    from callvault.crypto.keyprovider import LocalKeyFileProvider
    from callvault.db.base import create_db_engine, create_session_factory
    from callvault.instance import migrate
    from callvault.pipeline.runner import PipelineRuntime, run_due_jobs

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    engine = create_db_engine(settings.database_url)
    try:
        migrate(settings)
        root = LocalKeyFileProvider(settings.root_key_path)
        audit = AuditRuntime.for_settings(settings, root)
        sessions = create_session_factory(engine, audit.session_info())
        runtime = PipelineRuntime(root, settings)
        blobs = create_blob_store(settings)
        while True:
            for result in run_due_jobs(sessions, blobs, runtime, limit):
                reason = f" ({result.reason})" if result.reason else ""
                typer.echo(f"job {result.job_id} call {result.call_id}: {result.state}{reason}")
            if once:
                return
            time.sleep(poll)
    except CallVaultError as exc:
        fail(exc.detail)
    except KeyboardInterrupt:
        return
    finally:
        engine.dispose()

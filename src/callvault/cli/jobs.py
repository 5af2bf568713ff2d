"""``callvault jobs run [--once]``: the background jobs (signing due audit tree heads,
the alert watcher and delivery, the recording pipeline) outside any API process.

``callvault serve`` runs this loop in a process of its own and supervises it; run it
yourself for a jobs process on another host. Several may run at once: claims and leases
keep them apart."""

from __future__ import annotations

import os
import signal
import threading
from typing import Annotated

import typer

from callvault.cli.options import DatabaseUrl, DataDir, fail, require_initialised, settings_from
from callvault.errors import CallVaultError

jobs_app = typer.Typer(
    help="Run background jobs (audit signing, alerts, the recording pipeline).",
    no_args_is_help=True,
)


@jobs_app.command("run")
def run(
    once: Annotated[bool, typer.Option("--once", help="Run what is due now, then exit")] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Recording jobs per round (at most)")
    ] = 10,
    poll: Annotated[float, typer.Option("--poll", min=0.1, help="Seconds between rounds")] = 1.0,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    parent_pid: Annotated[
        int | None, typer.Option("--parent-pid", hidden=True, help="Stop when it is gone")
    ] = None,
) -> None:
    """Run the background jobs; prints one line per recording job (ids, states and
    error classes only). Without --once it runs until SIGTERM or Ctrl-C, then stops
    claiming work and lets the job in flight finish (or leaves it to its lease)."""
    from callvault.instance import migrate
    from callvault.logs import configure_logging
    from callvault.pipeline.runner import JobResult
    from callvault.web.background import JobsLoop

    def report(result: JobResult) -> None:
        reason = f" ({result.reason})" if result.reason else ""
        typer.echo(f"job {result.job_id} call {result.call_id}: {result.state}{reason}")

    stop = threading.Event()
    if not once:  # a long-running process: its own JSON log lines and signal handling
        configure_logging()
        stop = _stop_event(parent_pid)
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    try:
        migrate(settings)
        loop = JobsLoop(settings, pipeline_limit=limit, on_result=report)
    except CallVaultError as exc:
        fail(exc.detail)
    try:
        if once:
            loop.run_once()
        else:
            loop.run(stop, poll)
    finally:
        loop.close()


def _stop_event(parent_pid: int | None) -> threading.Event:
    """Set on SIGTERM or SIGINT, and, for serve's jobs process, once serve (``parent_pid``)
    is gone: a killed serve must not leave its jobs process running on. The pid comes
    from serve itself, so a serve that died while this process was starting counts too."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if parent_pid is not None:
        threading.Thread(target=_watch_parent, args=(parent_pid, stop), daemon=True).start()
    return stop


def _watch_parent(parent_pid: int, stop: threading.Event) -> None:
    while os.getppid() == parent_pid and not stop.wait(0.5):
        pass
    stop.set()  # reparented: our parent died (or we are stopping anyway)

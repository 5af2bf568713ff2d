"""``callvault jobs run [--once]``: the background jobs (signing due audit tree heads,
the alert watcher and delivery, the recording pipeline) outside any API process; and
``callvault jobs status``: where the queue stands, for an operator.

``callvault serve`` runs this loop in a process of its own and supervises it; run it
yourself for a jobs process on another host. Several may run at once: claims and leases
keep them apart, and on PostgreSQL the schedules run once cluster-wide
(``callvault.web.background``). ``callvault worker`` (``callvault.cli.worker``) is the
same loop with the queue's options, for the scaled-out deployment."""

from __future__ import annotations

import atexit
import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from callvault.cli.options import DatabaseUrl, DataDir, fail, require_initialised, settings_from
from callvault.errors import CallVaultError

if TYPE_CHECKING:
    from callvault.pipeline.runner import JobResult
    from callvault.settings import Settings
    from callvault.web.background import QueueOptions

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
    from callvault.logs import configure_logging

    stop = threading.Event()
    if not once:  # a long-running process: its own JSON log lines and signal handling
        configure_logging()
        route_queue_logs()
        stop = _stop_event(parent_pid)
    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    run_loop(settings, None, stop, once=once, limit=limit, poll=poll)


def run_worker(
    settings: Settings,
    concurrency: int,
    stalled_after: float,
    max_attempts: int,
    retry_delay: float,
    poll: float,
) -> None:
    """``callvault worker``: the jobs loop with the queue's options; refuses SQLite."""
    from datetime import timedelta

    from callvault.jobs.queue import is_queue_database
    from callvault.jobs.service import RetryPolicy
    from callvault.logs import configure_logging
    from callvault.web.background import QueueOptions

    if not is_queue_database(settings.database_url):
        fail(
            "callvault worker needs PostgreSQL (--database-url postgresql://...); on SQLite "
            "use `callvault jobs run` (the embedded runner)"
        )
    require_initialised(settings)
    configure_logging()
    route_queue_logs()
    retry = RetryPolicy(max_attempts=max_attempts, base_delay=timedelta(seconds=retry_delay))
    options = QueueOptions(concurrency=concurrency, stalled_after=stalled_after, retry=retry)
    run_loop(settings, options, _stop_event(None), poll=poll)


def route_queue_logs() -> None:
    """procrastinate's log lines (PostgreSQL) through our JSON log writer, warnings and
    up: its message names the task and job ids; its extra fields and tracebacks are not
    on our allowlist and are never written (``callvault.logs``)."""
    ours, theirs = logging.getLogger("callvault"), logging.getLogger("procrastinate")
    theirs.handlers[:] = list(ours.handlers)
    theirs.setLevel(logging.WARNING)
    theirs.propagate = False


def run_loop(
    settings: Settings,
    queue: QueueOptions | None,
    stop: threading.Event,
    *,
    once: bool = False,
    limit: int = 10,
    poll: float = 1.0,
) -> None:
    """Migrate, then run the jobs loop until ``stop`` (or one round, ``once``),
    printing one line per recording job."""
    from callvault.instance import migrate
    from callvault.web.background import JobsLoop

    try:
        migrate(settings)
        if stop.is_set():  # asked to stop (or serve died) while starting: nothing to do
            return
        loop = JobsLoop(settings, pipeline_limit=limit, on_result=report, queue=queue)
    except CallVaultError as exc:
        fail(exc.detail)
    try:
        if once:
            loop.run_once()
            return
        drained = loop.run(stop, poll)
    finally:
        loop.close()
    if loop.queued:
        _exit_now(drained)


def _exit_now(drained: bool) -> NoReturn:
    """End a queue worker's process now: everything it did is in the database, and the
    interpreter's own teardown (seconds, on a busy host) would only delay a restart.
    Exit handlers (the log writer's flush) run if no job is left running; with one still
    running they would wait for its thread, so then they are skipped too: the queue hands
    the job on once this process's heartbeats stop."""
    if drained:
        atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def report(result: JobResult) -> None:
    reason = f" ({result.reason})" if result.reason else ""
    typer.echo(f"job {result.job_id} call {result.call_id}: {result.state}{reason}", nl=True)


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


@jobs_app.command("status")
def status(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Failed jobs to list")] = 20,
) -> None:
    """Where the queue stands: recording jobs by state, the failed ones (job id, call id,
    attempts, reason: an error class), the queue's runs and live workers (PostgreSQL)
    and the cluster-wide schedules. Ids, counts, times and error classes only."""
    from callvault.db.base import create_db_engine, create_session_factory
    from callvault.jobs import status as queue_status
    from callvault.jobs.queue import is_queue_database

    settings = settings_from(data_dir, database_url)
    require_initialised(settings)
    engine = create_db_engine(settings.database_url, read_only=True)
    try:
        with create_session_factory(engine)() as session:
            counts = queue_status.counts_by_state(session)
            typer.echo("recording jobs: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            for job in queue_status.failed_jobs(session, limit):
                typer.echo(
                    f"  failed: job {job.job_id} call {job.call_id} attempts {job.attempts}"
                    f" reason {job.reason or '-'} at {job.updated_at.isoformat()}"
                )
            if is_queue_database(settings.database_url):
                runs = queue_status.queue_runs(session)
                shown = ", ".join(f"{k} {v}" for k, v in sorted(runs.by_status.items()))
                typer.echo(f"queue runs: {shown or 'none'}; live workers {runs.live_workers}")
            for row in queue_status.schedules(session):
                started, due = _when(row.last_started_at), _when(row.next_due_at)
                typer.echo(
                    f"schedule {row.name}: runs {row.runs}, last started {started}"
                    f", next due {due}, last error {row.last_error or '-'}"
                )
    finally:
        engine.dispose()


def _when(moment: object) -> str:
    return moment.isoformat() if hasattr(moment, "isoformat") else "-"

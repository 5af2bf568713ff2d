"""``callvault worker``: a queue worker for the scaled-out deployment (PostgreSQL).

Start one on every machine that should run recording jobs, all on the same
``--database-url`` (and the same blob store and root key, as the API processes):

    callvault worker --data-dir /srv/callvault --database-url postgresql://... --concurrency 2

Each runs up to ``--concurrency`` recording jobs at once (procrastinate,
``callvault.jobs.queue``) and takes its turn at the background schedules (audit signing,
alerts, exports, the daily retention sweep), which run once cluster-wide however many
workers there are (``callvault.jobs.schedules``). ``callvault serve --no-jobs`` then
leaves the jobs to the workers. SIGTERM or Ctrl-C: fetch nothing more, let the jobs in
flight finish (20 s), exit; a job cut off, or a worker killed with -9, is run again by
another worker once this one's heartbeats have been missing ``--stalled-after`` seconds.

On SQLite (the embedded default, one host) it refuses (exit 2): the embedded runner is
``callvault jobs run`` (or the jobs process ``callvault serve`` starts). The work itself
is ``callvault.cli.jobs.run_worker`` (a composition root: it wires the capabilities).
"""

from __future__ import annotations

from typing import Annotated

import typer

from callvault.cli.options import DatabaseUrl, DataDir, settings_from

CONCURRENCY_HELP = (
    "Recording jobs this worker runs at once (threads). A transcription holds the "
    "interpreter for seconds at a time: for CPU-bound work prefer more worker "
    "processes, about one per core, to a high concurrency."
)


def worker(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, help=CONCURRENCY_HELP)
    ] = 1,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=3.0,
            help="Seconds without a worker's heartbeat before its jobs run elsewhere",
        ),
    ] = 30.0,
    max_attempts: Annotated[
        int, typer.Option("--max-attempts", min=1, help="Attempts per recording job")
    ] = 4,
    retry_delay: Annotated[
        float,
        typer.Option(
            "--retry-delay",
            min=0.1,
            help="Seconds before the first retry; doubled for each one after (at most 1 h)",
        ),
    ] = 30.0,
    poll: Annotated[
        float, typer.Option("--poll", min=0.1, help="Seconds between schedule rounds")
    ] = 1.0,
) -> None:
    """Run a queue worker (PostgreSQL): recording jobs and its turn at the schedules.
    Prints one line per recording job (ids, states and error classes only)."""
    from callvault.cli.jobs import run_worker

    settings = settings_from(data_dir, database_url)
    run_worker(settings, concurrency, stalled_after, max_attempts, retry_delay, poll)

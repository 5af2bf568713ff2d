"""The Prometheus metrics every layer counts into, and how they are gathered for a scrape.

Defined here, at the bottom of the stack, so that core modules (the audit group
committer, the blob stores, the key provider) can count without reaching up. Scraped
through ``GET /metrics`` (``callvault.web.metrics``); every metric is listed in
docs/metrics.md.

Labels are fixed vocabularies: a route's template, an HTTP method from a short list, a
status code, a store or provider kind, a job outcome. Never a raw path, a tenant, a
phone number or a name: nothing a caller can steer into a label.

Several processes: ``callvault serve`` runs N API processes and a jobs process. Each
counts in its own memory; ``use_multiprocess_dir`` (called by serve before it starts
them) makes prometheus-client's multiprocess mode write every process's values to files
in one directory, which a scrape then sums (``render``). The mode is fixed when
prometheus-client is first imported, so only processes started after the call (the
spawned workers, the jobs process) write files; a process that imported it earlier
(serve itself, serving with one worker) keeps its own values in memory, and ``render``
adds the files of the others to them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
UNMATCHED_ROUTE = "unmatched"  # a path no route answers: never the path itself
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# This process writes its values to files (it imported prometheus-client with the
# directory set): the mode cannot change later, so it is read once, here.
MULTIPROCESS = values.ValueClass is not values.MutexValue

HTTP_REQUESTS = Counter(
    "callvault_http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "callvault_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by method and route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
AUDIT_BATCH_EVENTS = Histogram(
    "callvault_audit_batch_events",
    "Audit events per group-committed batch.",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000),
)
AUDIT_BATCH_WAIT_SECONDS = Histogram(
    "callvault_audit_batch_wait_seconds",
    "Per batch, how long its oldest event waited: from being queued to its batch's commit.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
AUDIT_BATCH_COMMIT_SECONDS = Histogram(
    "callvault_audit_batch_commit_seconds",
    "Time to write and commit one audit batch (in the writer process or thread).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
AUDIT_BATCHES_FAILED = Counter(
    "callvault_audit_batches_failed_total",
    "Audit batches that failed: every request in them was answered 503.",
)
BLOB_STORE_ERRORS = Counter(
    "callvault_blob_store_errors_total",
    "Blob store operations that failed (disk or S3), by store kind.",
    ["store"],
)
KEY_PROVIDER_ERRORS = Counter(
    "callvault_key_provider_errors_total",
    "Root key provider failures, by provider kind and operation (load, unwrap).",
    ["provider", "operation"],
)
RECORDING_JOB_SECONDS = Histogram(
    "callvault_recording_job_duration_seconds",
    "Time one recording pipeline attempt took, by outcome (done, review, retry, failed).",
    ["outcome"],
    buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)


def method_label(method: str) -> str:
    """The method as a label: one of a short list, anything else ``other``."""
    return method if method in KNOWN_METHODS else "other"


def observe_recording_job(outcome: str, seconds: float) -> None:
    """For the pipeline runner: one attempt finished with ``outcome`` after ``seconds``."""
    RECORDING_JOB_SECONDS.labels(outcome).observe(seconds)


def use_multiprocess_dir(directory: Path) -> None:
    """Empty ``directory`` (left by an earlier run) and have processes started from now
    on write their values there. Call once, before starting them."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(mode=0o700, parents=True)
    os.environ[MULTIPROC_ENV] = str(directory)


def process_exited(pid: int) -> None:
    """Forget a stopped process's live gauges (its counters stay in the sums)."""
    if MULTIPROCESS:
        mark_process_dead(pid)  # type: ignore[no-untyped-call]  # untyped in 0.26


def render(collectors: Iterable[Collector] = ()) -> bytes:
    """The text exposition of every process's metrics and of ``collectors`` (values
    read at scrape time, such as the job queue's depth)."""
    registry = CollectorRegistry(auto_describe=False)
    directory = os.environ.get(MULTIPROC_ENV)
    if MULTIPROCESS and directory:
        MultiProcessCollector(registry, directory)  # type: ignore[no-untyped-call]  # ditto
    else:
        registry.register(_ThisProcess(directory))
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)


class _ThisProcess(Collector):
    """This process's values (the default registry), plus the files other processes
    wrote to ``directory`` if there is one, summed series by series."""

    def __init__(self, directory: str | None) -> None:
        self._directory = directory

    def collect(self) -> Iterable[Metric]:
        own = list(REGISTRY.collect())
        if not self._directory or not os.path.isdir(self._directory):
            return own
        files = MultiProcessCollector(None, self._directory)  # type: ignore[no-untyped-call]
        others = list(files.collect())  # type: ignore[no-untyped-call]  # untyped in 0.26
        return _summed(own + others)


def _summed(families: list[Metric]) -> list[Metric]:
    merged: dict[str, Metric] = {}
    totals: dict[str, dict[tuple[str, tuple[tuple[str, str], ...]], float]] = {}
    for family in families:
        if family.name not in merged:
            merged[family.name] = Metric(family.name, family.documentation, family.type)
            totals[family.name] = {}
        series = totals[family.name]
        for sample in family.samples:
            if sample.name.endswith("_created"):
                continue  # a process's start time: meaningless once summed
            key = (sample.name, tuple(sorted(sample.labels.items())))
            series[key] = series.get(key, 0.0) + sample.value
    for name, family in merged.items():
        for (sample_name, labels), value in totals[name].items():
            family.add_sample(sample_name, dict(labels), value)
    return list(merged.values())

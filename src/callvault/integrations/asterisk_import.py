"""Importing an Asterisk Master.csv: one call per good line, each line at most once.

Resumable: every call is committed with its ``pbx_imports`` marker, and a run first
reads the markers it has, so a re-run (after a crash, or over a file that grew since)
imports only what is new. A recording is attached after its call is committed; a
re-run attaches the ones a crash left out (the marker says which were attached).
Problems are reported by line number, never by content: the lines hold PHI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from callvault.audit.context import ServiceContext
from callvault.blobs.interface import BlobStore
from callvault.calls.consent import Consent
from callvault.calls.schemas import CallCreate
from callvault.calls.service import CallService
from callvault.errors import CallVaultError
from callvault.integrations.asterisk_cdr import BadLine, CdrCall, read_cdr
from callvault.integrations.asterisk_recordings import RecordingTarget, attach_recording
from callvault.integrations.pbx_imports import Imported, PbxImports, PbxSource

# What the tenant's blind index hashes for a line without uniqueid: a purpose prefix,
# so such a hash never equals the blind index of a phone number.
LINE_HASH_PURPOSE = "asterisk-cdr-line\x1f"


@dataclass
class ImportReport:
    imported: int = 0
    skipped: int = 0
    already: int = 0
    recordings: int = 0

    def summary(self) -> str:
        return (
            f"imported {self.imported}, skipped {self.skipped}, already imported"
            f" {self.already}; recordings attached {self.recordings}"
        )


@dataclass(frozen=True)
class ImportOptions:
    timezone: tzinfo
    recordings: dict[str, Path] | None  # by uniqueid (``index_recordings``)
    max_recording_bytes: int
    disclosure_played: bool = False  # the calls' consent: ``announced``


class AsteriskImport:
    """One run over a Master.csv for the context's tenant, as the context's actor.
    ``warn`` receives one PHI-free line per problem."""

    def __init__(
        self,
        ctx: ServiceContext,
        blobs: BlobStore,
        options: ImportOptions,
        warn: Callable[[str], None],
    ) -> None:
        self._ctx = ctx
        self._blobs = blobs
        self._options = options
        self._warn = warn
        self._calls = CallService(ctx, blobs)
        self._markers = PbxImports(ctx, PbxSource.ASTERISK)

    def run(self, lines: Iterable[str]) -> ImportReport:
        """NoActiveBaa (audited) before any line is read if the PHI gate is closed."""
        self._calls.check_ingest()
        report = ImportReport()
        done = self._markers.imported()
        for item in read_cdr(lines, self._options.timezone, self._hash_line):
            if isinstance(item, BadLine):
                report.skipped += 1
                self._warn(f"line {item.line}: skipped: {item.reason}")
            elif item.external_id in done:
                report.already += 1
                self._resume(item, done[item.external_id], report)
            else:
                self._import(item, report)
                done[item.external_id] = Imported("", True)  # a repeated line: once
        return report

    def _import(self, item: CdrCall, report: ImportReport) -> None:
        try:
            call_id = self._markers.create(self._calls, item.external_id, self._call_of(item))
        except CallVaultError as exc:
            self._ctx.session.rollback()
            report.skipped += 1
            self._warn(f"line {item.line}: skipped: {exc.detail}")
            return
        report.imported += 1
        self._attach(item, call_id, report)

    def _call_of(self, item: CdrCall) -> CallCreate:
        if not self._options.disclosure_played:
            return item.call
        return item.call.model_copy(update={"consent": Consent.ANNOUNCED.value})

    def _resume(self, item: CdrCall, imported: Imported, report: ImportReport) -> None:
        if not imported.recording_attached and imported.call_id:
            self._attach(item, imported.call_id, report)

    def _attach(self, item: CdrCall, call_id: str, report: ImportReport) -> None:
        path = self._recording_of(item)
        if path is None:
            return
        target = RecordingTarget(self._ctx.tenant_id, call_id, self._options.max_recording_bytes)
        try:
            attach_recording(self._calls.objects, self._blobs, target, path)
        except (CallVaultError, OSError) as exc:
            self._ctx.session.rollback()
            reason = exc.detail if isinstance(exc, CallVaultError) else "cannot be read"
            self._warn(f"line {item.line}: recording not attached: {reason}")
            return
        self._markers.recording_attached(item.external_id)
        report.recordings += 1

    def _recording_of(self, item: CdrCall) -> Path | None:
        recordings = self._options.recordings
        if recordings is None or item.uniqueid is None:
            return None
        return recordings.get(item.uniqueid)

    def _hash_line(self, line: str) -> str:
        return self._ctx.keyring.blind_index(self._ctx.tenant_id, LINE_HASH_PURPOSE + line)

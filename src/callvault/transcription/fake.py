"""A transcriber for tests of code that depends on one (jobs, pipeline): no engine,
no audio decoding, the same answer every time."""

from __future__ import annotations

from pathlib import Path

from callvault.transcription.interface import Progress
from callvault.transcription.models import Transcript


class FakeTranscriber:
    """Returns ``transcript`` for any file and records the paths it was given."""

    def __init__(self, transcript: Transcript, duration_s: float = 1.0) -> None:
        self.transcript = transcript
        self.duration_s = duration_s
        self.calls: list[Path] = []

    def transcribe(self, path: Path, progress: Progress | None = None) -> Transcript:
        self.calls.append(path)
        if progress is not None:
            progress(self.duration_s, self.duration_s)
        return self.transcript

"""Choose the transcriber by name (the ``CALLVAULT_TRANSCRIBER`` setting); the only
place that knows every implementation."""

from __future__ import annotations

from pathlib import Path

from callvault.errors import InvalidInput
from callvault.transcription.errors import TranscriberUnavailable
from callvault.transcription.interface import Progress, Transcriber
from callvault.transcription.models import Transcript

TRANSCRIBERS = ("pocketsphinx", "none")


class DisabledTranscriber:
    """``none``: calls must arrive with a transcript; asking for one is an error the
    job records as its failure reason."""

    def transcribe(self, path: Path, progress: Progress | None = None) -> Transcript:
        raise TranscriberUnavailable("transcription is switched off (CALLVAULT_TRANSCRIBER=none)")


def create_transcriber(name: str) -> Transcriber:
    """The transcriber called ``name`` (``pocketsphinx`` or ``none``)."""
    if name == "pocketsphinx":
        from callvault.transcription.sphinx import PocketsphinxTranscriber  # loads a C module

        return PocketsphinxTranscriber()
    if name == "none":
        return DisabledTranscriber()
    raise InvalidInput("CALLVAULT_TRANSCRIBER must be 'pocketsphinx' or 'none'")

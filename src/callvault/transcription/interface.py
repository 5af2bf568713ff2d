"""The narrow seam between CallVault and a speech-to-text engine.

An implementation runs inside the customer's boundary (the built-in default is
pocketsphinx) or wraps a service the customer has a BAA with; either way it takes a
local audio file and returns a word-timed :class:`Transcript`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from callvault.transcription.models import Transcript

Progress = Callable[[float, float], None]
"""Called as ``progress(done_s, total_s)`` while a long file is transcribed."""


class Transcriber(Protocol):
    def transcribe(self, path: Path, progress: Progress | None = None) -> Transcript:
        """Transcribe a WAV, MP3 or Ogg file (8-48 kHz, mono or stereo).

        Stereo files are agent (channel 0) and caller (channel 1): each channel is
        transcribed and the turns interleaved by time. Raises ``UnsupportedAudio`` for
        audio it cannot read and ``TranscriberUnavailable`` when it cannot run."""
        ...


@runtime_checkable
class VocabularyTranscriber(Transcriber, Protocol):
    """A transcriber that can be told words to expect (the call record's names, which
    a general dictionary lacks) for one file."""

    def transcribe_with_vocabulary(
        self, path: Path, vocabulary: Sequence[str], progress: Progress | None = None
    ) -> Transcript:
        """``transcribe``, with ``vocabulary`` (single words) added for this file only:
        a word added for one call must never be heard in another's."""
        ...

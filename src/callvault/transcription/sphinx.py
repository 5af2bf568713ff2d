"""The built-in transcriber: CMU pocketsphinx with the US English model in its wheel.

Nothing is downloaded and nothing leaves the machine. Each channel is resampled to
16 kHz, cut into pieces of speech (``chunks.py``) and each piece decoded as one
utterance; word times come from the decoder's segmentation (100 frames a second)
plus the piece's start. Stereo calls give agent (channel 0) and caller (channel 1)
turns interleaved by time.

The decoder is loaded once per transcriber (about 0.3 s) and is not thread-safe: a
lock serialises calls, so use one transcriber per worker process.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pocketsphinx import Decoder  # type: ignore[import-untyped]  # no stubs shipped

from callvault.blocking import check_off_event_loop
from callvault.transcription.audio import AudioInfo, probe, read_16k
from callvault.transcription.chunks import Speech, SpeechChunker
from callvault.transcription.errors import TranscriberUnavailable
from callvault.transcription.interface import Progress
from callvault.transcription.models import (
    Timing,
    Transcript,
    Turn,
    Word,
    build_transcript,
    channel_tag,
)
from callvault.transcription.resample import TARGET_RATE

# pocketsphinx 5 defaults, measured fast enough (docs/transcription.md: real-time
# factor about 0.2 on one core; narrower beams, -topn 2 or -maxhmmpf 10000 saved a
# fifth of that and lost words), plus dither, which keeps digital silence out of the
# log spectrum: on our synthetic calls it doubled the digits recognised.
DECODER_OPTIONS: Mapping[str, Any] = {
    "loglevel": "FATAL",  # its log lines would carry hypotheses, i.e. PHI
    "dither": True,
    "seed": 1,  # fixed: the same audio always gives the same transcript
}


class PocketsphinxTranscriber:
    """Offline transcription with pocketsphinx; see the module docstring."""

    def __init__(self, options: Mapping[str, Any] | None = None, max_chunk_s: float = 30.0):
        self._options = {**DECODER_OPTIONS, **(options or {}), "samprate": TARGET_RATE}
        self._max_chunk_s = max_chunk_s
        self._decoder: Any = None
        self._lock = threading.Lock()

    def transcribe(self, path: Path, progress: Progress | None = None) -> Transcript:
        """A word-timed transcript of ``path``; see ``Transcriber.transcribe``."""
        check_off_event_loop("transcription")
        info = probe(path)
        with self._lock:
            decoder = self._load()
            turns = self._decode_file(decoder, path, info, progress)
        turns.sort(key=lambda item: item[0])  # by start time; stable keeps channel order
        return build_transcript((turn for _, turn in turns), Timing.WORD)

    def _load(self) -> Any:
        if self._decoder is None:
            try:
                self._decoder = Decoder(**self._options)
            except (RuntimeError, ValueError) as exc:
                raise TranscriberUnavailable("the pocketsphinx model could not be loaded") from exc
        return self._decoder

    def _decode_file(
        self, decoder: Any, path: Path, info: AudioInfo, progress: Progress | None
    ) -> list[tuple[float, Turn]]:
        chunkers = [SpeechChunker(self._max_chunk_s) for _ in range(info.channels)]
        turns: list[tuple[float, Turn]] = []
        for pcm, done_s in read_16k(path, info):
            for channel, chunker in enumerate(chunkers):
                for speech in chunker.push(pcm[:, channel]):
                    turns.append(self._turn(decoder, speech, channel, info.channels))
            if progress is not None:
                progress(min(done_s, info.duration_s), info.duration_s)
        for channel, chunker in enumerate(chunkers):
            for speech in chunker.flush():
                turns.append(self._turn(decoder, speech, channel, info.channels))
        return turns

    def _turn(
        self, decoder: Any, speech: Speech, channel: int, channels: int
    ) -> tuple[float, Turn]:
        words = decode(decoder, speech)
        return speech.start_s, Turn(channel_tag(channel, channels), words)


def decode(decoder: Any, speech: Speech) -> list[Word]:
    """The words of one piece of speech, with times in the file."""
    decoder.start_utt()
    decoder.process_raw(speech.pcm.tobytes(), False, True)  # no_search=False, full_utt=True
    decoder.end_utt()
    frate = float(decoder.config["frate"])
    words = []
    for seg in decoder.seg():
        token = _token(seg.word)
        if token:
            start = speech.start_s + seg.start_frame / frate
            end = speech.start_s + (seg.end_frame + 1) / frate
            posterior = min(max(float(seg.prob), 0.0), 1.0)  # pocketsphinx 5: linear
            words.append(Word(token, start, min(end, speech.end_s), posterior))
    return words


def _token(word: str) -> str:
    """The dictionary word without its variant mark ("the(2)"); fillers are dropped."""
    if word[:1] in ("<", "[", "+"):  # <s>, </s>, <sil>, [NOISE], [SPEECH], ++GARBAGE++
        return ""
    return word.split("(", 1)[0]

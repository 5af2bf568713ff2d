"""Cut one channel of 16 kHz audio into pieces of speech for the recogniser.

pocketsphinx's endpointer (a WebRTC-style voice activity detector) finds where speech
starts and stops, so silence is never decoded: on a stereo call each side is quiet
about half the time, and decoding it would cost as much as speech. A stretch of
speech longer than ``max_s`` is cut at the quietest 10 ms of its last few seconds,
which is almost always a pause between words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from pocketsphinx import Endpointer  # type: ignore[import-untyped]  # no stubs shipped

from callvault.transcription.resample import TARGET_RATE

Pcm = npt.NDArray[np.int16]
_CUT_FRAME = TARGET_RATE // 100  # 10 ms
_CUT_SEARCH_S = 5.0


@dataclass(frozen=True, slots=True)
class Speech:
    """A piece of one channel's speech and where it starts in the file."""

    start_s: float
    pcm: Pcm = field(repr=False)

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.pcm) / TARGET_RATE


class SpeechChunker:
    """Feed a channel with :meth:`push`, then :meth:`flush` once."""

    def __init__(self, max_s: float = 30.0) -> None:
        if max_s <= _CUT_SEARCH_S:
            raise ValueError("max_s must be longer than the cut search window")
        self._ep = Endpointer(sample_rate=TARGET_RATE)
        self._frame: int = self._ep.frame_bytes // 2  # samples per endpointer frame
        self._max = int(max_s * TARGET_RATE)
        self._rest: Pcm = np.zeros(0, np.int16)  # less than a frame, not yet examined
        self._parts: list[Pcm] = []
        self._held = 0  # samples in _parts
        self._start_s = 0.0

    @property
    def frame_samples(self) -> int:
        """Samples per endpointer frame (push whole frames and nothing is held back)."""
        return self._frame

    def push(self, pcm: Pcm) -> list[Speech]:
        """The pieces of speech this audio completes."""
        data = np.concatenate([self._rest, pcm]) if len(self._rest) else pcm
        whole = len(data) - len(data) % self._frame
        self._rest = data[whole:].copy()
        out: list[Speech] = []
        for i in range(0, whole, self._frame):
            out += self._take(self._ep.process(data[i : i + self._frame].tobytes()))
        return out

    def flush(self) -> list[Speech]:
        """The last piece, if the stream ends in speech."""
        # end_stream needs at least one sample: a stream that ends in speech exactly on
        # a frame boundary gets a frame of silence (pocketsphinx fails on an empty one).
        last = self._rest if len(self._rest) else np.zeros(self._frame, np.int16)
        tail = self._ep.end_stream(last.tobytes()) if self._ep.in_speech else None
        self._rest = np.zeros(0, np.int16)
        out = self._take(tail)
        if self._parts:  # the endpointer stopped mid-speech
            out.append(self._emit(self._held))
        return out

    def _take(self, speech: bytes | None) -> list[Speech]:
        out: list[Speech] = []
        if speech is not None:
            if not self._parts:
                self._start_s = float(self._ep.speech_start)
            self._parts.append(np.frombuffer(speech, np.int16))
            self._held += len(self._parts[-1])
        if self._held >= self._max:
            out.append(self._emit(_quietest_cut(np.concatenate(self._parts)[: self._max])))
        if self._parts and not self._ep.in_speech:
            out.append(self._emit(self._held))
        return out

    def _emit(self, cut: int) -> Speech:
        pcm = np.concatenate(self._parts)
        piece = Speech(self._start_s, pcm[:cut])
        rest = pcm[cut:]
        self._parts = [rest] if len(rest) else []
        self._held = len(rest)
        self._start_s += cut / TARGET_RATE
        return piece


def _quietest_cut(pcm: Pcm) -> int:
    """The start of the quietest 10 ms in the last few seconds of ``pcm``."""
    first = max(0, len(pcm) - int(_CUT_SEARCH_S * TARGET_RATE))
    frames = pcm[first : first + (len(pcm) - first) // _CUT_FRAME * _CUT_FRAME]
    energy = (frames.astype(np.float32).reshape(-1, _CUT_FRAME) ** 2).sum(axis=1)
    return first + int(np.argmin(energy)) * _CUT_FRAME if len(energy) else len(pcm)

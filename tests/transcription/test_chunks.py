"""The speech chunker: silence is skipped, speech is kept with its start time, and
long speech is cut into pieces no longer than the limit, back to back."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from callvault.transcription.chunks import Speech, SpeechChunker
from tests.transcription._speech import AGENT_SAYS, needs_espeak, silence, synth

RATE = 16_000


def _pcm(audio: np.ndarray) -> np.ndarray:
    return np.round(audio * 32767).astype(np.int16)


def _chunk(pcm: np.ndarray, max_s: float, block: int = 16_000) -> list[Speech]:
    chunker = SpeechChunker(max_s)
    pieces = [p for i in range(0, len(pcm), block) for p in chunker.push(pcm[i : i + block])]
    return pieces + chunker.flush()


def test_silence_gives_nothing() -> None:
    assert _chunk(np.zeros(5 * RATE, np.int16), 30.0) == []


@needs_espeak
def test_speech_is_found_where_it_is() -> None:
    said = synth(AGENT_SAYS, RATE)
    pcm = _pcm(np.concatenate([silence(2.0, RATE), said, silence(2.0, RATE)]))
    pieces = _chunk(pcm, 30.0, block=1234)
    assert len(pieces) == 1
    assert 1.7 <= pieces[0].start_s <= 2.05
    assert pieces[0].end_s >= 2.0 + len(said) / RATE - 0.35  # trailing espeak silence


@needs_espeak
def test_long_speech_is_cut_at_the_limit_back_to_back() -> None:
    said = synth(AGENT_SAYS, RATE)
    pcm = _pcm(np.concatenate([silence(1.0, RATE), *[said] * 8]))  # ~28 s, no pause
    pieces = _chunk(pcm, 7.0)
    assert len(pieces) >= 4
    assert all(len(p.pcm) <= 7 * RATE for p in pieces)
    for before, after in itertools.pairwise(pieces):
        if after.start_s - before.end_s < 0.01:  # a forced cut loses no sample
            assert after.start_s == pytest.approx(before.end_s)
    assert sum(len(p.pcm) for p in pieces) >= 0.9 * len(said) * 8


def test_the_limit_must_leave_room_to_search_for_a_cut() -> None:
    with pytest.raises(ValueError, match="max_s"):
        SpeechChunker(max_s=2.0)


def test_a_stream_ending_in_speech_on_a_frame_boundary_is_flushed() -> None:
    # pocketsphinx's end_stream fails on an empty last frame; a real demo call hit it.
    chunker = SpeechChunker()
    rng = np.random.default_rng(1)
    t = np.arange(2 * RATE) / RATE
    voiced = 8000 * np.sin(2 * np.pi * 200 * t) * (1 + np.sin(2 * np.pi * 3 * t))
    pcm = np.concatenate([np.zeros(RATE), voiced + rng.normal(0, 500, len(t))]).astype(np.int16)
    whole = len(pcm) - len(pcm) % chunker.frame_samples
    pieces = chunker.push(pcm[:whole]) + chunker.flush()
    assert len(pieces) == 1
    assert 0.8 <= pieces[0].start_s <= 1.2
    assert len(pieces[0].pcm) >= RATE

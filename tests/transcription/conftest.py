"""Fixtures for the transcription tests: one decoder for the session (loading the
model takes a noticeable fraction of a second) and synthesised speech, cached."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest

from callvault.transcription.sphinx import PocketsphinxTranscriber
from tests.transcription._speech import Audio, synth


@pytest.fixture(scope="session")
def transcriber() -> PocketsphinxTranscriber:
    return PocketsphinxTranscriber()


@pytest.fixture(scope="session")
def speech() -> Callable[[str, int], Audio]:
    """``speech(text, rate)``: espeak-ng audio, synthesised once per text and rate."""
    return cache(synth)

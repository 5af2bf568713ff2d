from __future__ import annotations

from pathlib import Path

import pytest

from callvault.errors import InvalidInput
from callvault.transcription import TRANSCRIBERS, TranscriberUnavailable, create_transcriber
from callvault.transcription.fake import FakeTranscriber
from callvault.transcription.models import Transcript
from callvault.transcription.sphinx import PocketsphinxTranscriber


def test_every_listed_name_is_a_transcriber() -> None:
    assert isinstance(create_transcriber("pocketsphinx"), PocketsphinxTranscriber)
    assert set(TRANSCRIBERS) == {"pocketsphinx", "none"}


def test_none_refuses_to_transcribe(tmp_path: Path) -> None:
    with pytest.raises(TranscriberUnavailable, match="switched off"):
        create_transcriber("none").transcribe(tmp_path / "a.wav")


def test_unknown_name() -> None:
    with pytest.raises(InvalidInput, match="CALLVAULT_TRANSCRIBER"):
        create_transcriber("whisper-cloud")


def test_fake_reports_progress_and_records_calls(tmp_path: Path) -> None:
    fake = FakeTranscriber(Transcript("", ()), duration_s=3.0)
    seen: list[tuple[float, float]] = []
    assert fake.transcribe(tmp_path / "a.wav", lambda d, t: seen.append((d, t))).text == ""
    assert seen == [(3.0, 3.0)] and fake.calls == [tmp_path / "a.wav"]

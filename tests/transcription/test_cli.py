"""``callvault transcribe``: transcribe, import, errors (exit 2, no content)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints
from typer.testing import CliRunner

from callvault.cli.main import app
from tests.transcription._speech import AGENT_SAYS, LEAD_S, needs_espeak, silence, synth

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def _silent_wav(tmp_path: Path, seconds: float = 4.0) -> Path:
    path = tmp_path / "call.wav"
    sf.write(str(path), np.zeros(int(8_000 * seconds), np.float32), 8_000, subtype="PCM_16")
    return path


@needs_espeak
def test_transcribe_to_a_file(tmp_path: Path) -> None:
    audio = np.concatenate([silence(LEAD_S, 16_000), synth(AGENT_SAYS, 16_000)])
    wav, out = tmp_path / "call.wav", tmp_path / "out.json"
    sf.write(str(wav), audio, 16_000, subtype="PCM_16")
    result = runner.invoke(app, ["transcribe", str(wav), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert set(doc) == {"text", "words", "timing"} and doc["timing"] == "word"
    assert doc["text"].startswith("speaker: ")
    assert set(doc["words"][0]) == {"w", "start_s", "end_s"}


def test_import_to_stdout_uses_the_recording_duration(tmp_path: Path) -> None:
    wav = _silent_wav(tmp_path)
    args = ["transcribe", str(wav), "--format", "twilio", "--import"]
    result = runner.invoke(app, [*args, str(FIXTURES / "twilio_callback.txt")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["words"][0] == {"w": "My", "start_s": 0.0, "end_s": 4.0}


def test_import_whisper(tmp_path: Path) -> None:
    args = ["transcribe", str(_silent_wav(tmp_path)), "--format", "whisper", "--import"]
    result = runner.invoke(app, [*args, str(FIXTURES / "whisper_words.json")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["text"] == "speaker: My member ID is 4567. Thank you."


def test_a_malformed_import_fails_without_output_or_content(tmp_path: Path) -> None:
    bad, out = tmp_path / "bad.json", tmp_path / "out.json"
    bad.write_text('{"segments": [{"text": "Zebediah", "start": "x", "end": 1}]}')
    args = ["transcribe", str(_silent_wav(tmp_path)), "--format", "whisper"]
    result = runner.invoke(app, [*args, "--import", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "segments[0].start" in result.output and "Zebediah" not in result.output
    assert not out.exists()


def test_usage_errors(tmp_path: Path) -> None:
    wav = _silent_wav(tmp_path)
    result = runner.invoke(app, ["transcribe", str(wav), "--format", "aws"])
    assert result.exit_code == 2 and "go together" in result.output
    result = runner.invoke(app, ["transcribe", str(tmp_path / "none.wav")])
    assert result.exit_code == 2 and "cannot be read" in result.output
    result = runner.invoke(app, ["transcribe", str(wav)], env={"CALLVAULT_TRANSCRIBER": "none"})
    assert result.exit_code == 2 and "switched off" in result.output

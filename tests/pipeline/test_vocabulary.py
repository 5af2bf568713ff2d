"""The pipeline tells a transcriber that can take them the call record's names."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi.testclient import TestClient

from callvault.transcription.fake import FakeTranscriber
from callvault.transcription.interface import Progress
from callvault.transcription.models import Transcript
from tests._vault import TokenFactory
from tests.pipeline._helpers import Pipeline, create_call, sine_recording, timed_transcript, upload


class Listening(FakeTranscriber):
    def __init__(self, transcript: Transcript) -> None:
        super().__init__(transcript)
        self.vocabulary: list[str] | None = None

    def transcribe_with_vocabulary(
        self, path: Path, vocabulary: Sequence[str], progress: Progress | None = None
    ) -> Transcript:
        self.vocabulary = list(vocabulary)
        return self.transcribe(path, progress)


def test_the_caller_name_reaches_the_transcriber(
    client: TestClient, auth: TokenFactory, pipeline: Pipeline, tmp_path: Path
) -> None:
    ingest = auth("integration")
    call_id = create_call(client, ingest)  # the caller is "Quinn Fictional"
    upload(client, ingest, call_id, sine_recording(tmp_path / "a.wav").read_bytes())
    listening = Listening(timed_transcript(["hello", "quinn", "fictional"]))
    [result] = pipeline.run(transcriber=listening)
    assert result.state == "done"
    assert listening.vocabulary == ["quinn", "fictional"]

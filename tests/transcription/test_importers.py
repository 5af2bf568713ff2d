"""Importers: each vendor fixture gives the expected text and words; malformed input
gives ``TranscriptFormatError`` with no transcript content in its message; every
result aligns with the redaction engine's ``align``."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from callvault.redaction.timing import align
from callvault.transcription.errors import TranscriptFormatError
from callvault.transcription.importers import parse_import
from callvault.transcription.models import Timing, Transcript

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "Zebediah"  # planted in malformed input: must never appear in an error


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def words(tr: Transcript) -> list[tuple[str, float, float]]:
    return [(w.w, w.start_s, w.end_s) for w in tr.words]


def test_whisper_word_timestamps() -> None:
    tr = parse_import("whisper", load("whisper_words.json"))
    assert tr.text == "speaker: My member ID is 4567. Thank you."
    assert tr.timing is Timing.WORD
    assert words(tr)[4] == ("4567.", 1.1, 2.6)


def test_whisper_segments_only_give_each_word_its_segment() -> None:
    tr = parse_import("whisper", load("whisper_segments.json"))
    assert tr.text == "speaker: My member ID is 4567. Thank you."
    assert tr.timing is Timing.SEGMENT
    assert {(s, e) for _, s, e in words(tr)[:5]} == {(0.0, 2.6)}
    assert words(tr)[5:] == [("Thank", 3.0, 3.9), ("you.", 3.0, 3.9)]


def test_whisper_cpp_offsets_are_milliseconds() -> None:
    tr = parse_import("whisper", load("whisper_cpp.json"))
    assert tr.text == "speaker: My member ID is 4567. Thank you."
    assert tr.timing is Timing.SEGMENT
    assert words(tr)[-1] == ("you.", 3.0, 3.9)


def test_whisper_api_top_level_words() -> None:
    doc = {
        "words": [
            {"word": "four", "start": 0.5, "end": 0.9},
            {"word": "five", "start": 1, "end": 1.4},
        ]
    }
    tr = parse_import("whisper", json.dumps(doc).encode())
    assert tr.text == "speaker: four five"
    assert words(tr) == [("four", 0.5, 0.9), ("five", 1.0, 1.4)]


def test_aws_speaker_labels_and_punctuation() -> None:
    tr = parse_import("aws", load("aws_speakers.json"))
    assert tr.text == "spk_0: What is your member ID?\nspk_1: It's 4567."
    assert words(tr)[4] == ("ID?", 1.0, 1.5)
    assert words(tr)[-1] == ("4567.", 2.3, 3.6)


def test_aws_item_speaker_label_wins() -> None:
    doc = json.loads(load("aws_speakers.json"))
    del doc["results"]["speaker_labels"]
    for item in doc["results"]["items"][:5]:
        item["speaker_label"] = "spk_1"
    tr = parse_import("aws", json.dumps(doc).encode())
    assert tr.text == "spk_1: What is your member ID?\nspeaker: It's 4567."


def test_aws_channels_are_agent_and_caller_interleaved() -> None:
    tr = parse_import("aws", load("aws_channels.json"))
    assert tr.text == "agent: Your member ID?\ncaller: 4567.\nagent: Thanks."
    assert words(tr)[3] == ("4567.", 1.6, 3.2)


def test_deepgram_multichannel_punctuated() -> None:
    tr = parse_import("deepgram", load("deepgram_multichannel.json"))
    assert tr.text == "agent: Your member ID?\ncaller: four five six seven\nagent: Thanks."
    assert words(tr)[3:5] == [("four", 1.6, 1.9), ("five", 1.9, 2.3)]


def test_deepgram_utterances_in_time_order() -> None:
    tr = parse_import("deepgram", load("deepgram_utterances.json"))
    assert tr.text == "speaker_0: Your member ID?\nspeaker_1: Four five six seven."


def test_deepgram_diarized_words_without_utterances() -> None:
    doc = json.loads(load("deepgram_utterances.json"))
    del doc["results"]["utterances"]
    tr = parse_import("deepgram", json.dumps(doc).encode())
    assert tr.text == "speaker_0: Your member ID?\nspeaker_1: Four five six seven."


def test_twilio_words_carry_the_whole_recording() -> None:
    tr = parse_import("twilio", load("twilio_callback.txt"), duration_s=12.5)
    assert tr.text == "speaker: My member ID is 4567."
    assert tr.timing is Timing.RECORDING
    assert {(s, e) for _, s, e in words(tr)} == {(0.0, 12.5)}


def test_twilio_json_fields_with_recording_duration() -> None:
    form = {
        "TranscriptionSid": "TR" + "a" * 32,
        "RecordingSid": "RE" + "b" * 32,
        "TranscriptionStatus": "completed",
        "TranscriptionText": "four five",
        "RecordingDuration": "7",
    }
    tr = parse_import("twilio", json.dumps(form).encode())
    assert words(tr) == [("four", 0.0, 7.0), ("five", 0.0, 7.0)]


def test_twilio_without_a_duration_is_refused() -> None:
    with pytest.raises(TranscriptFormatError, match="duration"):
        parse_import("twilio", load("twilio_callback.txt"))


ALL_VALID = [
    ("whisper", "whisper_words.json"),
    ("whisper", "whisper_segments.json"),
    ("whisper", "whisper_cpp.json"),
    ("aws", "aws_speakers.json"),
    ("aws", "aws_channels.json"),
    ("deepgram", "deepgram_multichannel.json"),
    ("deepgram", "deepgram_utterances.json"),
    ("twilio", "twilio_callback.txt"),
]


@pytest.mark.parametrize(("fmt", "name"), ALL_VALID)
def test_every_import_aligns_with_the_redaction_engine(fmt: str, name: str) -> None:
    tr = parse_import(fmt, load(name), duration_s=10.0)
    as_json = json.loads(json.dumps(tr.as_dict()))
    located = align(as_json["text"], as_json["words"])
    assert [tr.text[s:e] for s, e, _, _ in located] == [w.w for w in tr.words]
    assert len(located) == len(tr.words) > 0


Mutation = Callable[[Any], None]


def _set(path: list[Any], value: Any) -> Mutation:
    def mutate(doc: Any) -> None:
        for key in path[:-1]:
            doc = doc[key]
        doc[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Mutation:
    def mutate(doc: Any) -> None:
        for key in path[:-1]:
            doc = doc[key]
        del doc[path[-1]]

    return mutate


MALFORMED: list[tuple[str, str, Mutation]] = [
    ("whisper", "whisper_words.json", _set(["segments", 0, "words", 1, "start"], SECRET)),
    ("whisper", "whisper_words.json", _set(["segments", 0, "words", 1, "end"], -1)),
    ("whisper", "whisper_words.json", _set(["segments", 0, "words", 1, "end"], 0.1)),
    ("whisper", "whisper_words.json", _set(["segments", 0, "words", 2], [SECRET])),
    ("whisper", "whisper_words.json", _set(["segments"], {"x": SECRET})),
    ("whisper", "whisper_segments.json", _set(["segments", 1, "text"], 5)),
    ("whisper", "whisper_segments.json", _delete(["segments"])),
    ("whisper", "whisper_cpp.json", _set(["transcription", 0, "offsets", "to"], SECRET)),
    ("aws", "aws_speakers.json", _set(["results", "items", 0, "start_time"], SECRET)),
    ("aws", "aws_speakers.json", _set(["results", "items", 1, "type"], SECRET)),
    ("aws", "aws_speakers.json", _set(["results", "items", 2, "alternatives"], [])),
    ("aws", "aws_speakers.json", _set(["status"], "FAILED")),
    (
        "aws",
        "aws_speakers.json",
        _set(
            ["results", "speaker_labels", "segments", 0, "items", 0, "speaker_label"], SECRET + " x"
        ),
    ),
    (
        "aws",
        "aws_channels.json",
        _set(["results", "channel_labels", "channels", 1, "channel_label"], SECRET),
    ),
    (
        "aws",
        "aws_channels.json",
        _set(["results", "channel_labels", "channels", 1, "channel_label"], "ch_0"),
    ),
    ("deepgram", "deepgram_multichannel.json", _set(["results", "channels"], [])),
    (
        "deepgram",
        "deepgram_multichannel.json",
        _set(["results", "channels", 0, "alternatives", 0, "words", 0, "end"], None),
    ),
    (
        "deepgram",
        "deepgram_multichannel.json",
        _set(["results", "channels", 1, "alternatives", 0, "words", 0, "word"], 4),
    ),
    ("deepgram", "deepgram_utterances.json", _set(["results", "utterances", 0, "channel"], 3)),
    (
        "deepgram",
        "deepgram_utterances.json",
        _set(["results", "utterances", 0, "words", 0, "speaker"], SECRET),
    ),
    ("deepgram", "deepgram_utterances.json", _delete(["results"])),
]


@pytest.mark.parametrize(("fmt", "name", "mutate"), MALFORMED)
def test_malformed_json_is_refused_without_content(fmt: str, name: str, mutate: Mutation) -> None:
    doc = copy.deepcopy(json.loads(load(name)))
    mutate(doc)
    with pytest.raises(TranscriptFormatError) as caught:
        parse_import(fmt, json.dumps(doc).encode())
    _no_content(str(caught.value))


TWILIO_BAD = [
    b"TranscriptionText=Zebediah&TranscriptionStatus=completed",  # no SIDs
    load("twilio_callback.txt").replace(
        b"TranscriptionStatus=completed", b"TranscriptionStatus=failed"
    ),
    load("twilio_callback.txt").replace(b"RecordingSid=RE", b"RecordingSid=XX"),
    load("twilio_callback.txt") + b"&TranscriptionText=Zebediah",  # a repeated field
    b"\xff\xfe Zebediah",
    b'{"TranscriptionText": ["Zebediah"]}',
]


@pytest.mark.parametrize("raw", TWILIO_BAD)
def test_malformed_twilio_is_refused_without_content(raw: bytes) -> None:
    with pytest.raises(TranscriptFormatError) as caught:
        parse_import("twilio", raw, duration_s=5.0)
    _no_content(str(caught.value))


@pytest.mark.parametrize("raw", [b"", b"{", b"[1, 2", b"Zebediah"])
@pytest.mark.parametrize("fmt", ["whisper", "aws", "deepgram"])
def test_not_json(fmt: str, raw: bytes) -> None:
    with pytest.raises(TranscriptFormatError) as caught:
        parse_import(fmt, raw)
    _no_content(str(caught.value))


def test_unknown_format() -> None:
    with pytest.raises(TranscriptFormatError, match="unknown transcript format"):
        parse_import("srt", b"{}")


def _no_content(message: str) -> None:
    for said in (SECRET, "4567", "member", "Thank", "four"):
        assert said.lower() not in message.lower()

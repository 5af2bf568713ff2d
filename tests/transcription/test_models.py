from __future__ import annotations

import math

import pytest

from callvault.transcription.models import (
    Timing,
    Transcript,
    Turn,
    Word,
    build_transcript,
    channel_tag,
    split_word,
)


def test_turns_become_lines_and_a_speakers_run_is_one_line() -> None:
    tr = build_transcript(
        [
            Turn("agent", [Word("hi", 0.0, 0.2)]),
            Turn("agent", [Word("there", 0.3, 0.5)]),
            Turn("caller", []),
            Turn("caller", [Word("hello", 0.6, 0.9)]),
        ]
    )
    assert tr.text == "agent: hi there\ncaller: hello"
    assert [w.w for w in tr.words] == ["hi", "there", "hello"]
    assert tr.as_dict()["words"][0] == {"w": "hi", "start_s": 0.0, "end_s": 0.2}
    assert build_transcript([]).text == ""


def test_reprs_never_show_what_was_said() -> None:
    tr = build_transcript([Turn("speaker", [Word("Zebediah", 0.0, 1.0)])], Timing.SEGMENT)
    assert "Zebediah" not in repr(tr) and "Zebediah" not in repr(tr.words[0])
    assert repr(tr) == "Transcript(words=1, timing=segment)"
    assert isinstance(tr, Transcript)


@pytest.mark.parametrize(
    ("w", "start", "end"),
    [("", 0, 1), ("two words", 0, 1), ("x", -0.1, 1), ("x", 2, 1), ("x", 0, math.inf)],
)
def test_invalid_words(w: str, start: float, end: float) -> None:
    with pytest.raises(ValueError):
        Word(w, start, end)


def test_a_vendor_word_with_spaces_becomes_tokens_with_its_interval() -> None:
    assert split_word(" New  York ", 1.0, 2.0) == [Word("New", 1.0, 2.0), Word("York", 1.0, 2.0)]


def test_channel_tags() -> None:
    assert channel_tag(0, 1) == "speaker"
    assert (channel_tag(0, 2), channel_tag(1, 2)) == ("agent", "caller")
    assert channel_tag(2, 3) == "channel_2"

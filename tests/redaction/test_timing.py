from __future__ import annotations

from callvault.redaction.spans import Label, Span
from callvault.redaction.timing import align, time_ranges

TEXT = "agent: your zip\ncaller: it's four four one two one\nagent: thanks"
WORDS = [
    {"w": w, "start_s": round(i * 0.5, 2), "end_s": round(i * 0.5 + 0.4, 2)}
    for i, w in enumerate(["your", "zip", "it's", "four", "four", "one", "two", "one", "thanks"])
]


def test_align_skips_speaker_tags() -> None:
    located = align(TEXT, WORDS)
    assert [TEXT[s:e] for s, e, _, _ in located] == [w["w"] for w in WORDS]


def test_spans_become_merged_time_ranges() -> None:
    start = TEXT.index("four")
    end = TEXT.index("one\n") + 3
    spans = [Span(start, end, Label.ADDRESS, 1.0, "t")]
    assert time_ranges(TEXT, spans, WORDS) == [[1.5, 3.9]]


def test_a_partly_covered_word_is_covered_and_nothing_else() -> None:
    start = TEXT.index("zip")
    assert time_ranges(TEXT, [Span(start, start + 1, Label.ADDRESS, 1.0, "t")], WORDS) == [
        [0.5, 0.9]
    ]
    assert time_ranges(TEXT, [], WORDS) == []

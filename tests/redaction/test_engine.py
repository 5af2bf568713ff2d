from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction.engine import analyze, default_recognizers, merge
from callvault.redaction.spans import Context, Known, Label, Span

TRANSCRIPT = (
    "agent: thank you for calling, how can i help\n"
    "caller: my date of birth is june fifth nineteen seventy\n"
    "agent: and the member id\n"
    "caller: q four four\nagent: mhm\ncaller: one two nine\n"
    "caller: i take two tablets at ten am"
)


def test_analyze_returns_sorted_disjoint_spans_on_the_original_text() -> None:
    spans = analyze(TRANSCRIPT)
    texts = [TRANSCRIPT[s.start : s.end] for s in spans]
    assert "june fifth nineteen seventy" in texts
    assert "q four four" in texts and "one two nine" in texts
    assert all(a.end <= b.start for a, b in pairwise(spans))
    assert not any("tablets" in t or "ten" in t for t in texts)


def test_merge_widens_to_whole_tokens_and_unites_overlaps() -> None:
    text = "id ZQ88123 ok"
    parts = [Span(5, 7, Label.MEMBER_ID, 0.5, "a"), Span(6, 9, Label.ACCOUNT, 0.9, "b")]
    (merged,) = merge(text, parts)
    assert text[merged.start : merged.end] == "ZQ88123"
    assert merged.score == 0.9 and merged.explanation == "a; b"


@pytest.mark.parametrize(
    ("text", "found", "whole"),
    [
        ("Member ID ABC-123-456 ok", "123-456", "ABC-123-456"),
        ("ref 88123-XQ ok", "88123", "88123-XQ"),
        ("code 12 - 34 ok", "12", "12"),  # a spaced dash separates
    ],
)
def test_merge_widens_over_hyphens_inside_a_token(text: str, found: str, whole: str) -> None:
    start = text.index(found)
    (merged,) = merge(text, [Span(start, start + len(found), Label.MEMBER_ID, 0.9, "a")])
    assert text[merged.start : merged.end] == whole


def test_every_recognizer_has_a_name() -> None:
    assert all(r.name for r in default_recognizers())


_PIECES = st.sampled_from(
    [
        "caller:",
        "agent:",
        "\n",
        "my",
        "ssn",
        "is",
        "member",
        "id",
        "two",
        "oh",
        "double",
        "five",
        "nineteen",
        "eighty",
        "march",
        "third",
        "at",
        "dot",
        "com",
        "gmail",
        "uh",
        "555-010-4477",
        "12/03/1999",
        "Oak",
        "St",
        "texas",
        "7",
        "a@b.co",
        "Ü",
        "İ",
        ",",
        ".",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_every_span_lands_inside_the_text(pieces: list[str]) -> None:
    text = " ".join(pieces)
    spans = analyze(text, Context())
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end].strip()
    assert all(a.end <= b.start for a, b in pairwise(spans))


def test_no_context_is_an_empty_context() -> None:
    # ``analyze`` shares one frozen empty context between calls (speed): the same spans.
    assert analyze(TRANSCRIPT) == analyze(TRANSCRIPT, Context())
    known = Context(known=Known(names=("Tablets",)))  # and a given context is still read
    assert analyze(TRANSCRIPT) != analyze(TRANSCRIPT, known)


def test_a_line_break_written_as_backslash_n_splits_lines() -> None:
    text = r"Peter Friedman\n\n86811 Löberöd 27\n Suite 996\n ÅSARP\n Sweden 07598"
    found = [text[s.start : s.end] for s in analyze(text)]
    # each line a span of its own; a piece glued to the escape's "n" takes the "n" along
    assert found[0] == "Peter Friedman" and found[1] == "n86811 Löberöd 27"
    assert all("\\" not in piece for piece in found)
    real_breaks = text.replace("\\n", " \n")
    assert [piece.removeprefix("n") for piece in found] == [
        real_breaks[s.start : s.end] for s in analyze(real_breaks)
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Member: (2:18) 312-863-2582.", ["312-863-2582"]),
        ("Patient: (0:59) Oh, 1988.", []),
        ("Staff: [01:46] So that's 253 555 0138?", ["253 555 0138"]),
        ("[00:01:22] Member: Uh, it's July 15th 2004.", ["July 15th 2004"]),
        ("Caller: (555) 123-4567 is my cell", ["(555) 123-4567"]),
    ],
)
def test_a_turns_clock_is_no_phi_and_joins_no_number(text: str, found: list[str]) -> None:
    assert [text[s.start : s.end] for s in analyze(text)] == found

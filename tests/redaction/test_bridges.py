"""One number said in pieces is redacted whole, pause words included (issue 16: "when in
doubt inside an identifier context, redact the whole run"); other words between two
numbers, a line break, or a span that is no number keep them apart."""

from __future__ import annotations

import pytest

from callvault.redaction.engine import analyze


def redacted(text: str) -> list[str]:
    return [text[s.start : s.end] for s in analyze(text)]


@pytest.mark.parametrize(
    ("text", "run"),
    [
        ("caller: her chart number is eight five four six two one okay nine zero",
         "eight five four six two one okay nine zero"),
        ("rep: last four of the social\ncaller: eight six let me see three one",
         "eight six let me see three one"),
        ("caller: reach me on six zero zero three okay nine six um eight one four",
         "six zero zero three okay nine six um eight one four"),
        ("caller: my date of birth is eleven uh twelve nineteen thirty eight",
         "eleven uh twelve nineteen thirty eight"),
        ("caller: the account number is nine nine seven two uh, hold on, eight four three three",
         "nine nine seven two uh, hold on, eight four three three"),
        ("caller: the member id is four zero five sorry let me start again four zero five oh four",
         "four zero five sorry let me start again four zero five oh four"),
        ("caller: my number is one two four hang on i'll start over one two four four one three",
         "one two four hang on i'll start over one two four four one three"),
    ],
)  # fmt: skip
def test_pause_words_inside_a_number_go_with_it(text: str, run: str) -> None:
    assert run in redacted(text)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("caller: my number is 555 201 4477 and my social is 123 45 6789", "and my social is"),
        ("caller: my number is 555 201 4477 um\ncaller: um my social is 123 45 6789", "um\n"),
        ("caller: call maria okay 555 201 4477", "okay"),
        ("caller: i take 20 mg um twice a day", "um"),
    ],
)
def test_other_words_keep_numbers_apart(text: str, kept: str) -> None:
    at = text.index(kept)
    assert not any(s.start < at + len(kept) and at < s.end for s in analyze(text)), kept

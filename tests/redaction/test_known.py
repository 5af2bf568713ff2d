from __future__ import annotations

import pytest

from callvault.redaction.known import KnownValueRecognizer
from callvault.redaction.spans import Context, Known

from ._helpers import covered, hides

R = KnownValueRecognizer()
CTX = Context(known=Known(phones=("+1 555-010-4477",), ids=("ZQ-88123",)))


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "caller: five five five oh one oh four four seven seven",
            "five five five oh one oh four four seven seven",
        ),
        ("caller: it ends in four four seven seven", "four four seven seven"),
        (
            "caller: five five five\nagent: mhm\ncaller: oh one oh four four seven seven",
            "oh one oh four four seven seven",
        ),
        ("note: id zq 88123 on file", "zq 88123"),
        ("note: id ZQ88123.", "ZQ88123"),
        ("caller: z q eight eight one two three", "z q eight eight one two three"),
    ],
)
def test_known_values_are_always_redacted(text: str, secret: str) -> None:
    assert hides(R, text, secret, CTX)


@pytest.mark.parametrize("text", ["caller: two tablets", "caller: one two three", "note: 12 days"])
def test_unrelated_numbers_stay(text: str) -> None:
    assert covered(R, text, CTX) == []


def test_nothing_known_nothing_found() -> None:
    assert covered(R, "caller: five five five oh one oh four four seven seven") == []

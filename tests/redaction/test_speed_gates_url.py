"""The URL scan's gate (issue 16 speed, seventh pass): a slash alone is mostly a date, so
without "www" the scan runs only when the text holds "://", a domain's ending right
before a slash, or "dot". Checked against ``_URL_RE`` on examples with explicit
non-matches and on generated strings.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction.contact import _URL_RE, ContactRecognizer, _may_hold_url
from callvault.redaction.spans import Context, Label


def _gate(lowered: str) -> bool:  # as ``ContactRecognizer.find`` reads it
    return "www" in lowered or "w w w" in lowered or ("/" in lowered and _may_hold_url(lowered))


_URL_PIECES = [
    "http", "https", "://", ":", "/", "//", "www", "w w w", "w", " ", "\t", "\n", ".", "com",
    "co", "uk", "io", "de", "example", "dot", " dot ", "slash", "12/17/2004", "a-b", "x1",
    ".com/", "@",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_URL_PIECES), max_size=10))
def test_every_url_passes_the_gate(pieces: list[str]) -> None:
    text = "".join(pieces)
    if _URL_RE.search(text):
        assert _gate(text)


@pytest.mark.parametrize(
    ("text", "gate", "found"),
    [
        ("DOB 12/17/2004, seen 01/27/2026.", False, False),  # dates: skipped
        ("see https://example.com/a for it", True, True),
        ("see example.com/portal", True, True),
        ("go to www.example.com", True, True),
        ("w w w dot example dot com slash pay", True, True),
        ("w\tw w dot example dot com 1/2", True, True),  # a slash, spelled www
        ("ratio 3/4 of a dose", False, False),
        ("file c.txt/2", False, False),  # no domain ending before the slash
        ("dot 1/2", True, False),  # the gate lets it through; the scan finds nothing
    ],
)
def test_url_gate_examples(text: str, gate: bool, found: bool) -> None:
    assert _gate(text) is gate
    assert (_URL_RE.search(text) is not None) is found
    urls = [s for s in ContactRecognizer().find(text, Context()) if s.label is Label.URL]
    assert bool(urls) is found

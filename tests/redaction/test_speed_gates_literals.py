"""Literals every match needs, tested before a scan (issue 16 speed, fifth pass): a comma
for the comma-separated address chains, a dot (written or said) for an e-mail domain,
"address" or "where" for a question asking for an address. Speech transcripts hold no
comma and seldom a dot. Each literal test is checked against its pattern on examples
with explicit non-matches and on generated strings.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction.address_spoken import _ASKS_RE, spoken_addresses
from callvault.redaction.chains import address_chains
from callvault.redaction.contact import _AT_DOMAIN_RE, _emails
from callvault.redaction.engine import analyze
from callvault.redaction.spans import Label, Span


def _has_dot(text: str) -> bool:
    return "." in text or "dot" in text or "period" in text


_EMAIL_PIECES = [
    "@", " at ", "\tat ", "gmail", "mail", " dot ", "dot", " period ", ".", "com", "de",
    "x", " ", "\t", "\n", "d", "o", "t", "-", "_", "1",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_EMAIL_PIECES), max_size=8))
def test_a_domain_needs_a_dot(pieces: list[str]) -> None:
    text = "".join(pieces)
    if _AT_DOMAIN_RE.search(text):
        assert _has_dot(text)


@pytest.mark.parametrize(
    ("lowered", "found"),
    [
        ("caller: it's ada.okafor@example.com", True),
        ("caller: ada okafor at example dot com", True),
        ("caller: ada okafor at gmail", False),  # no dot: no domain
        ("caller: i'm at home at noon", False),
        ("caller: ada at example period com thanks", True),
    ],
)
def test_emails(lowered: str, found: bool) -> None:
    assert bool(list(_emails(lowered))) is found


_ASK_PIECES = [
    "address", "mail address", "ip address", "where", "do", "you", "live", "should", "we",
    "send", " ", "\t", "\n", "wh", "ere", "addr", "ess",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_ASK_PIECES), max_size=8))
def test_an_address_question_names_one(pieces: list[str]) -> None:
    text = "".join(pieces)
    if _ASKS_RE.search(text):
        assert "address" in text or "where" in text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("agent: where do you live\ncaller: forty one oak street in dayton", True),
        ("agent: what's the address\ncaller: twelve elm road", True),
        ("agent: how can i help\ncaller: forty one oak street", False),  # nothing asked
    ],
)
def test_spoken_answers(text: str, found: bool) -> None:
    assert bool(list(spoken_addresses(text, text))) is found


def test_chains_need_a_comma() -> None:
    text = "Alex Dufour, 40 rue Martinez, Appartement 5, 86836 Gros"
    street = Span(13, 28, Label.ADDRESS, 0.75, "street")
    assert list(address_chains(text, [street]))
    flat = text.replace(",", "")
    assert not list(address_chains(flat, [street]))
    assert not list(address_chains("caller: forty one oak street", []))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("caller: write to ada dot okafor at example dot com", Label.EMAIL),
        ("Note: Alex Dufour, 40 rue Martinez, Appartement 5, 86836 Gros", Label.ADDRESS),
    ],
)
def test_analyze_still_finds(text: str, label: Label) -> None:
    assert label in {s.label for s in analyze(text)}

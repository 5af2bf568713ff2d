from __future__ import annotations

import pytest

from callvault.redaction.operators import apply, canonical, mask, redact, tokenizer
from callvault.redaction.spans import Label, Span

KEY_A = b"a" * 32
KEY_B = b"b" * 32


def test_redact_and_mask() -> None:
    text = "call 555-0104 now"
    spans = [Span(5, 13, Label.PHONE, 1.0, "t")]
    assert apply(text, spans) == "call [PHONE] now"
    assert apply(text, spans, mask) == "call ***-**** now"
    assert redact("x", Label.SSN) == "[SSN]"


def test_tokens_are_stable_per_tenant_and_follow_the_value_not_the_words() -> None:
    tok_a, tok_b = tokenizer(KEY_A), tokenizer(KEY_B)
    spoken = tok_a("five five five", Label.PHONE)
    assert spoken == tok_a("555", Label.PHONE) == tok_a("double five five", Label.PHONE)
    assert spoken != tok_b("555", Label.PHONE)
    assert spoken.startswith("[PHONE-") and len(spoken) == len("[PHONE-7f3a]")
    assert tok_a("Jane Roe", Label.NAME) == tok_a("jane  roe", Label.NAME)


def test_canonical_form() -> None:
    assert canonical("oh one two") == "012"
    assert canonical("Jane-Roe") == "janeroe"


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        tokenizer(b"short")

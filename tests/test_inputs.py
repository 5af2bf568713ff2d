"""``callvault.inputs``: which JSON texts hold a NUL, and which only look as if."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from callvault.identity.admin.schemas import TokenCreate
from callvault.inputs import holds_nul_escape


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ('"a\\u0000b"', True),
        ('"\\u0000"', True),
        ('"a\\\\\\u0000"', True),  # an escaped backslash, then a NUL
        ('"a\\\\u0000"', False),  # the text \u0000, not a NUL
        ('"a\\\\u0000 and \\u0000"', True),
        ('"\\u00001"', True),
        ('"u0000"', False),
        ('"\\u0001"', False),
    ],
)
def test_a_nul_escape_is_told_from_text_that_looks_like_one(text: str, holds: bool) -> None:
    assert holds_nul_escape(text.encode()) is holds
    assert ("\x00" in json.loads(text)) is holds


def test_a_body_with_a_nul_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(ValidationError) as refused:
        TokenCreate.model_validate_json(json.dumps({"name": "n\x00", "role": "integration"}))

    assert [e["msg"] for e in refused.value.errors()] == ["text must not contain NUL characters"]
    assert TokenCreate.model_validate_json('{"name": "n\\\\u0000", "role": "integration"}')

"""Work shared or skipped inside a transcript (issue 16 speed, fifth pass): the cached
lower-case copy is the copy, and the agent check reads the agent phrases only when the
speaker tag alone does not decide. Synthetic text only.
"""

from __future__ import annotations

import pytest

from callvault.redaction.names_gazetteer import gazetteer
from callvault.redaction.names_scan import Scan
from callvault.redaction.normalize import lower_same_length


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Agent: Hello", "agent: hello"),
        ("\u0130STANBUL", "\u0130stanbul"),  # "İ" grows when lowered: kept as it is
        ("\u212aELVIN \u03a3\u039f\u03a3", "kelvin \u03c3\u03bf\u03c2"),  # final sigma
        ("", ""),
    ],
)
def test_lower_same_length(text: str, expected: str) -> None:
    assert lower_same_length(text) == expected
    assert lower_same_length(text) == expected  # again, from the cache
    assert len(lower_same_length(text)) == len(text)


_CALL = (
    "caller: hi this is ada\n"
    "front desk: thank you for calling how can i help\n"
    "dana: you've reached lakeside ortho\n"
    "caller: ok"
)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("front desk", True),  # the tag says so
        ("agent", True),  # the tag says so, though it never speaks here
        ("dana", True),  # an agent phrase on that speaker's line
        ("caller", False),
        ("", False),  # no tag: never the agent
    ],
)
def test_is_agent(tag: str, expected: bool) -> None:
    assert Scan(_CALL, gazetteer()).is_agent(tag) is expected


def test_is_agent_reads_the_phrases_only_when_needed() -> None:
    scan = Scan(_CALL, gazetteer())
    assert scan.is_agent("front desk")
    assert scan._agent_tags is None  # decided by the tag
    assert not scan.is_agent("caller")
    assert scan._agent_tags == {"front desk", "dana"}

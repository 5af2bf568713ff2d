"""Russian, Ukrainian and Bulgarian addresses as written: a lower-case type word, often
abbreviated, before each part's capitalised name (in transliteration: "g. Tula", "ul.
Lenina, d. 5", "vulytsia Shevchenka, bud. 12"; the words in
``data/address_types_cyrillic.txt``). A town after its type word is a town (PHI), a
street a street; the house number after "d." / "bud." goes with it, and ``address_runs`` then takes
the flat, postcode and town that follow. Written text with Cyrillic letters only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources

from callvault.redaction.scan_lead import led, led_matches
from callvault.redaction.spans import Label, Span
from callvault.redaction.trie import trie_regex

_CAPITAL = "\u0410-\u042f\u0401\u0406\u0407\u0404\u0490"  # Russian and Ukrainian capitals
_LOWER = "\u0430-\u044f\u0451\u0456\u0457\u0454\u0491"
_NAME = rf"[{_CAPITAL}][\w'\u2019-]*"
# The house number: "d." (dom), "bud." (budynok) and the number.
_HOUSE = (
    r"(?:\u0434|\u0434\u043e\u043c|\u0431\u0443\u0434|\u0431\u0443\u0434\u0438\u043d\u043e\u043a)"
)
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


@functools.cache
def _part_re() -> re.Pattern[str]:
    """A type word, the part's name (one or two words) and a house number after it."""
    raw = resources.files("callvault.redaction").joinpath("data", "address_types_cyrillic.txt")
    types = [w.strip() for w in raw.read_text("utf-8").splitlines() if w.strip()[:1] not in "#"]
    return led(
        re.compile(
            rf"(?<![\w'])(?:{trie_regex([t for t in types if t], literal=True)})\.?[ \t]+"
            rf"{_NAME}(?:[ \t]+(?:{_NAME}|[{_LOWER}][\w'-]*(?=,)))?"
            rf"(?:,?[ \t]+{_HOUSE}\.?[ \t]*\d{{1,4}}(?:/\d{{1,4}})?[{_LOWER}]?(?![\w]))?"
        )
    )


def cyrillic_addresses(text: str) -> Iterator[Span]:
    """Towns and streets after their type word, with the house number after a street."""
    if _CYRILLIC_RE.search(text) is None:
        return
    for start, end, _m in led_matches(_part_re(), text):
        yield Span(start, end, Label.ADDRESS, 0.7, "place after its type word")

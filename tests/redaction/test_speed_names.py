"""Steps the name recognizer skips or moves (issue 16 speed, sixth pass), each with the
result it stands for: no lower-case copy when there is nothing to look for, a word
read once per place (a place with no word too), the speaker-tag test after the cheap
"no name follows" test. Synthetic text only.
"""

from __future__ import annotations

import pytest

from callvault.redaction.names import _blocked, _cued, _relation_kind
from callvault.redaction.names_gazetteer import gazetteer
from callvault.redaction.names_scan import Scan
from callvault.redaction.names_spelled import mentions


@pytest.mark.parametrize(
    ("cue", "kind"),
    [
        ("my partner's name is", "strong"),
        ("my son's name", "strong"),
        ("her baby", "child"),
        ("the kid's", "child"),
        ("my mother", "relation"),
        ("my son's", "relation's"),  # a possessive: not "strong"
        ("my friend", "relation's"),  # a friend: not "relation"
        ("the mother", "relation's"),  # "the" is no kin word
        ("mom", "relation's"),
        ("my named", "relation"),  # "name" not at the end: not "strong"
    ],
)
def test_relation_kind(cue: str, kind: str) -> None:
    assert _relation_kind(cue) == kind


@pytest.mark.parametrize(
    ("text", "parts", "found"),
    [
        ("caller: ada called", (), []),  # nothing to look for
        ("caller: ada called", frozenset(), []),
        ("caller: Ada's chart, ADA", ("ada",), [(8, 13), (21, 24)]),
        ("caller: canada", ("ada",), []),  # inside a word: none
    ],
)
def test_mentions(text: str, parts: tuple[str, ...], found: list[tuple[int, int]]) -> None:
    assert list(mentions(text, parts)) == found


@pytest.mark.parametrize(
    ("clinics", "spans"),
    [
        ((), []),  # the common case: no clinic name given
        (("Pine Ridge",), [(6, 16), (21, 31)]),
        (("Oak Hill",), []),  # not in the text
        (("  ",), []),  # blank: never a block
    ],
)
def test_blocked(clinics: tuple[str, ...], spans: list[tuple[int, int]]) -> None:
    assert _blocked("agent pine ridge and PINE RIDGE", clinics) == spans


def test_a_place_is_read_once() -> None:
    scan = Scan("caller: hi, ada 42", gazetteer())
    first = scan.tok_at(10)
    assert first is not None and first.key == "ada" and first.comma
    assert scan.tok_at(10) is first  # from the cache
    assert scan.tok_at(15) is None  # "42": no word
    assert scan._toks[15] is None  # and that is cached too
    assert scan.tok_at(15) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("caller: i saw professor smith today", [["smith"]]),
        ("caller: i saw dr. smith today", []),  # a call's doctor is staff, no PHI
        ("caller: mr okafor called", [["okafor"]]),
        ("Dr. Smith: hi there", []),  # the cue is in the speaker tag
        ("mr okafor: hi", []),
        ("caller: it's a good day", []),  # no name after the cue
    ],
)
def test_cues_in_speaker_tags_are_no_cues(text: str, found: list[list[str]]) -> None:
    got = [[t.key for t in toks] for toks, _ in _cued(Scan(text, gazetteer()), set(), set())]
    assert got == found

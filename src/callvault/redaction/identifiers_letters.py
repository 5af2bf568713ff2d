"""The letters around an identifier's digits that the number reader leaves out: letters
said before them and set apart by "then" ("x m as in mike and then the numbers eight
nine ..."), a written capital-letter prefix set apart by a space ("Sub ID XVY 240054"),
and the Medicare Beneficiary Identifier's fixed shape ("1EG4-TE5-MK73")."""

from __future__ import annotations

import re

from callvault.redaction.normalize_spoken import PHONETIC
from callvault.redaction.spans import Span
from callvault.redaction.trie import trie_regex

# Letters said before the digits of an identifier and set apart from them by "then",
# "and then the numbers" ...: "x m as in mike and then the numbers eight nine four ...",
# "starts with r h then six oh ...". Looked for only before a number already taken as
# an identifier, so the letters' meaning comes from the digits' cue.
_LETTER_ITEM = (
    rf"(?:[a-z](?:[ \t]+(?:as[ \t]+in|like|for|is[ \t]+for)[ \t]+[a-z]+(?:-[a-z]+)?)?"
    rf"|{trie_regex(sorted(PHONETIC), literal=True)})(?![\w'])"
)
_LETTER_CONNECTOR = (
    r"(?:(?:and[ \t]+)?then(?:[ \t]+(?:the|it's)[ \t]+(?:numbers?|digits?))?(?:[ \t]+is)?"
    r"|and|followed[ \t]+by|dash|hyphen|um|uh|er|space)"
)
_LETTERS_BEFORE_RE = re.compile(
    rf"(?<![\w'])((?:{_LETTER_ITEM}[ \t,-]+)+)((?:{_LETTER_CONNECTOR}[ \t,-]+)*)\Z"
)
_LETTERS_WINDOW = 90


_LETTERS_GATE = frozenset(
    ("then", "and", "numbers", "number", "digits", "by", "dash", "hyphen", "um", "uh", "er",
     "space", "is", *PHONETIC)
)  # fmt: skip


def letters_before(lowered: str, span: Span) -> Span | None:
    """The letters said before ``span``'s digits (the connector words stay readable)."""
    before = lowered[max(0, span.start - 16) : span.start].split()
    if not before or (len(before[-1].strip(",-")) > 1 and before[-1] not in _LETTERS_GATE):
        return None  # the usual case, decided without the pattern
    letters = _LETTERS_BEFORE_RE.search(lowered, max(0, span.start - _LETTERS_WINDOW), span.start)
    if letters is None:
        return None
    said = letters[1].split()
    if not letters[2] and (said[-1] in ("a", "i") or set(said) <= {"a", "i"}):
        return None  # "it's a one two three": "a" is more likely the article
    end = letters.start(1) + len(letters[1].rstrip(" \t,-"))
    return Span(letters.start(1), end, span.label, span.score, f"{span.explanation}:letters")


# A written id's letter prefix set apart by a space: "Sub ID XVY 240054", "Claim# JRN
# 46295193". Taken only before digits already taken as an identifier; the cue words
# themselves, written in capitals, stay.
_PREFIX_RE = re.compile(r"(?<![\w'#-])([A-Z]{1,4})[ \t-]\Z")
_NOT_PREFIX = frozenset(
    [
        "ID",
        "NO",
        "NR",
        "NUM",
        "MRN",
        "SSN",
        "DOB",
        "ACCT",
        "MBI",
        "REF",
        "PIN",
        "ZIP",
        "TEL",
        "FAX",
        "PH",
        "CB",
        "EXT",
        "APT",
        "STE",
        "UNIT",
        "A",
        "I",
        "US",
        "PO",
        "BOX",
        "RX",
        "DX",
        "MD",
        "DR",
        "PT",
        "CC",
        "HMO",
        "PPO",
        "EPO",
        "POS",
        "FL",
    ]
)
# The Medicare Beneficiary Identifier's fixed shape: "1EG4-TE5-MK73", "1EG4TE5MK73".
# The look-behind comes after the first digit (it still tests the character before it):
# led by a character class, the scan skips to digits in C instead of trying every position.
MBI_RE = re.compile(r"[1-9](?<![\w-].)[A-Z][A-Z\d]\d-?[A-Z][A-Z\d]\d-?[A-Z]{2}\d{2}(?![\w-])")


def prefix_before(text: str, span: Span) -> Span | None:
    m = _PREFIX_RE.search(text, max(0, span.start - 6), span.start)
    if m is None or m[1] in _NOT_PREFIX:
        return None
    return Span(m.start(1), m.end(1), span.label, span.score, f"{span.explanation}:prefix")

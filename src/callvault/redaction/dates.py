"""Dates (of birth, of visits), spoken and written, and ages over 89.

"march third nineteen eighty two", "the 3rd of March", "March 3rd, 1982", "03/04/1982",
"1982-03-04". A month name needs a day or a year next to it ("may i" is not a date),
and times of day ("ten am", "2:30 PM") never match: they have no month and no
three-part numeric form. Numeric spoken dates ("oh three oh four eighty two") are
found by the identifier recognizer through the date-of-birth cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from callvault.redaction.lexicon import MONTHS, ORDINALS, TEENS, TENS, UNITS
from callvault.redaction.normalize import lower_same_length, number_runs
from callvault.redaction.spans import Context, Label, Span
from callvault.redaction.trie import trie_regex


def _alt(words: Iterable[str]) -> str:
    # A trie, not "a|b|c" (which ``re`` tries branch by branch): this pattern runs at
    # every word of every transcript. Same matches as a longest-first alternation.
    return trie_regex(words, literal=True)


_SP = r"[ \t]*[ \t,-][ \t]*"
_UNIT = _alt(k for k, v in UNITS.items() if v and k != "o")
_ORD_UNIT = _alt(k for k, v in ORDINALS.items() if v < 10)
_MONTH = rf"(?:{_alt(MONTHS)})\.?"
_DAY = (
    rf"(?:(?:twenty|thirty)(?:{_SP}(?:{_ORD_UNIT}|{_UNIT}))?|{_alt(ORDINALS)}|{_alt(TEENS)}"
    rf"|{_UNIT}|[0-3]?\d(?:st|nd|rd|th)?)"
)
_TWO = rf"(?:(?:{_alt(TENS)})(?:{_SP}(?:{_UNIT}))?|{_alt(TEENS)}|oh{_SP}(?:{_UNIT}))"
_YEAR = (
    rf"(?:(?:nineteen|twenty){_SP}(?:{_TWO}|hundred)|two thousand(?:{_SP}and)?"
    rf"(?:{_SP}(?:{_TWO}|{_UNIT}))?|(?:1[89]|20)\d\d|'\d\d)"
)
# After a month and day, a bare two-digit year too: "march third eighty two", "3/3 '82".
_DAY_YEAR = rf"(?:{_YEAR}|{_TWO}|\d\d)(?![\w'])"
# What every date opens with (a test checks it against the pattern). As a look-ahead
# it lets ``re`` drop most words before trying the forms below one by one.
DATE_STARTS = (*MONTHS, *ORDINALS, "the", "twenty", "thirty")
_DATE_RE = re.compile(
    rf"(?<![\w'])(?=\d|{_alt(DATE_STARTS)})(?:{_MONTH}(?:{_SP}of)?{_SP}{_YEAR}"
    rf"|{_MONTH}{_SP}(?:the{_SP})?{_DAY}(?:(?:{_SP}|{_SP}of{_SP}){_DAY_YEAR})?"
    rf"|(?:the{_SP})?(?:{_alt(ORDINALS)}|(?:twenty|thirty){_SP}(?:{_ORD_UNIT})|[0-3]?\d(?:st|nd|rd|th)?)"
    rf"(?:{_SP}of)?{_SP}{_MONTH}(?:{_SP}{_DAY_YEAR})?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})(?![\w'/])"
)
# "may" and "march" are also verbs: as a month they need a day or year right after.
_AGE_BEFORE_RE = re.compile(
    r"(?:he's|she's|he is|she is|i'm|i am|age|aged|turned|turning|turns|patient is)[ \t:]*$"
)
_AGE_AFTER_RE = re.compile(r"[ \t-]*(?:years?[ \t-]old|y/?o\b|yrs?[ \t-]old|yo\b)")
_OLDEST = 125


# A day said on its own ("the fifteenth") is a date when the sentence is about one.
_BARE_DAY = (
    rf"the{_SP}(?:{_alt(ORDINALS)}|(?:twenty|thirty){_SP}(?:{_ORD_UNIT})|[0-3]?\d(?:st|nd|rd|th))"
)
_CUED_DAY_RE = re.compile(
    r"(?<![\w'])(?:date of (?:service|visit|birth|admission|discharge|surgery|injury)"
    r"|appointment|admitted|discharged|seen|visit|surgery|born|birthday)\b[^\n]{0,30}?"
    rf"(?<![\w'])(?:on|was|is|for)[ \t]+({_BARE_DAY})(?![\w'])"
    r"(?![ \t]+(?:floor|time|one|thing|place|step|page|option))"
)


class DateRecognizer:
    name = "dates"

    def find(self, text: str, context: Context) -> Iterator[Span]:
        lowered = lower_same_length(text)
        found = [m.span() for m in _DATE_RE.finditer(lowered) if _plausible(m.group())]
        for start, end in found:
            yield Span(start, end, Label.DATE, 0.85, "date pattern")
        for m in _CUED_DAY_RE.finditer(lowered):
            if not any(s <= m.start(1) < e for s, e in found):
                yield Span(m.start(1), m.end(1), Label.DATE, 0.75, "day after a date cue")


def _plausible(found: str) -> bool:
    """Reject numeric forms that cannot be dates (13/45/2001)."""
    if not found[:1].isdigit() or not re.fullmatch(r"[\d/.-]+", found):
        return True
    parts = [int(p) for p in re.split(r"[/.-]", found)]
    parts = parts[1:] if parts[0] > 31 else parts[:2]  # year first, or last
    return 1 <= min(parts) <= 12 and max(parts) <= 31


class AgeRecognizer:
    """Ages over 89 (HIPAA Safe Harbor); younger ages stay readable."""

    name = "age"

    def find(self, text: str, context: Context) -> Iterator[Span]:
        lowered = lower_same_length(text)
        for run in number_runs(text):
            if not run.value.isdigit() or not 90 <= int(run.value) <= _OLDEST:
                continue
            before = _AGE_BEFORE_RE.search(lowered, max(0, run.start - 16), run.start)
            if before or _AGE_AFTER_RE.match(lowered, run.end):
                yield Span(run.start, run.end, Label.AGE, 0.85, "age over 89")

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
from dataclasses import replace

from callvault.redaction.lexicon import MONTHS, ORDINALS, QUANTITY_WORDS, TEENS, TENS, UNITS
from callvault.redaction.normalize import (
    Run,
    holds_digit,
    line_end,
    lower_same_length,
    number_runs,
)
from callvault.redaction.scan_lead import led, led_matches
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
# A filler between a month and its day ("may uh seventeenth nineteen eighty nine").
_FILLER = r"(?:um+|uh+|er+|erm)"
# After a month and day, a bare two-digit year too: "march third eighty two", "3/3 '82".
_DAY_YEAR = rf"(?:{_YEAR}|{_TWO}|\d\d)(?![\w'])"
# What every date opens with (a test checks it against the pattern). As a look-ahead
# it lets ``re`` drop most words before trying the forms below one by one.
DATE_STARTS = (*MONTHS, *ORDINALS, "the", "twenty", "thirty")
# In the look-ahead, "the" only before a day ("the 3rd", "the twenty first"): the common
# word is then dropped as fast as the others.
_DATE_OPENING = (
    rf"\d|{_alt(w for w in DATE_STARTS if w != 'the')}"
    rf"|the{_SP}(?:{_alt(ORDINALS)}|twenty|thirty|\d)"
)
# The time of a timestamp ("1972-12-07 16:57:53.192230", "2021-11-06T14:03Z") is read with
# its date: a finer part of the same date element.
_STAMP_TIME = r"(?:[ t]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:z|[+-]\d\d:?\d\d)?)?"
_DATE_RE = re.compile(
    rf"(?<![\w'])(?={_DATE_OPENING})(?:{_MONTH}(?:{_SP}of)?{_SP}{_YEAR}"
    rf"|{_MONTH}{_SP}(?:{_FILLER}{_SP})?(?:the{_SP})?{_DAY}(?:(?:{_SP}|{_SP}of{_SP}){_DAY_YEAR})?"
    rf"|(?:the{_SP})?(?:{_alt(ORDINALS)}|(?:twenty|thirty){_SP}(?:{_ORD_UNIT})|[0-3]?\d(?:st|nd|rd|th)?)"
    rf"(?:{_SP}of)?{_SP}{_MONTH}(?:{_SP}{_DAY_YEAR})?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"
    rf"{_STAMP_TIME})(?![\w'/])"
)
_DATE_LED = led(_DATE_RE)  # the same matches, scanned faster (``scan_lead``)
# "may" and "march" are also verbs: as a month they need a day or year right after.
_AGE_BEFORE_RE = re.compile(
    r"(?:he's|she's|he is|she is|i'm|i am|age|aged|turned|turning|turns|patient is|pt is"
    r"|(?:he|she|i|they|you|who)(?:'ll| will|'d| would)[ \t]+be|will be|gonna be|going to be"
    r"|makes[ \t]+(?:her|him|me|them))[ \t:]*"
    r"(?=\n?\Z)"  # across one line break on purpose, as "$" did: a form's "Age:\n94"
)
# "94 years old", "94yo", "94 y/o", "104 yrs", "92 years of age" (not "yrs ago").
_AGE_AFTER_RE = re.compile(
    r"[ \t-]*(?:years?[ \t-](?:old|of[ \t]+age)|y/?o\b|yrs?(?:[ \t-]old|[ \t]+of[ \t]+age)?"
    r"(?![\w])(?![ \t]+ago)|yo\b)"
)
_OLDEST = 125


# A day said on its own ("the fifteenth") is a date when the sentence is about one.
_BARE_DAY = (
    rf"the{_SP}(?:{_alt(ORDINALS)}|(?:twenty|thirty){_SP}(?:{_ORD_UNIT})|[0-3]?\d(?:st|nd|rd|th))"
)
_CUED_DAY_RE = re.compile(
    r"(?<![\w'])(?:date of (?:service|visit|birth|admission|discharge|surgery|injury)"
    r"|appointment|admitted|discharged|seen|visit|surgery|born|birthday|booked|scheduled"
    r"|pick[ \t-]?up|collection|delivery|procedure|scan)\b"
    r"[^\n]{0,30}?"
    rf"(?<![\w'])(?:on|was|is|for)[ \t]+({_BARE_DAY})(?![\w'])"
    r"(?![ \t]+(?:floor|time|one|thing|place|step|page|option))"
)


# Every date element tied to a person except the year is PHI (Safe Harbor), not only
# a date of birth. A day of the month said with its weekday ("thursday the eighteenth",
# "friday the 7th at four fifteen": weekday and day, never the time of day) ...
_ORD_DAY = rf"(?:(?:twenty|thirty){_SP}(?:{_ORD_UNIT})|{_alt(ORDINALS)}|[0-3]?\d(?:st|nd|rd|th))"
_NOT_A_DAY = (
    r"[ \t]+(?:thing|things|time|times|floor|page|step|place|one|person|dose|shot|visit"
    r"|week|day|try|round|half|part|item|line|option|of (?:all|the|those|these|them)"
    r"|attempt|call|party|century|opinion|grade|trimester|generation|amendment|quarter)"
)
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_WEEKDAY_BEFORE_RE = re.compile(rf"(?<![\w']){_WEEKDAY},?[ \t]+\Z")
# The word that says which weekday is part of the date as said: "next friday the
# twenty second", "this coming tuesday the ninth".
_WEEKDAY_LEAD_RE = re.compile(r"(?<![\w'])(?:(?:this|next|last)(?:[ \t]+coming)?|coming)[ \t]+\Z")
_WEEKDAY_DAY_RE = re.compile(
    rf"{_WEEKDAY}(?:,?[ \t]+the|,)?[ \t]+"
    rf"({_ORD_DAY}|(?<=the )[0-3]?\d)(?![\w'/:])(?!{_NOT_A_DAY})"
)
# ... or after "on/by/until the" where it ends the phrase ("come in on the twelfth.",
# "by the 3rd or so"), not "on the first floor".
_PHRASE_DAY_RE = re.compile(
    r"(?:on|by|until|till|til|before|after|since|starting|from|through|thru|around|to|for"
    r"|done|was|were|seen|visit|appt|due)(?:[ \t]+(?:um|uh|er|erm|like|maybe|probably))*[ \t]+"
    rf"(the[ \t]+{_ORD_DAY})"
    r"(?=[ \t]*(?:[,.?!;)]|$|at\b|or\b|and\b|then\b|works|instead|is\b|would|if\b|after\b"
    r"|before\b|from\b|between\b|when\b|once\b"
    r"|around\b|about\b|so\b|but\b|because\b|please\b|right\b|okay\b|yeah\b|i\b"
    r"|in the (?:morning|afternoon|evening)|of (?:this|next|last) month))",
    re.MULTILINE,
)
# What every match of ``_CUED_DAY_RE`` and ``_PHRASE_DAY_RE`` holds ("the" and the start
# of a day); it opens with a literal, which ``re`` finds fast, so most texts skip both.
_DAY_AFTER_THE_RE = re.compile(rf"the{_SP}(?:{_alt(ORDINALS)}|twenty|thirty|\d)")
# In a note a day written as a numeric ordinal after "the" is a date ("Approved the
# 7th", "confirm the 13th 9:00 appt"), not "the 2nd attempt" or "the 3rd floor".
_WRITTEN_ORDINAL_RE = re.compile(
    rf"(?<![\w'])the[ \t]+([0-3]?\d)(?:st|nd|rd|th)(?![\w'])(?!{_NOT_A_DAY})"
)
# Short numeric dates in notes: "7/20", "10/02", "5-28", "20.07." (a dotted one needs
# its closing dot, maybe the sentence's after it: "7.5" and "14.08 dollars" are
# numbers). Fractions ("1/2", "3/4 of"), "24/7" and pain scores ("8/10") are not dates.
_SHORT_DATE_RE = re.compile(
    r"(\d(?<![\w/.$:,-]\d)\d?)(?:/(\d{1,2})(?![\w/]|[.,]\d)|\.(\d{1,2})\.(?![\w]|\.[\w.])"
    r"|-(\d{1,2})(?![\w/-]|[.,]\d))"
)
_NOT_AFTER_SHORT_RE = re.compile(
    rf"[ \t]*(?:of\b|pain|scale|{trie_regex(QUANTITY_WORDS, literal=True)}(?![\w]))"
)
# It keeps a number readable, so it reads the number's own line only: "\Z", not "$"
# (which also matches before a last line break: "take\n7/20" is a date opening a line).
_NOT_BEFORE_SHORT_RE = re.compile(r"(?:take|takes|qty|x|ratio|score|pain|rated?|bp)[ \t:]*\Z")


class DateRecognizer:
    name = "dates"

    def find(self, text: str, context: Context) -> Iterator[Span]:
        lowered = lower_same_length(text)
        found = [(s, e) for s, e, _ in led_matches(_DATE_LED, lowered) if _plausible(lowered[s:e])]
        digits = holds_digit(text)  # the compact and short forms need one
        found += [
            m.span()
            for m in (_COMPACT_DATE_RE.finditer(lowered) if digits else ())
            if not m.start() or lowered[m.start() - 1] not in _NOT_BEFORE_COMPACT
        ]
        for i, (start, end) in enumerate(found):
            # The weekday goes with its date: "tuesday march four", "Fri, Jun 7".
            found[i] = (_with_weekday(lowered, start), end)
            yield Span(found[i][0], end, Label.DATE, 0.85, "date pattern")
        # Two of the three need "the" and a day after it: one scan for that literal first.
        day_after_the = _DAY_AFTER_THE_RE.search(lowered) is not None
        for regex, why in (
            (_CUED_DAY_RE, "day after a date cue"),
            (_WEEKDAY_DAY_RE, "day with its weekday"),
            (_PHRASE_DAY_RE, "day"),
        ):
            if regex is not _WEEKDAY_DAY_RE and not day_after_the:
                continue
            for m in regex.finditer(lowered):
                if regex is not _CUED_DAY_RE and _inside_word(lowered, m.start()):
                    continue
                if not any(s <= m.start(1) < e or m.start(1) <= s < m.end(1) for s, e in found):
                    # The weekday goes with its day: "thursday the eighteenth" is one date.
                    start = (
                        _with_weekday_lead(lowered, m.start())
                        if regex is _WEEKDAY_DAY_RE
                        else m.start(1)
                    )
                    found.append((start, m.end(1)))
                    yield Span(start, m.end(1), Label.DATE, 0.75, why)
        for m in _WRITTEN_ORDINAL_RE.finditer(lowered) if digits and text != lowered else ():
            if 1 <= int(m[1]) <= 31 and not any(s <= m.start() < e for s, e in found):
                found.append(m.span())  # a note's "Rebooked the 25th @ 12:20"
                yield Span(m.start(), m.end(), Label.DATE, 0.7, "day of the month in a note")
        for m in _SHORT_DATE_RE.finditer(lowered) if digits else ():
            if any(s <= m.start() < e for s, e in found) or not _short_date(lowered, m):
                continue
            start = _with_weekday(lowered, m.start())  # "Wednesday 8/22"
            found.append((start, m.end(m.lastindex or 0)))
            yield Span(start, m.end(m.lastindex or 0), Label.DATE, 0.7, "short date")
        if found and (digits or "twenty" in lowered or "thirty" in lowered):
            yield from _corrected_days(lowered, found)
        if found and "year" in lowered:
            yield from _years_asked_for(lowered, found)


# A day of the month alone, said to correct or confirm a date just said on the line or
# the turn before ("Is that the 19th? -- No, 29th, not the 19th."): the date's own day.
_LONE_DAY_RE = re.compile(
    rf"(?<![\w'/.:-])((?:twenty|thirty)[ \t-](?:{_ORD_UNIT})|[0-3]?\d(?:st|nd|rd|th))"
    rf"(?![\w'/:-])(?!{_NOT_A_DAY})"
)


def _corrected_days(lowered: str, found: list[tuple[int, int]]) -> Iterator[Span]:
    for m in _LONE_DAY_RE.finditer(lowered):
        day = m[1]
        if day[0].isdigit() and not 1 <= int(day.rstrip("stndrh")) <= 31:
            continue
        if any(s <= m.start() < e for s, e in found):
            continue
        turn_before, _ = _this_and_previous_line(lowered, m.start())
        if any(
            turn_before <= s < m.start() or m.end() <= s < line_end(lowered, m.end())
            for s, _ in found
        ):
            yield Span(m.start(), m.end(), Label.DATE, 0.65, "day of a date said before")


# "September 22nd..." -- "And the year?" -- "1933, sorry.": the year that completes a date
# said in the turn before the question (a year alone stays readable elsewhere).
_YEAR_ASKED_RE = re.compile(r"(?<![\w'])(?:what|which|and[ \t]+the|the)[ \t]+year\b[^\n]{0,12}\n")
_YEAR_ANSWER_RE = re.compile(rf"[^\n:]{{0,30}}:[ \t]*(?:[^\n\d]{{0,12}}?[ \t,])?({_YEAR})(?![\w'])")


def _years_asked_for(lowered: str, found: list[tuple[int, int]]) -> Iterator[Span]:
    for m in _YEAR_ASKED_RE.finditer(lowered):
        turn_before, line_start = _this_and_previous_line(lowered, m.start())
        if not any(turn_before <= s < line_start for s, _ in found):
            continue
        answer = _YEAR_ANSWER_RE.match(lowered, m.end())
        if answer and not any(s <= answer.start(1) < e for s, e in found):
            yield Span(answer.start(1), answer.end(1), Label.DATE, 0.65, "year asked for a date")


def _this_and_previous_line(lowered: str, pos: int) -> tuple[int, int]:
    """Where the line before the one holding ``pos`` starts, and where that one starts."""
    line_start = lowered.rfind("\n", 0, pos) + 1
    return lowered.rfind("\n", 0, max(0, line_start - 1)) + 1, line_start


def _with_weekday(lowered: str, start: int) -> int:
    """Where a date said from ``start`` opens with the weekday before it, if any."""
    weekday = _WEEKDAY_BEFORE_RE.search(lowered, max(0, start - 12), start)
    return _with_weekday_lead(lowered, weekday.start()) if weekday else start


def _with_weekday_lead(lowered: str, weekday_start: int) -> int:
    lead = _WEEKDAY_LEAD_RE.search(lowered, max(0, weekday_start - 18), weekday_start)
    return lead.start() if lead else weekday_start


_NOT_BEFORE_COMPACT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_/.-")


def _inside_word(lowered: str, pos: int) -> bool:
    """Whether ``pos`` continues a word (the patterns leave the word start out: speed)."""
    return pos > 0 and (lowered[pos - 1].isalnum() or lowered[pos - 1] in "_'")


def _short_date(lowered: str, m: re.Match[str]) -> bool:
    first, second = m[1], m[2] or m[3] or m[4]
    a, b = int(first), int(second)
    if not (1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12) or (a, b) == (24, 7):
        return False
    padded = len(first) == 2 or len(second) == 2
    ambiguous = m[2] and (
        not padded or (b == 10 and a <= 10 and len(second) == 2 and first[0] != "0")
    )
    # "3/4" may be a fraction, "5-10" a range: such a date needs its cue.
    if (ambiguous or m[4]) and not _DAY_CUE_RE.search(lowered, max(0, m.start() - 24), m.start()):
        return False
    if _NOT_AFTER_SHORT_RE.match(lowered, m.end()):
        return False
    return not _NOT_BEFORE_SHORT_RE.search(lowered, max(0, m.start() - 10), m.start())


# Before a short numeric date that could also be a fraction or a range ("on 3/4",
# "seen 7/2", "faxed 4-2").
_DAY_CUE_RE = re.compile(
    r"(?:\bon|seen|visit|appt|appointment|dated?|dos|dob|since|due|from|until|till|by"
    r"|drawn|done|filled|admitted|discharged|scheduled|resched\w*|of|faxed|sent|ordered"
    r"|called|collected|received|reviewed|performed|completed|with pt|pt|no-?show|missed"
    r"|cancel\w*|r/s|move[ds]?|moving|push(?:ed)?|book(?:ed)?|switch(?:ed)?|changed?"
    rf"|(?<![\w']){_WEEKDAY})(?:[ \t]+(?:it|that|them|him|her))?(?:[ \t]+to)?"
    r"[ \t:,]*(?=\n?\Z)"  # "DOS:\n3/4" too
)
# Notes write a date as one word: "03NOV2024", "3nov24".
_COMPACT_DATE_RE = re.compile(  # opens with a digit (fast); what is before it: in Python
    r"\d\d?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"(?:\d{4}|\d{2})(?![\w/])"
)


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
        runs_said: list[Run] = []
        for run in (_a_hundred(r, lowered) for r in number_runs(text)):
            if not run.value.isdigit() or not 90 <= int(run.value) <= _OLDEST:
                continue
            before = _AGE_BEFORE_RE.search(lowered, max(0, run.start - 16), run.start)
            if _AGE_AFTER_RE.match(lowered, run.end) or (
                before and not _NOT_AGE_AFTER_RE.match(lowered, run.end)
            ):
                runs_said.append(run)
                yield Span(run.start, run.end, Label.AGE, 0.85, "age over 89")
            elif _said_of_a_person(lowered, run.start, run.end) or _at_an_age(lowered, run):
                runs_said.append(run)
                yield Span(run.start, run.end, Label.AGE, 0.8, "age over 89 of a person")
        for m in _AGE_NOTE_RE.finditer(lowered) if holds_digit(text) else ():
            if _inside_word(lowered, m.start()) or lowered[m.start() - 1 : m.start()] in "./-":
                continue
            if _NOT_AGE_BEFORE_RE.search(lowered, max(0, m.start() - 12), m.start()):
                continue
            if any(r.start <= m.start() < r.end for r in runs_said):
                continue
            age = m.lastindex or 1
            if age == 2 and not _capitalised_before(text, m.start(age) - 2):
                continue  # "take exit (95)": no name before it
            yield Span(m.start(age), m.end(age), Label.AGE, 0.8, "age over 89 in a note")


# "my mother's ninety three", "dad is now 94", "grandpa just turned 100": a number
# over 89 right after a person word and is/'s/was/turned.
_AGE_OF_PERSON_RE = re.compile(
    r"(?<![\w'])(?:mother|mom|mum|mama|father|dad|papa|grand\w*|gran|granny|nana|nan|nanna"
    r"|aunt|auntie|uncle|wife|husband|sister|brother|spouse|partner|patient|pt|he|she|they"
    r"|son|daughter|parents?|neighbou?r|friend|lady|man|woman|gentleman|who|resident"
    r"|client|elderly)"
    r"(?:[ \t]+[^\W\d_][\w'-]*(?=[ \t]+(?:is|was|turned|turns)\b))?"  # "my mum Emanuel is 99"
    r"(?:'s|'ll be|[ \t]+(?:is|was|turned|turns|turning|will be|would be|be)"
    r"|[ \t]*[,(])"  # notes: "Elderly pt, 99", "Pt's mother (92)"
    r"(?:[ \t]+(?:now|just|about|almost|nearly|over|already|actually|like|uh|um|coming[ \t]+up"
    r"|going[ \t]+on|getting[ \t]+on[ \t]+for|pushing))*"
    r"[ \t:,]*(?=\n?\Z)"  # across one line break on purpose: "Elderly pt,\n92"
)
_NOT_AGE_AFTER_RE = re.compile(
    rf"[ \t]*(?:%|percent|degrees?|dollars?|bucks|cents|pounds?|lbs?|kg|over\b|/|"
    rf"{trie_regex(QUANTITY_WORDS, literal=True)}(?![\w]))"
)
# "91yo", "94 y.o.", "92F", "aged 92 F", "Bill (98) M" in notes (not "room 91F").
# (Like ``_NOT_BEFORE_SHORT_RE``, on the age's own line only.)
_NOT_AGE_BEFORE_RE = re.compile(r"(?:room|rm|suite|ste|apt|unit|bed|floor|#|no\.?)[ \t:]*\Z")
_AGE_NOTE_RE = re.compile(
    r"(9\d|1[01]\d|12[0-5])(?:[ \t]?(?:yo|y\.o\.?|y/o|[mf]))(?![\w/])"
    r"|(?<=[^\W\d_] \()(9\d|1[01]\d|12[0-5])\)"  # after a name: "Mark Lopez (95)"
)


def _a_hundred(run: Run, lowered: str) -> Run:
    """ "a hundred and one" is 101, not the letter A and 101 (the reader's spelled-id view);
    "turned a hundred": the "a" belongs to the number."""
    said = lowered[run.start : run.end]
    if run.value[:1] == "A" and run.value[1:].isdigit() and said.startswith("a hundred"):
        return replace(run, value=run.value[1:])
    if said.startswith("hundred") and lowered[max(0, run.start - 2) : run.start] == "a ":
        return replace(run, start=run.start - 2)
    return run


def _capitalised_before(text: str, end: int) -> bool:
    """Does the word ending at ``end`` open with a capital ("Lopez (95)")?"""
    start = end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "'-"):
        start -= 1
    return start < end and text[start].isupper()


# "At 101 she can no longer manage the stairs": "at" and the number, then its person.
_AT_BEFORE_RE = re.compile(r"(?<![\w'])at[ \t]+\Z")
_PERSON_AFTER_RE = re.compile(r"[ \t,]+(?:she|he|they|i|we|my|her|his|mum|mom|dad)(?![\w'])")


def _at_an_age(lowered: str, run: Run) -> bool:
    return bool(
        _AT_BEFORE_RE.search(lowered, max(0, run.start - 4), run.start)
        and _PERSON_AFTER_RE.match(lowered, run.end)
    )


def _said_of_a_person(lowered: str, start: int, end: int) -> bool:
    if _NOT_AGE_AFTER_RE.match(lowered, end):
        return False
    return _AGE_OF_PERSON_RE.search(lowered, max(0, start - 60), start) is not None

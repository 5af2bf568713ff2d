"""Read spoken numbers: "double five", "nineteen eighty two", "w one two", with an
exact map back to the original characters.

A *run* is a maximal stretch of number tokens on one line: number words, digits,
single spelled letters and alphanumeric tokens, separated only by spaces or light
punctuation (``(555) 123-4567`` is one run, and so is ``one eight hundred triple two``).
Fillers ("uh"), other words and line breaks end a run: joining the pieces of one
identifier across those is the recognizers' job, because only they know the context.

``Run.value`` is the normalised text (digits, upper-case letters and ``. - /``);
``Run.starts[i]``/``Run.ends[i]`` give the original characters that produced
``value[i]``: exact per character for written tokens, the whole number word (or word
group, "forty one") for spoken ones.

``SPEAKER_TAG_RE`` matches a line's speaker tag ("caller: ", "SPEAKER_00: "), read past.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from callvault.redaction.lexicon import (
    MULTIPLIERS,
    ORDINALS,
    SCALES,
    SEPARATOR_WORDS,
    TEENS,
    TENS,
    UNITS,
)
from callvault.redaction.scan_lead import led, led_matches
from callvault.redaction.trie import trie_regex

_WORDS = sorted([*UNITS, *TEENS, *TENS, *ORDINALS, *MULTIPLIERS, *SCALES], key=len, reverse=True)
# "50mg", "2x", "3rd" and the hour of "4:45" are never part of an identifier.
_NOT_ID = r"(?!\d+(?:mg|mcg|ml|cc|g|kg|lbs?|x|am|pm|st|nd|rd|th|s)\b)"
# Speed, not meaning (both match exactly what the plain forms match): the words as a
# trie, a few character tests per word instead of one branch per number word, and
# possessive letter runs, no backtracking through every word that holds no digit.
_WORD_RE = trie_regex(_WORDS, literal=True)
# A comma continues a spoken number ("five three six, nine oh") but separates written
# ones ("age 104, 97 y/o"); a dot continues only between digits (an IP address).
_SEP = (
    r"(?:[ \t]*[\-()#][ \t]*|,[ \t]*(?=[a-z])|[ \t]+|[./](?=\d)"
    r"|[ \t]+(?:dash|hyphen|dot|point|slash)[ \t]+"
    r"|(?:(?<=hundred)|(?<=thousand))[ \t]+and[ \t]+)"
)


def _run_re(written: str) -> re.Pattern[str]:
    token = rf"(?:{_WORD_RE}{written}|[a-z](?!/))(?![\w']|:\d)"
    return re.compile(rf"(?<![\w']){token}(?:{_SEP}(?<![\w']){token})*")


RUN_RE = _run_re(rf"|{_NOT_ID}[a-z]*+\d[a-z\d]*+")  # number words, letters, digits
_RUN_LED = led(RUN_RE)  # the same matches, scanned faster (``scan_lead``)
# Without the branch for tokens with a digit, for a text holding none (speech): it cannot
# match there, so the matches are the same, and no word start tries its look-ahead and
# walks the word's letters for a digit (1.2x faster on speech).
RUN_NO_DIGIT_RE = _run_re("")
_RUN_NO_DIGIT_LED = led(RUN_NO_DIGIT_RE)
_PART_RE = re.compile(rf"{_WORD_RE}|[a-z]*+\d[a-z\d]*+|[a-z]+")
# Leading or trailing single letters that are more likely English words than spelling.
_WEAK_LETTERS = frozenset({"a", "i"})


@dataclass(frozen=True, slots=True)
class Run:
    start: int
    end: int
    value: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    spoken: bool  # made (at least partly) of number words

    @property
    def digits(self) -> int:
        return sum(map(str.isdigit, self.value))

    def source(self, i: int, j: int) -> tuple[int, int]:
        """Original character range that produced ``value[i:j]``."""
        return self.starts[i], self.ends[j - 1]


Token = tuple[str, int, int]


@lru_cache(maxsize=8)
def number_runs(text: str) -> tuple[Run, ...]:
    """Every run of ``text``, in order (cached: several recognizers ask)."""
    lowered = lower_same_length(text)
    runs = []
    pattern = _RUN_LED if holds_digit(text) else _RUN_NO_DIGIT_LED
    for start, end, _ in led_matches(pattern, lowered):
        if end - start == 1 and not lowered[start].isdigit():
            continue  # a lone "a" or "i": the commonest non-run, skipped cheaply
        if lowered.startswith(":", end) and _speaker_tag(lowered, start, end):
            continue  # "S1:", "spk 2:": who speaks, not what is said
        run = parse_run(lowered, start, end)
        if run is not None:
            runs.append(run)
    return tuple(runs)


# A transcript line's speaker tag ("caller: ", "SPEAKER_00: ", "note: ").
SPEAKER_TAG_RE = re.compile(r"[\w .'-]{1,30}:[ \t]")

_TAG_CHARS = 30


def utterance(text: str, pos: int) -> str:
    """The line holding ``pos``, its speaker tag ("SPEAKER_00: ", "Caller: ") left out."""
    start = text.rfind("\n", 0, pos) + 1
    if tag := SPEAKER_TAG_RE.match(text, start):
        start = tag.end()
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)]


def _speaker_tag(lowered: str, start: int, end: int) -> bool:
    """Whether ``lowered[start:end]``, just before a colon, is (in) the line's speaker tag."""
    line = lowered.rfind("\n", 0, start) + 1
    return end - line <= _TAG_CHARS and ":" not in lowered[line:start]


_ANY_DIGIT_RE = re.compile(r"\d")


@lru_cache(maxsize=8)
def line_end(text: str, pos: int) -> int:
    """Where the line holding ``pos`` ends (its newline, or the end of ``text``)."""
    end = text.find("\n", pos)
    return end if end >= 0 else len(text)


def holds_digit(text: str) -> bool:
    """Whether ``text`` holds a digit (``\\d``; lower-casing makes and removes none): rules
    needing one skip their scans without (speech holds none). Cached: several ask."""
    if text.isascii():  # ten searches in C (memchr) beat ``\d`` tried at every character
        return any(digit in text for digit in "0123456789")
    return _ANY_DIGIT_RE.search(text) is not None


@lru_cache(maxsize=8)
def lower_same_length(text: str) -> str:
    """``text.lower()`` when that keeps every offset (always for ASCII); cached: all ask."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def parse_run(lowered: str, start: int, end: int) -> Run | None:
    """Normalise ``lowered[start:end]``; None when it holds no digit at all."""
    tokens = [(m[0], m.start(), m.end()) for m in _PART_RE.finditer(lowered, start, end)]
    if (
        tokens
        and tokens[0][0] in _WEAK_LETTERS
        and (_digit_words(tokens[1:]) < 2 or (len(tokens) > 1 and tokens[1][0][0].isdigit()))
    ):
        tokens.pop(0)  # "a two week supply", "a 501(c)3": an article, not a spelled letter
    while tokens and (tokens[-1][0] in _WEAK_LETTERS or tokens[-1][0] in _TRAILING_JUNK):
        tokens.pop()
    if not tokens:
        return None
    out = _Chars()
    _emit(tokens, out)
    value = "".join(out.value)
    if _DIGIT_RE.search(value) is None:
        return None
    spoken = any(t[0] in _WORD_SET for t in tokens)
    return Run(tokens[0][1], tokens[-1][2], value, tuple(out.starts), tuple(out.ends), spoken)


_DIGIT_RE = re.compile(r"\d")


class _Chars:
    """A run's normalised characters, built a piece at a time (lists: this runs often)."""

    __slots__ = ("ends", "starts", "value")

    def __init__(self) -> None:
        self.value: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def spoken(self, chars: str, start: int, end: int) -> None:
        """``chars`` all produced by the words at ``start:end``."""
        self.value.append(chars)
        self.starts.extend([start] * len(chars))
        self.ends.extend([end] * len(chars))

    def written(self, word: str, start: int) -> None:
        """``word`` as written: each character maps to itself."""
        self.value.append(word.upper())
        self.starts.extend(range(start, start + len(word)))
        self.ends.extend(range(start + 1, start + len(word) + 1))


# A trailing "double" stays: the digit it doubles may come after a turn change.
_TRAILING_JUNK = frozenset({"and", *SEPARATOR_WORDS})
_WORD_SET = frozenset(_WORDS)


def _digit_words(tokens: list[Token]) -> int:
    return sum(1 for t in tokens if t[0] in _WORD_SET or t[0].isdigit())


_UNIT_TEXT = {word: str(value) for word, value in UNITS.items()}


def _emit(tokens: list[Token], out: _Chars) -> None:
    """Add every normalised character of ``tokens`` to ``out``."""
    i, n = 0, len(tokens)
    while i < n:
        word, s, e = tokens[i]
        if word in SEPARATOR_WORDS:
            out.spoken(SEPARATOR_WORDS[word], s, e)
        elif word in MULTIPLIERS and i + 1 < n and tokens[i + 1][0] in UNITS:
            digit = str(UNITS[tokens[i + 1][0]])
            out.spoken(digit * MULTIPLIERS[word], s, tokens[i + 1][2])
            i += 1
        elif word in UNITS and (i + 1 == n or tokens[i + 1][0] not in SCALES):
            out.value.append(_UNIT_TEXT[word])  # a lone digit, the commonest case: one
            out.starts.append(s)  # character, so ``spoken`` inlined
            out.ends.append(e)
        elif word in UNITS or word in TEENS or word in TENS or word in SCALES:
            i = _emit_cardinal(tokens, i, out)
            continue
        elif word in ORDINALS:
            out.spoken(str(ORDINALS[word]), s, e)
        elif word != "and" and word not in MULTIPLIERS:
            out.written(word, s)  # digits, letters or an alphanumeric token
        i += 1


def _emit_cardinal(tokens: list[Token], i: int, out: _Chars) -> int:
    """Emit one spoken group ("forty one", "eight hundred", "two thousand and five");
    returns the index of the next token."""
    value, j = _small_group(tokens, i)
    if j < len(tokens) and tokens[j][0] == "hundred" and value is not None and value < 100:
        value, j = _after_scale(tokens, j, (value or 1) * 100)
    if j < len(tokens) and tokens[j][0] == "thousand" and value is not None and value < 1000:
        value, j = _after_scale(tokens, j, (value or 1) * 1000)
    if value is None:  # a bare "hundred"/"thousand"
        value, j = _after_scale(tokens, i, SCALES[tokens[i][0]])
    s, e = tokens[i][1], tokens[j - 1][2]
    text = "0" if tokens[i][0] in UNITS and value == 0 else str(value)
    out.spoken(text, s, e)
    return j


def _small_group(tokens: list[Token], i: int) -> tuple[int | None, int]:
    """A unit, a teen, or tens with an optional unit/ordinal ("twenty first")."""
    word = tokens[i][0]
    if word in UNITS:
        return UNITS[word], i + 1
    if word in TEENS:
        return TEENS[word], i + 1
    if word in TENS:
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        unit = UNITS.get(nxt) or (ORDINALS.get(nxt) if ORDINALS.get(nxt, 10) < 10 else None)
        if unit:
            return TENS[word] + unit, i + 2
        return TENS[word], i + 1
    return None, i


def _after_scale(tokens: list[Token], j: int, base: int) -> tuple[int, int]:
    """``tokens[j]`` is "hundred"/"thousand": add what follows ("and five", "twenty").

    A lone unit after "hundred" joins it only at the end of the run ("one hundred
    two" is 102) because "eight hundred five five five ..." reads digit by digit."""
    j += 1
    n = len(tokens)
    k = j + 1 if j < n and tokens[j][0] == "and" else j
    if k >= n:
        return base, j
    word = tokens[k][0]
    if base % 1000 == 0 and word in UNITS and k + 1 < n and tokens[k + 1][0] == "hundred":
        rest, nxt = _after_scale(tokens, k + 1, max(UNITS[word], 1) * 100)
        return base + rest, nxt
    if word in TENS or word in TEENS:
        small, nxt = _small_group(tokens, k)
        return base + (small or 0), nxt
    if word in UNITS and UNITS[word] and (k + 1 == n or base % 1000 == 0):
        return base + UNITS[word], k + 1
    return base, j

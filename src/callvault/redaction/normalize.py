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
_TOKEN = rf"(?:{_WORD_RE}|{_NOT_ID}[a-z]*+\d[a-z\d]*+|[a-z](?!/))(?![\w']|:\d)"
# A comma continues a spoken number ("five three six, nine oh") but separates written
# ones ("age 104, 97 y/o"); a dot continues only between digits (an IP address).
_SEP = (
    r"(?:[ \t]*[\-()#][ \t]*|,[ \t]*(?=[a-z])|[ \t]+|[./](?=\d)"
    r"|[ \t]+(?:dash|hyphen|dot|point|slash)[ \t]+"
    r"|(?:(?<=hundred)|(?<=thousand))[ \t]+and[ \t]+)"
)
RUN_RE = re.compile(rf"(?<![\w']){_TOKEN}(?:{_SEP}(?<![\w']){_TOKEN})*")
_RUN_LED = led(RUN_RE)  # the same matches, scanned faster (``scan_lead``)
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
    for start, end, _ in led_matches(_RUN_LED, lowered):
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


def _speaker_tag(lowered: str, start: int, end: int) -> bool:
    """Whether ``lowered[start:end]``, just before a colon, is (in) the line's speaker tag."""
    line = lowered.rfind("\n", 0, start) + 1
    return end - line <= _TAG_CHARS and ":" not in lowered[line:start]


_ANY_DIGIT_RE = re.compile(r"\d")


@lru_cache(maxsize=8)
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


# Read as digits and letters only inside an identifier (the caller decides where): a
# recognizer hears "seven for three to one" for "7 4 3 2 1", and callers spell with
# the phonetic alphabet ("alpha bravo seven") or a gloss ("x as in x-ray", "m like mary").
HOMOPHONES = {"to": "2", "too": "2", "for": "4", "fore": "4", "won": "1", "ate": "8"}
PHONETIC = frozenset(
    {
        "alpha", "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
        "india", "juliet", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
        "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "whisky",
        "xray", "x-ray", "yankee", "zulu",
    }
)  # fmt: skip
_SPOKEN_WORD_RE = re.compile(r"[a-z0-9]+(?:-[a-z]+)?")
_GLOSS_RE = re.compile(r"[ \t]+(?:as[ \t]+in|like|for|is[ \t]+for)[ \t]+([a-z]+(?:-[a-z]+)?)")
_NUMBER_WORDS = frozenset({*UNITS, *TEENS, *TENS, *MULTIPLIERS, *SCALES})
_CHAIN_GAP_RE = re.compile(r"[ \t]*[,-]?[ \t]*")
_MIN_SPOKEN_DIGITS = 2
# Homophones that are seldom the English word next to a number ("eight ate ate", "seven
# fore too"): they count as digits of their own; "to" and "for" do not ("for one day").
_RARE_HOMOPHONES = frozenset({"ate", "fore", "too", "won"})
_NUMBER_WORD_RE = trie_regex(sorted(_NUMBER_WORDS), literal=True)
_TRIGGER = trie_regex([*HOMOPHONES, *PHONETIC], literal=True)
_TRIGGER_WORDS = frozenset({*HOMOPHONES, *PHONETIC, "as", "like", "for"})
_PUNCT_TO_SPACE = str.maketrans(",.;:!?", "      ")
# Speed: a line is read word by word only when a homophone or phonetic word touches a
# number word or digit, or a letter is glossed.
_TRIGGER_RE = re.compile(
    rf"(?<![\w'])(?:(?:(?:{_NUMBER_WORD_RE}|\d+)[ \t,-]+(?:{_TRIGGER})"
    rf"|(?:{_TRIGGER})[ \t,-]+(?:{_NUMBER_WORD_RE}|\d))(?![\w'])"
    r"|[a-z][ \t]+(?:as[ \t]+in|like|for|is[ \t]+for)[ \t]+[a-z])"
)


def may_hold_spoken_items(lowered: str, start: int, end: int) -> bool:
    """A cheap test before ``spoken_id_items``: False means it would find nothing."""
    words = lowered[start:end].translate(_PUNCT_TO_SPACE).split()
    if _TRIGGER_WORDS.isdisjoint(words):
        return False  # the common case, decided in C
    return _TRIGGER_RE.search(lowered, start, end) is not None


def spoken_id_items(lowered: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Homophones, phonetic-alphabet words and glossed letters in ``lowered[start:end]``
    that sit in a chain of number words, digits and letters: ``(start, end, reading)``,
    the reading being one digit or letter. A chain needs two digits of its own; a
    homophone counts inside it, or at its end when the line or clause ends there."""
    if _TRIGGER_RE.search(lowered, start, end) is None:
        return []
    # Classify the words: D digit, L letter, H homophone, N phonetic word, G glossed letter.
    items: list[tuple[int, int, str, str]] = []
    pos = start
    while True:
        m = _SPOKEN_WORD_RE.search(lowered, pos, end)
        if m is None:
            break
        word, s, e = m.group(), m.start(), m.end()
        pos = e
        if word in _NUMBER_WORDS or any(c.isdigit() for c in word):
            kind = "D"
        elif len(word) == 1:
            gloss = _GLOSS_RE.match(lowered, e, end)
            if gloss and gloss[1][0] == word:
                kind, e = "G", gloss.end()
                pos = e
            else:
                kind = "L"
        elif word in HOMOPHONES:
            kind = "H"
        elif word in PHONETIC:
            kind = "N"
        else:
            kind = ""
        items.append((s, e, kind, word))
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(items):
        if not items[i][2]:
            i += 1
            continue
        j = i + 1  # the chain: classified words separated by spaces, commas, dashes
        while (
            j < len(items)
            and items[j][2]
            and _CHAIN_GAP_RE.fullmatch(lowered, items[j - 1][1], items[j][0])
        ):
            j += 1
        chain = items[i:j]
        i = j
        if sum(k == "D" or w in _RARE_HOMOPHONES for _, _, k, w in chain) < _MIN_SPOKEN_DIGITS:
            continue
        # "give it to one of ...": a leading "to" is a word, unless a whole number read
        # digit by digit follows ("my social is for zero oh oh one ...")
        long_run = sum(k == "D" for _, _, k, _ in chain[1:]) >= _LONG_RUN
        while chain and chain[0][2] == "H" and chain[0][3] not in _RARE_HOMOPHONES:
            if long_run and _digit_by_digit(chain[1:]):
                break
            chain = chain[1:]
        for n, (s, e, kind, word) in enumerate(chain):
            if kind in ("N", "G"):
                out.append((s, e, word[0]))
            elif kind == "H" and (
                n + 1 < len(chain)
                or _clause_ends(lowered, e, end)
                or _FILLER_NEXT_RE.match(lowered, e, end) is not None
            ):
                out.append((s, e, HOMOPHONES[word]))
    return out


_LONG_RUN = 6  # digits after a leading "to"/"for" that make it part of the number
# A filler or a pause word after a homophone that ends a piece of a number ("nine nine
# ate okay so ...", "eight three to um five ...").
_FILLER_NEXT_RE = re.compile(r"[ \t]+(?:um|uh|er|erm|okay|ok|so|like|you[ \t]+know)(?![\w'])")


def _digit_by_digit(chain: list[tuple[int, int, str, str]]) -> bool:
    """Are the words read one digit at a time ("zero oh oh one"), not as a quantity?"""
    return all(w in UNITS or w in HOMOPHONES or k != "D" for _, _, k, w in chain)


def _clause_ends(lowered: str, pos: int, end: int) -> bool:
    rest = lowered[pos:end].lstrip(" \t")
    return not rest or rest[0] in ".,;!?\n"


def rewrite_items(lowered: str, items: list[tuple[int, int, str]]) -> str:
    """``lowered`` with each item replaced by its reading, padded to the same length."""
    parts, pos = [], 0
    for s, e, reading in items:
        parts += [lowered[pos:s], reading, " " * (e - s - len(reading))]
        pos = e
    parts.append(lowered[pos:])
    return "".join(parts)

"""Homophones, phonetic-alphabet words and glossed letters read as the digits and letters
of an identifier ("seven for three to one", "alpha bravo seven", "x as in x-ray").

Split from ``normalize`` (which reads the number runs themselves); the identifier
recognizer calls these only inside a stretch it already takes for an identifier.
"""

from __future__ import annotations

import re

from callvault.redaction.lexicon import MULTIPLIERS, SCALES, TEENS, TENS, UNITS
from callvault.redaction.trie import trie_regex

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
# One of those as a whole word, words split at blanks and ",.;:!?" (as ``str.split``
# after those marks turned blanks; ``\s`` is ``str.split``'s blank, a test checks every
# code point): led by the mark or blank before it, so ``re`` skips to those in C, and
# ``_TRIGGER_AT`` for a word opening the stretch. No word list is built (1.25x faster).
_TRIGGER_WORD = rf"(?:{trie_regex(sorted(_TRIGGER_WORDS), literal=True)})(?![^\s,.;:!?])"
_TRIGGER_AT = re.compile(_TRIGGER_WORD)
_TRIGGER_AFTER = re.compile(rf"[\s,.;:!?]{_TRIGGER_WORD}")
# Speed: a line is read word by word only when a homophone or phonetic word touches a
# number word or digit, or a letter is glossed.
_TRIGGER_RE = re.compile(
    rf"(?<![\w'])(?:(?:(?:{_NUMBER_WORD_RE}|\d+)[ \t,-]+(?:{_TRIGGER})"
    rf"|(?:{_TRIGGER})[ \t,-]+(?:{_NUMBER_WORD_RE}|\d))(?![\w'])"
    r"|[a-z][ \t]+(?:as[ \t]+in|like|for|is[ \t]+for)[ \t]+[a-z])"
)


def may_hold_spoken_items(lowered: str, start: int, end: int) -> bool:
    """A cheap test before ``spoken_id_items``: False means it would find nothing."""
    if not (_TRIGGER_AT.match(lowered, start, end) or _TRIGGER_AFTER.search(lowered, start, end)):
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
    number_end = -1  # where the last chain read as a number ended
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
        # ... or it goes on a number broken off by a filler or a correction ("five one
        # three um to nine six", "three zero one eight no scratch that for six ate two")
        resumed = number_end >= 0 and _BREAK_RE.fullmatch(lowered, number_end, chain[0][0])
        while chain and chain[0][2] == "H" and chain[0][3] not in _RARE_HOMOPHONES:
            if (long_run and _digit_by_digit(chain[1:])) or resumed:
                break
            chain = chain[1:]
        number_end = chain[-1][1] if chain else number_end
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
# Words that pause a number being read out (``bridges`` redacts them between its pieces).
PAUSE_WORDS = (
    r"um|uh|er|erm|okay|ok|so|like|you[ \t]+know|sorry|no|wait|actually|scratch[ \t]+that"
    r"|hang[ \t]+on|hold[ \t]+on|i[ \t]+mean"
)
_FILLER_NEXT_RE = re.compile(rf"[ \t]+(?:{PAUSE_WORDS})(?![\w'])")
# Between two pieces of one number: pause words only.
_BREAK_RE = re.compile(rf"(?:[ \t,.]+(?:{PAUSE_WORDS})(?![\w']))+[ \t,.]+")


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

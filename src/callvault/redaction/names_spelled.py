"""Names said letter by letter, and names the call already knows, wherever they recur.

Two matchers the name recognizer combines with its cues:

- ``spelled_runs`` finds runs of single letters ("o k a f o r", "K-O-W-A-L-S-K-I",
  "r u double s e l l", "j as in juliett o n", "k like kilo", "x as in x-ray") and keeps
  those that spell a Census name or follow a spelling cue ("spelled", "that's", "last name").
- ``mentions`` finds every part of those names said whole (any case, possessive or not);
  said spelled out, ``spelled_runs`` finds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from callvault.redaction.names_gazetteer import Gazetteer
from callvault.redaction.normalize_spoken import PHONETIC
from callvault.redaction.trie import trie_regex

# One spelled element: a letter, maybe doubled ("double s") or glossed ("j as in juliett").
_GLOSS = r"[ \t]+(?:as[ \t]+in|like|for|is[ \t]+for)[ \t]+[A-Za-z]+(?:-[A-Za-z]+)?"
_ELEMENT = rf"(?:double[ \t]+)?[A-Za-z](?:{_GLOSS})?"
_SEP = r"(?:[ \t]*[-.][ \t]*|[ \t]+)"
# Two speed-ups, the same matches (group 1, over the text with a space in front):
# the run is led by the character before it, not a look-behind, so ``re`` skips to
# candidates in C (a run ends in a letter, so the next never starts where one ends);
# the look-ahead says what the rest implies (a lone letter, or "double"), so most
# words are dropped before the repeat is set up. 2.5x faster together.
_SPELLED = re.compile(
    rf"[^A-Za-z0-9'\u2019]((?=[A-Za-z][ \t.-]|double[ \t])"
    rf"{_ELEMENT}(?:{_SEP}{_ELEMENT}(?![A-Za-z0-9'\u2019])){{1,}}(?![A-Za-z0-9]))"
)
_LETTER = re.compile(r"(double[ \t]+)?(?<![A-Za-z])([A-Za-z])(?![A-Za-z])")
# Said just before a spelled run, these mean the letters are a name.
_SPELL_CUE = re.compile(
    r"(?i)(?:spell\w*|that'?s|it'?s|is|name|as\s+in|letters?|with\s+an?|like)[\s,:]*$"
)
_CORRECTION = re.compile(
    r"(?i)[ \t,.]+(?:(?:no|sorry|wait|i[ \t]+mean|scratch[ \t]+that|correction|oops|um|uh)"
    r"[ \t,.]+)+"
)
# The opening of a turn that answers "how do you spell that" on the line before.
_ANSWER_OPENING = re.compile(
    r"[^\n:]{1,30}:[ \t]*(?:(?:okay|ok|sure|yeah|yes|so|um|uh|it's|that's|its|thats)[ \t,]+)*\Z"
)
_CORRECTION_WORDS_RE = re.compile(r"[^\W_].*[^\W_]|[^\W_]")  # first to last word character
_CUE_WINDOW = 24
_ECHO_WINDOW = 40  # how far back the spelled word itself may have been said


_GLOSS_RE = re.compile(_GLOSS)


def _letters(run: str) -> str:
    run = _GLOSS_RE.sub("", run)  # "x as in x-ray", "m like mary": the letter only
    return "".join(m[2] * (2 if m[1] else 1) for m in _LETTER.finditer(run)).lower()


def spelled_runs(text: str, gaz: Gazetteer, extra: frozenset[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of letter-by-letter runs that spell a name or follow a spelling cue,
    and of the word they spell when it was said just before ("ada long that's l o n g").

    ``extra`` holds name parts already found in this call: spelling one of them counts.
    """
    last_end = -1  # where the last run kept ended
    view = letters_view(text)
    for m in _SPELLED.finditer(" " + view):
        run_start, run_end = m.start(1) - 1, m.end(1) - 1  # offsets in ``text``
        run_end = _with_glosses(text, view, run_end)
        word = _letters(m[1])
        cued = _SPELL_CUE.search(text, max(0, run_start - _CUE_WINDOW), run_start) is not None
        # "s as in sam u z no sorry z u k i": a speller's correction goes on spelling
        corrected = last_end >= 0 and _CORRECTION.fullmatch(text, last_end, run_start)
        cued = cued or (corrected and len(word) >= 3) or _answers_spell(text, run_start)
        named = len(word) >= 3 and word not in gaz.stop and (gaz.is_name(word) or word in extra)
        base = max(0, run_start - _ECHO_WINDOW)
        echoes = None
        if not (named or (cued and len(word) >= 2)):
            # a word said, then spelled letter by letter ("kovářová uh k o v á ř o v á")
            if len(word) < 2 or word in gaz.stop or word in gaz.english:
                continue  # "a m", "d o b": spoken abbreviations, not names
            echoes = list(mentions(text[base:run_start], (word,)))
            if not echoes and len(word) >= 4:
                echoes = list(_spelled_loosely(text[base:run_start], word))
            if not echoes or (len(word) < 3 and not gaz.is_name(word)):
                continue  # two letters: only a name's ("vũ v ũ"), not "tv t v"
        if corrected and cued:  # "no sorry": inside the spelling, it goes with it
            words = _CORRECTION_WORDS_RE.search(text, last_end, run_start)
            if words:
                yield words.span()
        yield run_start, run_end
        last_end = run_end
        if echoes is None:
            echoes = list(mentions(text[base:run_start], (word,)))
        for start, end in echoes:
            yield base + start, base + end
        # ... and read back as a word ("c a m p a n e l l a / so that's campanella")
        if len(word) >= 3 and word not in gaz.english and word not in gaz.common:
            after = text[run_end : run_end + _ECHO_WINDOW * 2]
            for start, end in mentions(after, (word,)):
                yield run_end + start, run_end + end


# The phonetic alphabet (``normalize_spoken``'s list): each word reads as its first letter.
_NATO = {word: word[0] for word in PHONETIC if word.isalpha()}
# A recogniser's word for a letter said alone ("c i s n e r oh s", "t a k a h a s h eye").
_LETTER_WORDS = {
    "eye": "i", "see": "c", "sea": "c", "tea": "t", "oh": "o", "are": "r", "you": "u",
    "why": "y", "bee": "b", "pea": "p", "queue": "q", "ex": "x", "jay": "j", "kay": "k",
    "dee": "d", "gee": "g", "vee": "v", "ell": "l", "em": "m", "en": "n", "es": "s",
}  # fmt: skip
_SPELLING_WORDS = frozenset((*_NATO, *_LETTER_WORDS, "dash"))
# What the view needs, found in C for most texts: three phonetic words in a row (as a
# recogniser writes them: lower case), or a letter before a spelling word ("h eye",
# "b bravo"; not "a" or "i", English words said everywhere).
_NATO_WORD = trie_regex(sorted(_NATO), literal=True)
_NATO_RUN_RE = re.compile(rf"(?:{_NATO_WORD})[ \t]+(?:{_NATO_WORD})[ \t]+(?:{_NATO_WORD})(?![\w'])")
_LETTER_THEN_WORD_RE = re.compile(r"[ \t:][b-hj-zB-HJ-Z](?=[ \t]+([a-zA-Z]+))")


def _view_needed(text: str) -> bool:
    if _NATO_RUN_RE.search(text):
        return True
    return any(m[1].lower() in _SPELLING_WORDS for m in _LETTER_THEN_WORD_RE.finditer(text))


_WORD_RE = re.compile(r"[^\W\d_]+")


def letters_view(text: str) -> str:
    """``text`` with the spelling words a speller uses read as their letters, the same
    length (every offset holds): a run of phonetic words ("romeo india charlie hotel"),
    a letter with its phonetic word ("b bravo e echo"), and a recogniser's words for a
    letter or a hyphen between spelled letters ("c i s n e r oh s", "h eye dash m")."""
    if not _view_needed(text):
        return text  # the common case
    words = _Words(text)
    reading: dict[int, str] = {}  # word index -> what it reads as
    run: list[int] = []  # three phonetic words in a row spell letters on their own
    for i in range(len(words.keys) + 1):
        w = words.keys[i] if i < len(words.keys) else ""
        if w in _NATO and (not run or words.adjacent(run[-1], i)):
            run.append(i)
            continue
        if len(run) >= 3:
            reading.update((k, _NATO[words.keys[k]]) for k in run)
        run = [i] if w in _NATO else []

    def letter(i: int) -> bool:
        return 0 <= i < len(words.keys) and (len(words.keys[i]) == 1 or i in reading)

    for _ in range(2):  # twice: "eye dash m" reads once "dash" has a letter after it
        for i, w in enumerate(words.keys):
            if i in reading or not (letter(i - 1) and words.adjacent(i - 1, i)):
                continue
            follows = letter(i + 1) and words.adjacent(i, i + 1)
            dash_next = words.adjacent(i, i + 1) and words.keys[i + 1] == "dash"
            if w in _NATO and _NATO[w] == words.keys[i - 1]:
                reading[i] = ""  # "b bravo": the letter said once, then glossed
            elif w in _LETTER_WORDS and (follows or dash_next):
                reading[i] = _LETTER_WORDS[w]
            elif w == "dash" and follows:
                reading[i] = "-"
    chars = list(text)
    for i, letters in reading.items():
        start, end = words.spans[i]
        chars[start:end] = list(letters.ljust(end - start))
    return "".join(chars)


def _with_glosses(text: str, view: str, end: int) -> int:
    """The run's end moved over the words the view read as its last letter or blanked
    after it ("... h hotel", "... l lima")."""
    while end < len(text) and text[end].isalpha():
        end += 1
    gloss = _NEXT_WORD_RE.match(text, end, end + 12)
    if gloss and not view[end : gloss.end()].strip():
        end = gloss.end()
    return end


_NEXT_WORD_RE = re.compile(r"[ \t]+[^\W\d_]+")


class _Words:
    """The words of a text, lower case, and whether two of them are separated by blanks
    only (no punctuation, no line break)."""

    def __init__(self, text: str) -> None:
        self.text = text
        found = list(_WORD_RE.finditer(text))
        self.spans = [m.span() for m in found]
        self.keys = [m.group().lower() for m in found]

    def adjacent(self, i: int, j: int) -> bool:
        return (
            0 <= i < j < len(self.spans)
            and self.text[self.spans[i][1] : self.spans[j][0]].strip(" \t") == ""
        )


def _spelled_loosely(said: str, word: str) -> Iterator[tuple[int, int]]:
    """Where ``said`` holds the word the letters spell, said as one word or two, with the
    spelling cut short by a letter or two ("casa grande c a s a g r a n d")."""
    letters = r"[ \t]?".join(re.escape(c) for c in word)
    pattern = rf"(?<![^\W_]){letters}[^\W\d_]{{0,2}}(?![^\W_])"
    for m in re.finditer(pattern, said, re.IGNORECASE):
        yield m.span()


def _answers_spell(text: str, run_start: int) -> bool:
    line = text.rfind("\n", 0, run_start) + 1
    if not line or not _ANSWER_OPENING.match(text, line, run_start):
        return False
    asked = text[text.rfind("\n", 0, line - 1) + 1 : line].lower()
    return "spell" in asked


def name_parts(names: Iterable[str]) -> frozenset[str]:
    """Lower-case parts of full names ("Ada-Mae O'Neil" gives ada, mae, ada-mae, oneil)."""
    parts: set[str] = set()
    for name in names:
        for word in re.findall(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*", name):
            low = word.lower().replace("\u2019", "'")
            parts.update((low, low.replace("'", "")))
            parts.update(p for p in re.split(r"['-]", low) if len(p) >= 2)
    return frozenset(p for p in parts if len(p) >= 2)


def lower_same_length(text: str) -> str:
    """Lower case with every offset kept (a few non-ASCII letters grow when lowered)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.replace("\u2019", "'")


def mentions(text: str, parts: Iterable[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of every whole-word, any-case mention of ``parts``, with a possessive.

    ``str.find`` per part: a call has a handful of parts, so this beats compiling a regex.
    """
    if not parts:
        return  # most calls have no name on record: no lower-case copy then
    low = lower_same_length(text)
    for part in parts:
        start = low.find(part)
        while start >= 0:
            end = start + len(part)
            if not (_is_alnum(low, start - 1) or _is_alnum(low, end)):
                if low.startswith("'s", end) and not _is_alnum(low, end + 2):
                    end += 2
                yield start, end
            start = low.find(part, start + 1)


def _is_alnum(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalnum()

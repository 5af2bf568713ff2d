"""An address written on one line as comma-separated parts ("Alex Dufour, 40 rue
Martinez, Appartement 5, 86836 Gros, tel. ..."): the recognizers find some parts (the
street, the postcode and town), and the parts between and around them are the same
address. A part is joined when it is short and shaped like an address part (words in
Title Case, numbers, a few connectors), and the chain it belongs to holds an address
found already, or a postcode with its town. A country, a state, or a "tel."/"e-mail"
part ends the chain; so does anything shaped like a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from callvault.redaction.address_shapes import ORG_WORDS
from callvault.redaction.normalize import SPEAKER_TAG_RE
from callvault.redaction.places import regions
from callvault.redaction.spans import Label, Span

_CONNECTORS = frozenset(
    {
        "de", "da", "do", "dos", "das", "del", "di", "la", "le", "les", "du", "des",
        "van", "von", "der", "den", "ter", "am", "an", "bei", "sur", "rue", "via",
        "calle", "avenida", "av", "ul.", "al.", "pl.", "nad", "pod", "y", "e", "et", "und",
    }
)  # fmt: skip
_STOPS = re.compile(r"(?i)(?:tel|phone|fax|mobile|e-?mail|dob|born)\b")
_POSTCODE_TOWN = re.compile(
    r"^(?:\d[\d -]{2,8}\d[ \t]+[^\W\d_][\w'.-]*|[^\W\d_][\w'. -]*?[ \t]+\d{5,8})$"
)
_SEGMENT = re.compile(r"(?:[^,;.\n]|\.(?=\S))+")  # parts end at a comma or a sentence
_MAX_WORDS = 5


def address_chains(text: str, found: Iterable[Span]) -> Iterator[Span]:
    """Spans for the unfound parts of comma-separated addresses in ``text``."""
    if "," not in text:
        return  # only a line with commas is read (speech has none)
    spans = sorted(found, key=lambda s: s.start)
    addresses = [s.start for s in spans if s.label is Label.ADDRESS]
    if not addresses and not _postcode_hint(text, 0, len(text)):
        return
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        # Only a line with commas, and an address found on it or a postcode with its town.
        if "," in line and (
            any(line_start <= a < line_end for a in addresses)
            or _postcode_hint(text, line_start, line_end)
        ):
            yield from _line_chains(text, line_start, line_end, spans)
        line_start = line_end + 1


# A postcode beside a word: "10115 Berlin" (four digits or more, then a letter) or "Berlin
# 10115" (a letter, then five digits or more), blanks between. Speed: read from the digit
# runs (``re`` skips to digits in C), the letter on either side checked at the run's ends;
# the same answer as one pattern ``\d{4,}[ \t]+[^\W\d_]|[^\W\d_][ \t]+\d{5,}`` that
# starts at every letter.
_DIGIT_RUN = re.compile(r"\d{4,}")
_BLANKS_THEN_LETTER = re.compile(r"[ \t]+[^\W\d_]")
_LETTER = re.compile(r"[^\W\d_]")


def _postcode_hint(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a number of four digits or more followed by a
    word, or a word followed by a number of five digits or more."""
    for m in _DIGIT_RUN.finditer(text, start, end):
        if _BLANKS_THEN_LETTER.match(text, m.end(), end):
            return True
        if m.end() - m.start() >= 5:
            blank = m.start()
            while blank > start and text[blank - 1] in " \t":
                blank -= 1
            if start < blank < m.start() and _LETTER.match(text, blank - 1, end):
                return True
    return False


def _line_chains(text: str, start: int, end: int, spans: list[Span]) -> Iterator[Span]:
    tag = SPEAKER_TAG_RE.match(text, start, end)
    body = tag.end() if tag else start
    parts = [(m.start(), m.end()) for m in _SEGMENT.finditer(text, body, end)]
    if len(parts) < 2:
        return
    chain: list[tuple[int, int]] = []
    for a, b in [*parts, (end, end)]:
        if chain and _sentence_ends(text, body, a):  # "... 08-003 Nysa. Thanks!"
            yield from _covered(text, chain, spans)
            chain = []
        part = _trimmed(text, a, b)
        if part is not None and _address_part(text, *part):
            chain.append(part)
            continue
        if part is not None and not chain:  # "... send it to Morro Duarte": its tail
            tail = _title_tail(text, *part)
            if tail is not None:
                chain.append(tail)
                continue
        yield from _covered(text, chain, spans)
        chain = []


_LAST_WORD = re.compile(r"([^\W_]+)[.;]\Z")


def _sentence_ends(text: str, body: int, a: int) -> bool:
    """Whether the part at ``a`` opens a new sentence: after ";" or after a dot that ends
    a word, not an abbreviation ("ul. Lipowa", "Blvd. 5", "Apt. 4")."""
    if a <= body or text[a - 1] not in ".;":
        return False
    if text[a - 1] == ";":
        return True
    word = _LAST_WORD.search(text, max(body, a - 30), a)
    if not word:
        return False
    said = word[1]  # a number or a word of four letters with a vowel; not "ul", "Blvd"
    return said.isdigit() or (len(said) >= 4 and any(c in "aeiouy" for c in said.lower()))


def _trimmed(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and text[a] in " \t":
        a += 1
    while b > a and text[b - 1] in " \t.;":
        b -= 1
    return (a, b) if a < b else None


def _address_part(text: str, a: int, b: int) -> bool:
    words = text[a:b].split()
    if not words or len(words) > _MAX_WORDS or _STOPS.match(text, a):
        return False
    if text[a:b].lower() in regions() or text[a:b].lower().removeprefix("the ") in regions():
        return False
    if any(w.lower().strip(".()") in ORG_WORDS for w in words):
        return False  # "Pattern Energy Group Inc.": an organisation, not a place
    return all(
        w[0].isupper() or w[0].isdigit() or w.lower() in _CONNECTORS or w[0] in "#(" for w in words
    )


def _title_tail(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The last words of a part when they are shaped like an address part."""
    words = list(re.finditer(r"\S+", text[a:b]))
    keep = len(words)
    while keep > 0 and _address_part(text, a + words[keep - 1].start(), a + words[keep - 1].end()):
        keep -= 1
    if keep == len(words) or len(words) - keep > _MAX_WORDS:
        return None
    return a + words[keep].start(), b


def _covered(text: str, chain: list[tuple[int, int]], spans: list[Span]) -> Iterator[Span]:
    if len(chain) < 2:
        return
    anchored = any(
        s.label is Label.ADDRESS and a <= s.start < b for a, b in chain for s in spans
    ) or any(_POSTCODE_TOWN.match(text[a:b]) for a, b in chain)
    if not anchored or not any(any(c.isdigit() for c in text[a:b]) for a, b in chain):
        return
    for a, b in chain:
        if any(s.start <= a and b <= s.end for s in spans):
            continue  # found whole already (a name, say): its label stands
        yield Span(a, b, Label.ADDRESS, 0.6, "part of a comma-separated address")

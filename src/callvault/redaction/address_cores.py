"""Street cores of written international addresses, and the small pieces of an address
that identify on their own (written text only):

- a street between two numbers, as address generators and many countries write it: the
  building number, the street's words, the house number ("258 Pilekrogen 55", "6703 Via
  dalla Staziun 87", "1606 Καλαμπάκα 33", "904 Árpád fejedelem útja 45.");
- a street after two numbers ("2561 178 Talavera Place", "096 2767 40th Street");
- a street's words read back from its house number after a place preposition or a line
  start, or before "Nr.", when the words are no everyday English ("lives on Bygget 91",
  "enter on Ποσειδώνος 254", "Intrarea Suciu Nr. 297");
- a secondary unit anywhere ("Apt. 717", "Suite 150", "Unit 4B"): part of an address;
- military addresses ("USNS Kuester\\nFPO AA 27916", "PSC 2155, Box 9672\\nAPO AP 29863");
- a postcode after a postcode cue ("ZIP: 8280", "Postcode 937 90").

``address_runs`` then widens each street found (by these rules or the others) to the
units, towns, regions and postcodes that follow it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from callvault.redaction.lexicon import ADDRESS_STOP_WORDS, QUANTITY_WORDS, STREET_SUFFIXES
from callvault.redaction.medical import medication_words
from callvault.redaction.names_gazetteer import fold, gazetteer
from callvault.redaction.normalize import holds_digit
from callvault.redaction.places import UPPER, places, regions
from callvault.redaction.spans import Label, Span

# Capitals of the scripts addresses are written in here: Latin, Greek, Cyrillic.
CAPITALS = f"{UPPER}\u0386-\u03ab\u0400-\u042f\u2206"
_TAIL = r"[\w'\u2019.-]*"
_WORD = rf"[^\W\d_]{_TAIL}"
_NUMBER = r"\d{1,5}[a-zA-Z]?"
# Building number, perhaps a second number, one to six words, house number. The words are
# judged in Python (``_street_words``); ``re`` skips to a digit in C.
_BETWEEN_NUMBERS_RE = re.compile(
    rf"\d(?<![\w.,:/+$€£#-]\d)\d{{2,5}}[ \t]+(?:\d{{1,5}}[ \t]+)?"
    rf"({_WORD}(?:[ \t]+{_WORD}){{0,5}})[ \t]+({_NUMBER})\.?(?![\w%/:-])"
)
# Two numbers, then a street's capitalised words ("2561 178 Talavera Place", "096 2767
# 40th Street"): an address generator's building number before a street that already
# has one.
_TWO_NUMBERS_RE = re.compile(
    rf"\d(?<![\w.,:/+$€£#-]\d)\d{{2,5}}[ \t]+\d{{1,5}}[ \t]+"
    rf"((?:[{CAPITALS}]|\d{{1,3}}(?:st|nd|rd|th)\b){_TAIL}(?:[ \t]+[{CAPITALS}]{_TAIL}){{0,3}})"
)
# A house number after a blank ("lives on Bygget 91"): the street's capitalised words and
# the preposition before them are read back in Python (``_street_before``). Led by a digit,
# so ``re`` skips to one in C (a scan led by every capital cost 1 % of the engine).
_HOUSE_NUMBER_RE = re.compile(r"\d(?<=[ \t]\d)\d{0,4}[a-zA-Z]?(?=\.?(?:[^\w%/:.-]|\Z))")
_TOKEN_RE = re.compile(r"\S+")
_STREET_TOKEN_RE = re.compile(rf"[{CAPITALS}]{_TAIL},?")
_PREPOSITIONS = frozenset(("on", "at", "of", "to", "is", "and", "in"))
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d(?!\d)")
_NAME_CONNECTORS = frozenset(("y", "de", "la", "del", "di", "da", "do", "van", "der", "u"))
_NR = frozenset(("Nr", "Nr.", "No", "No.", "nr", "nr.", "Nº", "nº", "n°"))  # not "no"
_UNIT_RE = re.compile(
    r"(?:Apt|Apartment|Suite|Unit|Ste|Flat|Appt)\.?[ \t]*#?\d{1,5}[A-Za-z]?(?![\w])"
)
_MILITARY_RE = re.compile(
    r"(?:(?:USNS|USS|USCGC|USNV|USNA)[ \t]+[^\W\d_][\w'-]*"
    r"|(?:PSC|Unit|CMR)[ \t]+\d{3,5},?[ \t]+Box[ \t]+\d{2,5})"
    r"[ \t]*,?[ \t]*\n?[ \t]*[AFD]PO[ \t]+A[AEP][ \t]+\d{5}(?![\w])"
)
# Opens with a class of the cue's first letters: ``re`` skips to one in C.
_ZIP_CUE_RE = re.compile(
    r"[zZpP\u03a4](?<![\w].)(?i:ip(?:[ \t]?code)?|ost(?:al)?[ \t]?code|ostcode|lz"
    r"|\.?\u039a\.?)[ \t]*[:#]?[ \t]*"  # Greek "TK": the postal code
    r"(\d{3,6}(?:[ \t-]\d{2,4})?|[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2})(?![\w])"
)
# Connectors inside a street's name ("Via dalla Staziun", "Rue de la Poste").
STREET_CONNECTORS = frozenset((
    "de", "da", "do", "das", "dos", "del", "dei", "della", "delle", "dalla", "degli", "di",
    "la", "le", "les", "l'", "du", "des", "van", "von", "der", "den", "het", "ter", "am",
    "an", "im", "auf", "y", "e", "i", "sur", "en", "u.", "rkp.", "út", "útja", "utca",
    "tér", "köz", "fasor", "rue", "via", "ul.", "al.", "pl.", "os.", "vei", "gate", "à", "u",
    "los", "las", "el", "lo", "d'", "au", "aux", "zum", "zur",
))  # fmt: skip
_SUFFIXES = frozenset(STREET_SUFFIXES)
_STREET_TYPES = frozenset((
    "street", "st", "st.", "road", "rd", "rd.", "avenue", "ave", "lane", "drive", "way",
    "place", "court", "rue", "via", "calle", "rua", "avenida", "strasse", "straße", "weg",
    "vej", "vei", "gata", "gatan", "utca", "ul.", "ulica", "str.", "str", "plaza", "square",
))  # fmt: skip
_NOT_STREET = frozenset((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "page", "chapter", "section", "room", "gate", "floor",
    "level", "version", "flight", "channel", "table", "line", "step", "week", "day",
    "year", "years", "grade", "class", "season", "episode", "volume", "vol", "no", "nr",
    "number", "item", "part", "phase", "stage", "round", "game", "apt", "suite", "unit",
    "box", "tel", "fax", "phone", "mobile", "ext", "inc", "ltd", "corp", "plc", "invoice",
    "order", "ticket", "case", "claim", "policy", "account", "reference", "receipt",
    "booking", "reservation", "confirmation", "contract", "form", "file", "patient",
    "member", "serial", "model", "batch", "lot", "check", "cheque", "transaction", "card",
    "license", "licence", "permit", "passport", "id", "bus", "train", "tram", "platform",
))  # fmt: skip


def address_cores(text: str) -> Iterator[Span]:
    """The street cores, units, military addresses and cued postcodes of written ``text``."""
    if not holds_digit(text):
        return  # every one of them holds a number
    for m in _scan(_BETWEEN_NUMBERS_RE, text, _between_numbers):
        yield Span(m.start(), m.end(2), Label.ADDRESS, 0.7, "street between two numbers")
    for m in _scan(_TWO_NUMBERS_RE, text, lambda m: _suffix_end(m) > 0):
        yield Span(m.start(), _suffix_end(m), Label.ADDRESS, 0.65, "street after two numbers")
    for m in _HOUSE_NUMBER_RE.finditer(text):
        start = _street_before(text, m.start())
        if start is not None and _no_quantity(text, m.end()):
            yield Span(start, m.end(), Label.ADDRESS, 0.65, "street and number after a cue")
    if "Ap" in text or "Su" in text or "Un" in text or "St" in text or "Fl" in text:
        for m in _UNIT_RE.finditer(text):
            yield Span(m.start(), m.end(), Label.ADDRESS, 0.7, "apartment or suite number")
    if "PO A" in text:
        for m in _MILITARY_RE.finditer(text):
            yield Span(m.start(), m.end(), Label.ADDRESS, 0.8, "military address")
    for m in _ZIP_CUE_RE.finditer(text):
        yield Span(m.start(1), m.end(1), Label.ADDRESS, 0.75, "postcode after a postcode cue")


def _scan(
    rx: re.Pattern[str], text: str, accept: Callable[[re.Match[str]], bool]
) -> Iterator[re.Match[str]]:
    """The accepted matches of ``rx``; after a rejected one the scan goes on from its
    second character, so "Fund is 326 Hraunás 21" still finds the street inside."""
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        if accept(m):
            yield m
            pos = m.end()
        else:
            pos = m.start() + 1


def _between_numbers(m: re.Match[str]) -> bool:
    return _street_words(m.group(1).split(), leading_number=True) and _no_quantity(
        m.string, m.end()
    )


def _suffix_end(m: re.Match[str]) -> int:
    """Where the street after two numbers ends: at its last street-type word ("Meadow
    Drive" of "Meadow Drive Apt."), or its words when they read as a street; else 0."""
    words = list(re.finditer(r"\S+", m.group(1)))
    for word in reversed(words):
        if word.group().lower().rstrip(".") in _SUFFIXES:
            return m.start(1) + word.end()
    if _street_words([w.group() for w in words], leading_number=False):
        return m.end()
    return 0


def _street_before(text: str, number: int) -> int | None:
    """Where the street named before the house number at ``number`` starts: one to four
    capitalised words (connectors between), after "on", "at", "of" ... or at a line's
    start, or with "Nr." before the number ("Intrarea Suciu Nr. 297"); else None."""
    line = text.rfind("\n", 0, number) + 1
    lo = max(line, number - 80)
    tokens = list(_TOKEN_RE.finditer(text, lo, number))
    i = len(tokens) - 1
    nr = i >= 0 and tokens[i].group() in _NR
    i -= nr
    first = i + 1
    while i >= 0 and first - i <= 4:
        word = tokens[i].group()
        if _STREET_TOKEN_RE.fullmatch(word) and word.rstrip(",") not in _NR:
            first = i
        elif word not in _NAME_CONNECTORS or first > i + 1:
            break
        i -= 1
    words = [t.group() for t in tokens[first : len(tokens) - nr]]
    if not words or any(w.endswith(",") for w in words[: len(words) - nr]):
        return None
    if nr and all(w.rstrip(",").isupper() for w in words):
        return None  # "NHS No 557 140 4481": an acronym's number
    before = tokens[first - 1].group() if first > 0 else None
    cued = nr or (before in _PREPOSITIONS if before else lo == line)
    if before == "in" and not nr:  # "in Kromwater 38", not "in Tokyo 2020"
        cued = not _YEAR_RE.match(text, number)
    if not cued or not _street_words([w.rstrip(",") for w in words], leading_number=False):
        return None
    return tokens[first].start()


def _street_words(words: list[str], *, leading_number: bool) -> bool:
    """Do ``words`` read as a street's name? Capitalised words (at least one), a few
    connectors, no everyday function word or month, and some word that is no everyday
    English (a foreign or non-Latin word) or a street type."""
    keys = [w.lower() for w in words]
    if any(k in ADDRESS_STOP_WORDS and k not in STREET_CONNECTORS for k in keys):
        return False
    if any(k.strip(".") in _NOT_STREET or k in medication_words() for k in keys):
        return False  # "Page 12", "Tylenol 500"
    first = words[0]
    if not (first[0].isupper() or keys[0] in STREET_CONNECTORS):
        return False
    lower = [k for w, k in zip(words, keys, strict=True) if w[0].islower()]
    other = [k for k in lower if k not in STREET_CONNECTORS]
    if len(other) > int(leading_number) or not all(_foreign(k) for k in other):
        return False  # "Árpád fejedelem útja 45", not "2019 Microsoft bought 300"
    if " ".join(keys) in regions():
        return False
    return any(_foreign(k) or k in _STREET_TYPES for k in keys)


def _foreign(key: str) -> bool:
    word = fold(key.strip(".,'\u2019"))
    if not word.isascii():
        return True  # a word in another script
    return gazetteer().foreign(word) or word in places()


_WORD_AFTER_RE = re.compile(r"[ \t]*(%|[^\W\d_]+)")


def _no_quantity(text: str, end: int) -> bool:
    """Not "Lipitor 20 mg": no unit or percent right after the number."""
    after = _WORD_AFTER_RE.match(text, end)
    if after is None:
        return True
    word = after.group(1).lower()
    return word != "%" and word not in QUANTITY_WORDS and word not in _MORE_QUANTITIES


# Counts a street's number is never followed by ("Hotel Adlon 5 nights").
_MORE_QUANTITIES = frozenset((
    "night", "nights", "people", "persons", "guests", "stars", "euro", "euros", "eur",
    "usd", "items", "pieces", "pcs", "kg", "km", "miles", "mi", "meters", "metres", "m",
    "cm", "mm", "lbs", "lb", "points", "pts", "goals", "votes", "seats", "copies",
))  # fmt: skip

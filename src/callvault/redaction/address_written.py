"""Addresses as other countries write them (written text only, and their lower-case
speech-to-text forms):

- streets named before their number: "Hauptstraße 12", "Rue de Rivoli 45", "Calle Mayor
  7, 3º izq", "ul. Długa 12/3", "45 rue de Rivoli" (built from the pieces in
  ``address_shapes``);
- postcodes of other countries with their city ("10115 Berlin", "1015 CJ Amsterdam",
  "00-950 Warszawa"), and UK and Canadian postcodes on their own ("SW1A 1AA", "K1A 0B1");
- Australian and Indian town and postcode lines ("South Mark, QLD, 2603", "Agartala-347225");
- the same streets and postcodes in lower case ("ulica polna 4 85-001 bydgoszcz").

The lines of a multi-line address around those streets are found by ``address_lines``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction.address_lines import address_lines
from callvault.redaction.address_shapes import (
    HOUSE,
    LOWER_LEADS,
    STREET_COMPOUND,
    STREET_LEADS,
    STREET_NAME_WORD,
    UNIT_TAIL,
)
from callvault.redaction.lexicon import ADDRESS_STOP_WORDS
from callvault.redaction.names_gazetteer import fold, gazetteer
from callvault.redaction.normalize import holds_digit
from callvault.redaction.places import UPPER, places
from callvault.redaction.spans import Label, Span
from callvault.redaction.trie import trie_regex

_STREET_REST = rf",?[ \t]+{HOUSE}(?![\w]){UNIT_TAIL}"
_STREET_TYPES = (
    r"(?i:straße|strasse|str\.|weg|allee|platz|gasse|laan|straat|road|street|lane"
    r"|avenue|allé|vej|gade|utca|út|tér|körút|köz|sor|sétány)"
)
# What must follow a capitalised word for the first two branches: after the whole word
# (a compound ending holds only word characters and a dot), the house number or a blank
# and a street type. A look-ahead, so the endings are tried letter by letter only in the
# few words it lets through (2x faster; the same matches).
_STREET_AHEAD = rf"(?=[\w'\u2019.-]*+(?:,?[ \t]+\d|[ \t]+{_STREET_TYPES}))"
# Each branch opens with a capital or a literal, so ``re`` skips to those in C.
_STREET_FOREIGN_RE = re.compile(
    rf"(?:[{UPPER}](?<![\w'].){_STREET_AHEAD}[\w'\u2019-]*(?:(?:{STREET_COMPOUND})"
    rf"|[ \t]+{_STREET_TYPES})"
    rf"|{trie_regex(STREET_LEADS, literal=True)}(?![\w])[ \t]*"
    rf"{STREET_NAME_WORD}(?:[ \t]*{STREET_NAME_WORD}){{0,4}})" + _STREET_REST
)
_LOWER_LEAD_RE = re.compile(
    rf"(?<![\w'.])(?:{trie_regex(LOWER_LEADS, literal=True)})(?![\w])[ \t]*"
    rf"{STREET_NAME_WORD}(?:[ \t]*{STREET_NAME_WORD}){{0,4}}" + _STREET_REST
)
# "45 rue de Rivoli", "12, avenue des Champs"
_NUMBER_LEAD_RE = re.compile(
    rf"\d(?<![\w'].)\d{{0,4}}(?:[ \t]?(?:bis|ter))?,?[ \t]+(?i:rue|avenue|boulevard|bd|place"
    rf"|chemin|allée|quai|impasse|route|cours|av\.)[ \t]+{STREET_NAME_WORD}"
    rf"(?:[ \t]*{STREET_NAME_WORD}){{0,4}}"
)
_POSTCODE_ALONE_RE = re.compile(
    r"[A-Z](?<![\w-].)"
    r"(?:[A-Z]?\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}|\d[A-Z][ \t]?\d[A-Z]\d)(?![\w-])"
)
_POSTCODE_CITY_RE = re.compile(
    r"(?:[A-Z](?<![\w.,:/].)[A-Z]?-\d{4,5}"
    r"|\d(?<![\w.,:/].)(?:\d{3}[ \t]?(?!AM|PM)[A-Z]{2}(?![\w])|\d{3,4}|\d-\d{3}))"
    rf"[ \t]+((?:[{UPPER}][\w'\u2019.-]*)"
    rf"(?:[ \t-]+(?:[{UPPER}][\w'\u2019.-]*|am|an|der|den|sur|en|la|le|de|di|del)){{0,3}})"
)
_BEFORE_POSTCODE_RE = re.compile(
    rf"((?:[{UPPER}][\w'\u2019.-]*)(?:[ \t]+[{UPPER}][\w'\u2019.-]*){{0,2}}),?"
    r"(?:[ \t]+[A-Z]{2})?,?[ \t]*\Z"
)


def foreign_addresses(text: str, us_streets: list[Span]) -> Iterator[Span]:
    """Streets named before their number, non-US postcodes, and the lines after a street."""
    streets: list[Span] = []
    lower_lead = any(lead in text for lead in LOWER_LEADS)
    for rx in (_STREET_FOREIGN_RE, _NUMBER_LEAD_RE, _LOWER_LEAD_RE if lower_lead else None):
        for m in rx.finditer(text) if rx else ():
            if rx is _LOWER_LEAD_RE and _acronym_after_lead(m.group()):
                continue  # "verified via SSN 143 63 1537": English "via", not a street
            streets.append(Span(m.start(), m.end(), Label.ADDRESS, 0.75, "street name and number"))
    gazetteer = places()
    for m in _POSTCODE_CITY_RE.finditer(text):
        city = m.group(1).lower()
        near_street = any(0 <= m.start() - s.end <= 40 for s in streets)
        strong = _STRONG_POSTCODE_RE.match(text, m.start()) is not None
        if near_street or strong or city in gazetteer or city.split()[0] in gazetteer:
            cut = m.group(0).find(". ")  # "42-308 Jaworzno. Thanks!": the town ends there
            end = m.start() + cut if cut > m.end(1) - m.start() - len(m.group(1)) else m.end()
            yield Span(m.start(), end, Label.ADDRESS, 0.75, "postcode and city")
            if not near_street and (street := _street_before(text, m.start())):
                yield street
    for m in _POSTCODE_ALONE_RE.finditer(text):
        start = m.start()
        before = _BEFORE_POSTCODE_RE.search(text, max(0, start - 40), start)
        if before and (
            before.group(1).lower() in gazetteer
            or any(w.lower() in gazetteer for w in before.group(1).split())
        ):
            start = before.start()
        yield Span(start, m.end(), Label.ADDRESS, 0.75, "uk or canadian postcode")
    yield from streets
    yield from written_town_postcodes(text)
    yield from address_lines(text, streets + us_streets)


# Postcode shapes no date, amount or phone has, so a capitalised word after one is its
# town whatever the gazetteer says: Polish "00-950", Portuguese "1000-205", Dutch
# "1015 CJ", Czech/Slovak/Swedish "111 25", Brazilian "01310-100".
_STRONG_POSTCODE_RE = re.compile(
    r"\d{2}-\d{3}(?!\d)|\d{4}-\d{3}(?!\d)|\d{5}-\d{3}(?!\d)|\d{4}[ \t]?[A-Z]{2}(?![\w])"
    r"|\d{3}[ \t]\d{2}(?!\d)"
)
# The same shapes in lower-case speech-to-text, then one to three words of the town:
# "79-451 lębork", "3487uk oudeschans", "1000-205 lisboa".
_SPOKEN_POSTCODE_RE = re.compile(
    r"\d(?<![\w./-]\d)(?:\d-\d{3}|\d{3}-\d{3}|\d{4}-\d{3}|\d{3}[a-z]{2})(?![\w-])"
    r"(?:[ \t]+(?:in[ \t]+)?([^\W\d_][\w'-]*(?:[ \t]+[^\W\d_][\w'-]*){0,2}))?"
)
_STREET_BEFORE_RE = re.compile(
    rf"((?:(?:ulica|aleja|plac|ul\.|al\.|pl\.|os\.|rue|calle|via)[ \t]+)?"
    rf"[{UPPER}][\w'\u2019.-]*(?:[ \t]+(?:[{UPPER}][\w'\u2019.-]*|de|da|do|del|di|la))"
    rf"{{0,3}}[ \t]+{HOUSE})[ \t]*,[ \t]*\Z"
)


def _street_before(text: str, start: int) -> Span | None:
    """ "Kaszubska 279, 42-308 Jaworzno": the words and house number just before a
    postcode and its town, on the same line, are the street."""
    line = text.rfind("\n", 0, start) + 1
    m = _STREET_BEFORE_RE.search(text, max(line, start - 60), start)
    if m is None:
        return None
    return Span(m.start(1), m.end(1), Label.ADDRESS, 0.7, "street before a postcode")


# Australian "South Mark, QLD, 2603" / "Loriland WA 7266" and Indian "Agartala-347225",
# "Kavali, 638245": a town, then a state and postcode, or a six-digit PIN. Speed: found
# from the state or the PIN (few places to start), the town read back before it.
_AU_STATE_POSTCODE_RE = re.compile(r"(?:NSW|QLD|VIC|TAS|ACT|SA|WA|NT),?[ \t]+\d{4}(?![\w-])")
_AU_TOWN_BEFORE_RE = re.compile(
    rf"(?<![\w'-])[{UPPER}][\w'-]*(?:[ \t]+[{UPPER}][\w'-]*){{0,2}},?[ \t]+\Z"
)
_IN_PIN_RE = re.compile(r"[1-8]\d{5}(?![\w-])")
_IN_TOWN_BEFORE_RE = re.compile(rf"(?<![\w'-])[{UPPER}][a-z]+(?:-|,?[ \t]+)\Z")


def written_town_postcodes(text: str) -> Iterator[Span]:
    """Town and postcode pairs in Australian and Indian form (written text)."""
    for rx, before_rx, why in (
        (_AU_STATE_POSTCODE_RE, _AU_TOWN_BEFORE_RE, "town, state and postcode"),
        (_IN_PIN_RE, _IN_TOWN_BEFORE_RE, "town and PIN"),
    ):
        for m in rx.finditer(text):
            if m.start() > 0 and text[m.start() - 1].isalnum():
                continue
            town = before_rx.search(text, max(0, m.start() - 50), m.start())
            if town is None:
                continue
            words = re.findall(r"[^\W\d_]+", text[town.start() : m.end()])
            if any(w.lower() in _NOT_TOWN or w.lower().endswith(("ed", "ing")) for w in words):
                continue  # "Called Tuesday, WA 2019": a date and a year, no town
            yield Span(town.start(), m.end(), Label.ADDRESS, 0.7, why)


_NOT_TOWN = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "ref",
        "batch",
        "order",
        "invoice",
        "claim",
        "case",
        "id",
        "no",
        "tel",
        "fax",
        "ph",
        "mob",
        "call",
    ]
)


def spoken_foreign_addresses(text: str) -> Iterator[Span]:
    """Other countries' streets and postcodes as a speech recogniser writes them, in lower
    case ("ulica polna 4 85-001 bydgoszcz", "lindenweg 12 uh 45127 essen"); any text."""
    if holds_digit(text):  # both need one: a postcode, a house number
        yield from _spoken_postcodes(text)
        yield from _spoken_streets(text)


def _spoken_postcodes(text: str) -> Iterator[Span]:
    """A strong postcode shape in lower-case text, with the town words after it that are
    no everyday words ("79-451 lębork" but not "10-120 mg")."""
    for m in _SPOKEN_POSTCODE_RE.finditer(text):
        end = m.end(0) if m.group(1) is None else m.start(1)
        words = (m.group(1) or "").split()
        town: list[str] = []
        for w in words:
            if w.lower() in ADDRESS_STOP_WORDS or w.lower() in _FILLER_WORDS:
                break
            town.append(w)
        first = words[0].lower() if words else ""
        if not town and first in ADDRESS_STOP_WORDS and first not in _FILLER_WORDS | {"in"}:
            continue  # "10-120 mg", "12-100 tablets": a range of a quantity
        if town:
            end = text.index(town[-1], m.start(1)) + len(town[-1])
        elif "-" in m.group(0) and not words:
            continue  # a lone "12-345": too little to tell
        yield Span(m.start(), end, Label.ADDRESS, 0.7, "postcode shape and town")


_FILLER_WORDS = frozenset(("uh", "um", "er", "erm", "like", "so"))
# Lower-case speech-to-text streets: "michaelstraat 20", "dörschnerweg 6-4", "ulica
# lelewela 28", "al. brzechwy 59/32", "rue henry 12". The word before the number must be
# no everyday English word ("during 5" ends in "ring"). Speed: found from the digits
# (``re`` skips to them in C), the words before each read back in Python.
_COMPOUND_ENDS = (
    "straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer",
    "chaussee", "pfad", "steig", "zeile", "markt", "laan", "straat", "gracht", "plein",
    "kade", "singel", "dijk", "steeg", "baan", "boulevard", "hof", "vej", "gade", "allé",
    "gatan", "vägen", "väg", "torget", "stigen", "gränd", "veien", "vegen", "gata", "utca",
    "útja", "körút", "tér", "katu", "tie", "kuja",
)  # fmt: skip
_LOWER_STREET_LEADS = frozenset(
    ("ulica", "aleja", "plac", "ul.", "al.", "pl.", "os.", "rue", "calle", "rua", "avenida")
)
_NUMBER_AFTER_SPACE_RE = re.compile(r" \d")  # a literal first: ``re`` skips to it in C
_HOUSE_RE = re.compile(rf"{HOUSE}(?![\w])")
# After a spoken street: a postcode (any European shape) and one or two town words,
# maybe after a filler or "in" ("dörschnerweg 6-4 uh 31300 dieburg").
_AFTER_STREET_RE = re.compile(
    r"(?:[ \t,]+(?:uh|um|er|in|and))*[ \t,]+"
    r"((?:\d{4,5}|\d{2}-\d{3}|\d{4}-\d{3}|\d{4}[ \t]?[a-z]{2}|\d{3}[ \t]\d{2})(?![\w-])"
    r"(?:[ \t]+(?!(?:and|so|but|the|is|it|i|that|thanks|please)\b)[^\W\d_][\w'-]*){1,2})"
)


def _spoken_streets(text: str) -> Iterator[Span]:
    has_lead: bool | None = None
    for m in _NUMBER_AFTER_SPACE_RE.finditer(text):
        pos = m.start() + 1
        if not (text[pos - 2].isalpha() or text[pos - 2] == "."):
            continue  # after a digit or punctuation: no street word before it
        word_start = text.rfind(" ", 0, pos - 1) + 1
        word = text[word_start : pos - 1]
        if not word or word[0].isupper() or "\n" in word:
            continue
        low = word.lower()
        start = -1
        if low.endswith(_COMPOUND_ENDS) and low not in _COMPOUND_ENDS:
            if fold(low) not in gazetteer().english:  # "during 5" ends in "ring"
                start = word_start
        else:
            if has_lead is None:
                low_text = text.lower()
                has_lead = any(lead + " " in low_text for lead in _LOWER_STREET_LEADS)
            if has_lead:
                start = _lead_before(text, word_start)
        house = _HOUSE_RE.match(text, pos) if start >= 0 else None
        if house is None:
            continue
        yield Span(start, house.end(), Label.ADDRESS, 0.7, "street and number, lower case")
        if after := _AFTER_STREET_RE.match(text, house.end()):
            yield Span(after.start(1), after.end(1), Label.ADDRESS, 0.7, "postcode and town")


def _lead_before(text: str, word_start: int) -> int:
    """Where "ulica", "al.", "rue" ... stands one to three words before ``word_start``
    (the street's name words between, on the same line), or -1."""
    line = text.rfind("\n", 0, word_start) + 1
    words = text[max(line, word_start - 40) : word_start].split()
    for n in range(1, min(3, len(words)) + 1):
        if words[-n].lower() in _LOWER_STREET_LEADS:
            if any(w[:1].isupper() or not w[:1].isalpha() for w in words[len(words) - n :]):
                return -1
            return text.rfind(words[-n], line, word_start)
    return -1


def _acronym_after_lead(found: str) -> bool:
    words = found.split()
    return len(words) > 1 and len(words[1]) >= 2 and words[1].isalpha() and words[1].isupper()

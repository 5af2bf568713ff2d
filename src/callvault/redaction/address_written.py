"""Addresses as other countries write them, and addresses over several lines (written
text only):

- streets named before their number: "Hauptstraße 12", "Rue de Rivoli 45", "Calle Mayor
  7, 3º izq", "ul. Długa 12/3", "45 rue de Rivoli";
- postcodes of other countries with their city ("10115 Berlin", "1015 CJ Amsterdam",
  "00-950 Warszawa"), and UK and Canadian postcodes on their own ("SW1A 1AA", "K1A 0B1");
- the lines of a multi-line address: unit, city and postcode lines after a street line
  (up to four, stopping at a speaker tag or a line that is not Title Case), and a unit
  line ("Flat 2") just before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction.normalize import SPEAKER_TAG_RE
from callvault.redaction.places import UPPER, places
from callvault.redaction.spans import Label, Span
from callvault.redaction.trie import trie_regex

_HOUSE = r"\d{1,5}[a-zA-Z]?(?:[-/]\d{1,4}[a-zA-Z]?)?"
_UNIT_TAIL = (
    r"(?:,?[ \t]*(?:\d{1,2}[ \t]?[º°ª](?:[ \t]*(?:izq|izda|dcha|dch|der|ctr|[a-z]{1,2})\b\.?)?"
    r"|(?:piso|puerta|planta|apt|apto|whg|etage|escalera|esc|bus|bte|app|interno|int"
    r"|lok|m|flat|unit|suite)\.?[ \t]*[\w]{1,4}\b|[ \t]?[a-zA-Z](?![\w'])))*"
)
# "Hauptstraße 12", "Keizersgracht 5", "Kungsgatan 8"
_STREET_COMPOUND = (
    r"(?i:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|pfad|steig"
    r"|zeile|markt|laan|straat|gracht|plein|kade|singel|dijk|steeg|baan|boulevard|hof|vej"
    r"|gade|allé|gatan|vägen|väg|torget|stigen|gränd|veien|vegen|gata|utca|útja|körút|tér"
    r"|katu|tie|kuja)"
)
_STREET_LEADS = (
    "Rue", "Avenue", "Av.", "Boulevard", "Bd", "Bd.", "Place", "Chemin", "Allée", "Quai",
    "Impasse", "Route", "Cours", "Calle", "C/", "Avenida", "Avda", "Avda.", "Paseo", "Plaza",
    "Carrer", "Rua", "Travessa", "Largo", "Via", "Viale", "Piazza", "Piazzale", "Corso",
    "Vicolo", "Ulica", "Aleja", "Osiedle", "Strada", "Calea", "Bulevardul", "Ulitsa",
    "Náměstí", "Ulice", "Am", "An der", "Auf der", "Im", "Zum", "Zur", "Camino", "Pasaje",
    "Pasadizo", "Urbanización", "Cañada", "Travesía", "Ronda", "Glorieta", "Rambla",
    "Passeig", "Camí", "Stretto", "Canale", "Incrocio", "Contrada", "Borgo", "Lungomare",
    "Vico", "Rotonda", "Quadra", "Residencial", "Alameda", "Lagoa", "Pátio", "Praça",
    "Rodovia", "Estrada", "Ladeira", "Beco", "Viela",
)  # fmt: skip
# Lower-case leads ("ul. Długa 3", "rue de Rivoli 45"): a separate pattern, tried only
# when one of them is in the text (they are frequent letters to stop at).
_LOWER_LEADS = ("ul.", "al.", "os.", "pl.", "ulica", "aleja", "plac", "rue", "calle", "via")
_STREET_NAME_WORD = (
    rf"(?:[{UPPER}0-9][\w'\u2019.-]*|de|del|de la|des|du|da|do|dos|das|di|della|dei|delle|la|le|les"
    r"|l'|d'|y|e)"
)
_STREET_REST = rf",?[ \t]+{_HOUSE}(?![\w]){_UNIT_TAIL}"
# Each branch opens with a capital or a literal, so ``re`` skips to those in C.
_STREET_FOREIGN_RE = re.compile(
    rf"(?:[{UPPER}](?<![\w'].)[\w'\u2019-]*(?:(?:{_STREET_COMPOUND})"
    r"|[ \t]+(?i:straße|strasse|str\.|weg|allee|platz|gasse|laan|straat|road|street|lane"
    r"|avenue|allé|vej|gade|utca|út|tér|körút|köz|sor|sétány))"
    rf"|{trie_regex(_STREET_LEADS, literal=True)}(?![\w])[ \t]*"
    rf"{_STREET_NAME_WORD}(?:[ \t]*{_STREET_NAME_WORD}){{0,4}})" + _STREET_REST
)
_LOWER_LEAD_RE = re.compile(
    rf"(?<![\w'.])(?:{trie_regex(_LOWER_LEADS, literal=True)})(?![\w])[ \t]*"
    rf"{_STREET_NAME_WORD}(?:[ \t]*{_STREET_NAME_WORD}){{0,4}}" + _STREET_REST
)
# "45 rue de Rivoli", "12, avenue des Champs"
_NUMBER_LEAD_RE = re.compile(
    rf"\d(?<![\w'].)\d{{0,4}}(?:[ \t]?(?:bis|ter))?,?[ \t]+(?i:rue|avenue|boulevard|bd|place"
    rf"|chemin|allée|quai|impasse|route|cours|av\.)[ \t]+{_STREET_NAME_WORD}"
    rf"(?:[ \t]*{_STREET_NAME_WORD}){{0,4}}"
)
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}"
_CA_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[A-Z][ \t]?\d[A-Z]\d"
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
_UNIT_LINE_RE = re.compile(
    r"(?i:apt|apartment|unit|suite|ste|flat|floor|fl|piso|whg|wohnung|etage|building|bldg"
    r"|c/o|#|room|studio|block|level|po box|p\.o\. box)\b"
)
_BEFORE_POSTCODE_RE = re.compile(
    rf"((?:[{UPPER}][\w'\u2019.-]*)(?:[ \t]+[{UPPER}][\w'\u2019.-]*){{0,2}}),?"
    r"(?:[ \t]+[A-Z]{2})?,?[ \t]*\Z"
)
_PC_ANY = r"(?:(?:[A-Z]{1,2}-)?\d{4,5}|\d{3}[ \t]\d{2}|\d{5}-\d{3}|\d{8}|\d{2}-\d{3})"
_PC_ALONE = rf"(?:{_UK_POSTCODE}|{_CA_POSTCODE}|\d{{4}}[ \t]?[A-Z]{{2}})"
# group 1: the line's content; group 2 set when the postcode stands alone
_CONNECTORS = frozenset((
    "de", "da", "do", "das", "dos", "del", "di", "della", "la", "le", "les", "du", "des",
    "nad", "pod", "an", "der", "am", "im", "y", "e", "sur", "en", "utca", "út", "tér",
    "köz", "sor", "rue", "ulica", "aleja", "plac", "al.", "ul.", "pl.", "os.", "calle", "via",
    "avenue", "bis", "ter", "und",
))  # fmt: skip
_CITY_WORDS = (
    rf"[{UPPER}][\w'\u2019.-]*(?:[ \t-]+(?:[{UPPER}][\w'\u2019.-]*|de|da|do|das|dos|del|di|la|le"
    rf"|du|des|nad|pod|an|der|am|sur|en|/|\(?[A-Z]{{2}}\)?)){{0,5}}"
)
# group 1: the postcode and its city; group 2 set when the postcode stands alone
_POSTCODE_LINE_RE = re.compile(
    rf"^[ \t]*({_PC_ANY},?[ \t]+{_CITY_WORDS}"
    rf"|(?:{_CITY_WORDS}),?[ \t]+(?:{_PC_ANY}|{_PC_ALONE})(?![\w])"
    rf"|(?:{_PC_ANY}|({_PC_ALONE}))[ \t]*[.,;]?[ \t]*$)",
    re.MULTILINE,
)
_STREET_LEAD_START_RE = re.compile(rf"(?:{trie_regex(_STREET_LEADS, literal=True)})(?![\w])")
_STREET_TAIL_RE = re.compile(
    r"((?:(?:ulica|aleja|plac|ul\.|al\.|pl\.|os\.|rue|calle|via)[ \t]+)?"
    rf"[{UPPER}][\w'\u2019.-]*,?(?:[ \t]+(?:[{UPPER}][\w'\u2019.-]*,?|de|da|do|del|di|la|nad|an"
    rf"|der|utca|út|tér|\d{{1,5}}[a-zA-Z]?,?)){{0,5}}[ \t]+{_HOUSE}\.?)[ \t]*$"
)


def foreign_addresses(text: str, us_streets: list[Span]) -> Iterator[Span]:
    """Streets named before their number, non-US postcodes, and the lines after a street."""
    streets: list[Span] = []
    lower_lead = any(lead in text for lead in _LOWER_LEADS)
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
    # A transcript's lines start with a speaker tag: the walks from line to line read
    # each utterance without it, and keep to one speaker's consecutive lines.
    lines = _Lines(text)
    yield from written_town_postcodes(text)
    yield from _following_lines(lines, streets + us_streets)
    if _ADDRESS_HEADING_RE.search(lines.text):
        yield from _heading_blocks(lines)
    yield from _postcode_blocks(lines)


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
    rf"{{0,3}}[ \t]+{_HOUSE})[ \t]*,[ \t]*\Z"
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
    yield from _spoken_postcodes(text)
    yield from _spoken_streets(text)


def _spoken_postcodes(text: str) -> Iterator[Span]:
    """A strong postcode shape in lower-case text, with the town words after it that are
    no everyday words ("79-451 lębork" but not "10-120 mg")."""
    from callvault.redaction.lexicon import ADDRESS_STOP_WORDS

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
_HOUSE_RE = re.compile(rf"{_HOUSE}(?![\w])")
# After a spoken street: a postcode (any European shape) and one or two town words,
# maybe after a filler or "in" ("dörschnerweg 6-4 uh 31300 dieburg").
_AFTER_STREET_RE = re.compile(
    r"(?:[ \t,]+(?:uh|um|er|in|and))*[ \t,]+"
    r"((?:\d{4,5}|\d{2}-\d{3}|\d{4}-\d{3}|\d{4}[ \t]?[a-z]{2}|\d{3}[ \t]\d{2})(?![\w-])"
    r"(?:[ \t]+(?!(?:and|so|but|the|is|it|i|that|thanks|please)\b)[^\W\d_][\w'-]*){1,2})"
)
_FILLER_WORDS = frozenset(("uh", "um", "er", "erm", "like", "so"))


def _spoken_streets(text: str) -> Iterator[Span]:
    from callvault.redaction.names_gazetteer import fold, gazetteer

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


_LINE_TAG_RE = re.compile(rf"(?m)^{SPEAKER_TAG_RE.pattern}")


class _Lines:
    """``text`` with each line's speaker tag blanked to spaces (offsets unchanged), and
    whose line a position is on."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = _LINE_TAG_RE.sub(lambda m: " " * len(m.group(0)), text)

    def speaker(self, pos: int) -> str:
        """The tag of the line ``pos`` is on; a line without one continues the line
        above it (a free-text block, "Post: 10 Downing Street\nLondon\n...")."""
        start = self.original.rfind("\n", 0, pos) + 1
        while (tag := SPEAKER_TAG_RE.match(self.original, start)) is None and start > 0:
            start = self.original.rfind("\n", 0, start - 1) + 1
        return tag.group(0) if tag else ""


def _address_like(line: str) -> bool:
    """A short line of Title Case words, numbers and connectors ("de", "utca", "nad")."""
    words = [w.strip(",()/") for w in line.split()]
    if not words or len(words) > 8 or len(line) > 60 or SPEAKER_TAG_RE.match(line):
        return False
    return not line.endswith(":") and all(
        not w or w[0].isupper() or w[0].isdigit() or w.lower() in _CONNECTORS for w in words
    )


def _lone_word(line: str) -> bool:
    """A one-word line that is no known place ("Billing", "Regards"): a heading, unless
    it is the town line."""
    words = line.split()
    return len(words) == 1 and words[0].strip(",.").lower() not in places()


def _postcode_blocks(lines: _Lines) -> Iterator[Span]:
    """A line holding a postcode (with or without its city) under address-like lines:
    the whole block is the address ("Mezi Sklady 393\n787 92 Miletín", "Studio 8\nJeffrey
    Unions\nYatesburgh\nW4 1XB")."""
    text = lines.text
    for m in _POSTCODE_LINE_RE.finditer(text):
        start, end = m.start(1), m.end(1)
        block, has_number, pos = [(start, end)], False, m.start()
        speaker = lines.speaker(start)
        for _ in range(4):  # lines above
            if pos == 0:
                break
            prev_start = text.rfind("\n", 0, pos - 1) + 1
            if lines.speaker(prev_start) != speaker:
                break
            line = text[prev_start : pos - 1]
            # A lone word counts only as the town right above the postcode line.
            lone = _lone_word(line) and len(block) > 1
            if _address_like(line.strip()) and not lone:
                lead = prev_start + len(line) - len(line.lstrip())
                block.append((lead, lead + len(line.strip())))
                has_number = has_number or any(c.isdigit() for c in line)
                has_number = has_number or bool(_STREET_LEAD_START_RE.match(line.strip()))
                pos = prev_start
                continue
            tail = _STREET_TAIL_RE.search(line)  # "I live at Mezi Sklady 393"
            if tail:
                block.append((prev_start + tail.start(1), prev_start + tail.end(1)))
                has_number = True
            break
        if not has_number:
            continue
        # One span a line: a transcript's next line starts with its speaker's tag.
        for line_start, line_end in block:
            yield Span(line_start, line_end, Label.ADDRESS, 0.7, "address block above a postcode")
        if m.group(2):  # a postcode alone on its line: the city may follow on the next
            nxt_end = text.find("\n", end + 1)
            nxt = text[end + 1 : nxt_end if nxt_end >= 0 else len(text)]
            words = nxt.split()
            if (
                0 < len(words) <= 3
                and lines.speaker(end + 1) == speaker
                and _address_like(nxt.strip())
                and nxt.rstrip()[-1:] not in ".!?"
            ):
                lead = len(nxt) - len(nxt.lstrip())
                yield Span(
                    end + 1 + lead,
                    end + 1 + len(nxt.rstrip()),
                    Label.ADDRESS,
                    0.7,
                    "city line below a postcode",
                )


def _following_lines(lines: _Lines, streets: list[Span]) -> Iterator[Span]:
    """A multi-line address: unit, city and postcode lines after (or a unit line before)
    a street line are part of it."""
    gazetteer = places()
    text = lines.text
    for street in streets:
        line_end = text.find("\n", street.end)
        if line_end < 0 or text[street.end : line_end].strip(" \t,.;"):
            continue
        speaker = lines.speaker(street.start)
        pos = line_end + 1
        for _ in range(4):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            line = text[pos:end].strip()
            if not line or len(line) > 60 or lines.speaker(pos) != speaker:
                break
            words = [w.strip(",.()") for w in line.split()]
            shaped = all(w[:1].isupper() or w[:1].isdigit() or not w for w in words)
            if not (shaped or _UNIT_LINE_RE.match(line) or line.split(",")[0].lower() in gazetteer):
                break
            start = pos + (len(text[pos:end]) - len(text[pos:end].lstrip()))
            yield Span(start, start + len(line), Label.ADDRESS, 0.7, "address line after a street")
            pos = end + 1
            if pos >= len(text):
                break
        line_start = text.rfind("\n", 0, street.start) + 1
        if line_start > 0 and not text[line_start : street.start].strip():
            prev_start = text.rfind("\n", 0, line_start - 1) + 1
            if lines.speaker(prev_start) != speaker:
                continue
            prev = text[prev_start : line_start - 1].strip()
            if prev and len(prev) <= 40 and _UNIT_LINE_RE.match(prev):
                start = prev_start + (
                    len(text[prev_start:line_start]) - len(text[prev_start:line_start].lstrip())
                )
                yield Span(
                    start, start + len(prev), Label.ADDRESS, 0.7, "unit line before a street"
                )


# A line that announces an address block: the next lines, up to the country or a line
# of running text, are the address whatever their shape ("Ship to:\nJohn Vu\n40 Tran
# Binh Trong\nPhong 9\n61202, Thanh pho Hue\nVietnam").
_ADDRESS_HEADING_RE = re.compile(
    r"(?im)^[ \t]*(?:ship(?:ping)?[ \t]+to|mail(?:ing)?[ \t]+(?:to|address)(?:[ \t]+on[ \t]+file)?"
    r"|(?:billing|home|postal|street|correspondence|delivery|new|old|permanent|current)"
    r"[ \t]+address(?:[ \t]+on[ \t]+file)?|address(?:[ \t]+on[ \t]+file)?|send[ \t]+to"
    r"|deliver[ \t]+to)[ \t]*:?[ \t]*$"
)
_BLOCK_LINES = 6
# Words of running text: a line holding one is no address line.
_PROSE_WORDS = frozenset(
    [
        "i",
        "you",
        "we",
        "he",
        "she",
        "they",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "please",
        "thanks",
        "thank",
        "can",
        "could",
        "my",
        "your",
        "our",
        "the",
        "this",
        "that",
        "have",
        "has",
        "had",
        "need",
        "want",
        "call",
        "called",
    ]
)


def _heading_blocks(lines: _Lines) -> Iterator[Span]:
    text = lines.text
    for m in _ADDRESS_HEADING_RE.finditer(text):
        speaker = lines.speaker(m.start())
        pos = text.find("\n", m.end())
        for _ in range(_BLOCK_LINES):
            if pos < 0:
                break
            start = pos + 1
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            line = text[start:end].strip()
            if not line or len(line) > 60 or lines.speaker(start) != speaker:
                break
            words = [w.strip(",.:;()").lower() for w in line.split()]
            if len(words) > 8 or line.endswith(("?", ":")) or _PROSE_WORDS.intersection(words):
                break
            if len(words) == 1 and not any(c.isdigit() for c in line) and _last_line(text, end):
                break  # the country, alone on the block's last line
            lead = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            yield Span(lead, lead + len(line), Label.ADDRESS, 0.65, "line under an address heading")
            pos = end if end < len(text) else -1


def _last_line(text: str, end: int) -> bool:
    """Is the line ending at ``end`` the last of its block (the text ends, or the next
    line is a new topic: empty or a sentence)?"""
    if end >= len(text):
        return True
    nxt_end = text.find("\n", end + 1)
    nxt = text[end + 1 : nxt_end if nxt_end >= 0 else len(text)].strip()
    words = {w.strip(",.:;()").lower() for w in nxt.split()}
    return not nxt or len(words) > 8 or bool(_PROSE_WORDS & words)

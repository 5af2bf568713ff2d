"""Street addresses, cities with their state, and ZIP codes.

"forty one fifty six arroyo spring in north jasonbury virginia zero one oh seven four",
"276 Oak Light, South Brandiberg, GA 33928". A street is a house number, one to three
name words and a USPS street suffix; because suffixes include everyday words ("well",
"way", "run"), a street counts only with an address cue nearby, a state after it, or
Title Case in written text. After the street, the city, state and ZIP are taken up to
the state (spans are split at "in" and commas so those stay readable). A city, state
and ZIP also count on their own. ZIP codes after a "zip" cue are found by the
identifier recognizer.

Any geographic unit smaller than a state is PHI, so also:

- a city or town named alone after a place cue: a preposition ("in", "from", "near" ...)
  followed by a known place in Title Case ("from Kraków"; ``data/places.txt``, built by
  ``scripts/build_places.py`` from GeoNames and Faker's locales), or a strong cue ("lives
  in", "moved to", "I'm from", "my hometown is") followed by a known place in any case
  ("i live in springfield") or by capitalised words ("grew up in Lower Haddington").
  Town-shaped names ("North Jasonbury", "Port Alanview") count after any cue. States,
  countries and provinces alone (``data/place_regions.txt``) are not PHI and never count,
  nor does a place followed by "Clinic", "Medical", "Street" ...; counties do.
- streets named before their number, in written text: "Hauptstraße 12", "Rue de Rivoli
  45", "Calle Mayor 7, 3º izq", "ul. Długa 12/3", "45 rue de Rivoli";
- postcodes of other countries with their city ("10115 Berlin", "1015 CJ Amsterdam",
  "00-950 Warszawa"), and UK and Canadian postcodes on their own ("SW1A 1AA", "K1A 0B1");
- the lines of a multi-line address: unit, city and postcode lines after a street line
  (up to four, stopping at a speaker tag or a line that is not Title Case), and a unit
  line ("Flat 2") just before it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from importlib import resources

from callvault.redaction.lexicon import QUANTITY_WORDS, STATES, STREET_SUFFIXES
from callvault.redaction.normalize import Run, lower_same_length, number_runs
from callvault.redaction.spans import Context, Label, Span
from callvault.redaction.trie import trie_regex

_STOP = frozenset(
    (*QUANTITY_WORDS, "a", "an", "the", "to", "of", "and", "in", "on", "at", "for", "my",
     "your", "is", "it", "it's", "i", "as", "with", "every", "per", "each", "or", "but",
     "that", "this", "you", "me", "we", "they", "he", "she", "be", "was", "are", "not",
     "no", "yes", "more", "times", "then", "so", "just", "about", "after", "before")
)  # fmt: skip
# Tries, not "a|b|c" (which ``re`` tries branch by branch): the street and state
# patterns are tried at every number and around every ZIP-like one.
_SUFFIX = trie_regex(STREET_SUFFIXES, literal=True)
_STATE = trie_regex(STATES, literal=True)
_ABBR = "|".join(sorted(set(STATES.values())))
_WORD = r"[a-z][a-z'.-]*"
# A street's name may be numbered ("W 12th St").
_NAME_WORD = rf"(?!(?:in|at|on|to|of|the|and|a|is)\b)(?:{_WORD}|\d+(?:st|nd|rd|th))"
_STREET_RE = re.compile(
    rf"[ \t]+((?:{_NAME_WORD}[ \t]+){{0,3}})(?:{_SUFFIX})\b\.?"
    r"(?:,?[ \t]*(?:apt|apartment|unit|suite|ste|#)\.?[ \t]*#?[a-z0-9-]+"
    r"(?:[ \t]+[a-z0-9](?![\w']))*)?"
)
# After the street: ", City, ST" / " in city state"; group 1 is the city.
_TAIL_RE = re.compile(
    rf"(?:,[ \t]*|[ \t]+in[ \t]+|[ \t]+)((?:{_WORD}[ \t]+){{0,3}}?{_WORD}),?[ \t]+"
    rf"(?:{_STATE}|(?-i:{_ABBR}))\b",
    re.IGNORECASE,
)
# An abbreviation ("ID", "OK", "ME") is a state only in the "City, ST 12345" form.
_STATE_BEFORE_RE = re.compile(
    rf"(?<![\w'])(?:(?i:{_STATE})|(?<=, )(?:{_ABBR})|(?<=,)(?:{_ABBR}))[ \t,]*$"
)
_CITY_BEFORE_RE = re.compile(rf"(?<![\w'])((?:{_WORD}[ \t]+){{0,2}}{_WORD}),?[ \t]+$")
_WORD_RE = re.compile(r"[a-z']+")
_NOT_CITY = _STOP | {"live", "lives", "living", "moved", "address", "from", "city", "town"}
_STATE_RE = re.compile(rf"[ \t,]*((?:{_STATE}|{_ABBR.lower()}))\b")
_CUE_RE = re.compile(
    r"address|live|living|lives|moved|move|mail|street|reside|home|ship|located|house"
    r"|(?:i'm|i am|we're|we are|she's|he's|they're|stay(?:ing)?) at|send|deliver|where"
)
# "P.O. Box 4412", "p o box four four one two": an address on its own.
_PO_BOX_RE = re.compile(r"(?<![\w'])p[ \t.]*o[ \t.]*box[ \t#:]*$")
_CUE_WINDOW = 160


class AddressRecognizer:
    name = "address"

    def find(self, text: str, context: Context) -> Iterator[Span]:
        lowered = lower_same_length(text)
        runs = number_runs(text)
        us_streets: list[Span] = []
        for run in runs:
            if _house_number(run.value):
                for span in self._street(text, lowered, run, runs):
                    if span.explanation.startswith("street"):
                        us_streets.append(span)
                    yield span
            # "box" must be in the window: a plain find spares most numbers the regex
            lo = max(0, run.start - 12)
            if lowered.find("box", lo, run.start) >= 0 and (
                box := _PO_BOX_RE.search(lowered, lo, run.start)
            ):
                yield Span(box.start(), run.end, Label.ADDRESS, 0.85, "post office box")
        yield from _places(text, lowered)
        if text != lowered:  # written text: Title Case streets, postcodes
            yield from _foreign_addresses(text, us_streets)
        for run in runs:
            # five or nine digits (plus one when the run starts with the state "oh")
            if run.value.isdigit() and len(run.value) in (5, 6, 9, 10):
                yield from self._before_zip(text, lowered, run, runs)

    def _before_zip(
        self, text: str, lowered: str, run: Run, runs: tuple[Run, ...]
    ) -> Iterator[Span]:
        """ "City, ST 12345" and "city state one two three four five" on their own."""
        # "OH 44101" reads as one run starting with "oh" (zero): look behind both.
        for zip_start in (run.start, run.start + 2):
            state = _STATE_BEFORE_RE.search(text, max(0, zip_start - 40), zip_start)
            if state:
                city = _CITY_BEFORE_RE.search(lowered, max(0, state.start() - 50), state.start())
                if city:
                    yield from _city_state_zip(text, lowered, city.start(1), city.end(1), runs)
                return

    def _street(self, text: str, lowered: str, run: Run, runs: tuple[Run, ...]) -> Iterator[Span]:
        m = _STREET_RE.match(lowered, run.end)
        if not m or any(w in _STOP for w in m.group(1).split()):
            return
        tail = _TAIL_RE.match(text, m.end())
        cased = text[m.start(1) : m.start(1) + 1].isupper()
        cue = _CUE_RE.search(lowered, max(0, run.start - _CUE_WINDOW), run.start)
        if not (tail or cased or cue):
            return
        yield Span(run.start, m.end(), Label.ADDRESS, 0.8, "street number, name and suffix")
        if tail:
            yield from _city_state_zip(text, lowered, tail.start(1), tail.end(1), runs)


def _house_number(value: str) -> bool:
    """Up to six digits, perhaps with one letter after them ("221B")."""
    digits = value[:-1] if value[-1:].isalpha() else value
    return digits.isdigit() and len(digits) <= 6


def _city_state_zip(
    text: str, lowered: str, city_start: int, city_end: int, runs: tuple[Run, ...]
) -> Iterator[Span]:
    """The city, then the state with the ZIP that follows it (if any)."""
    for word in _WORD_RE.finditer(lowered, city_start, city_end):
        if word.group() in _NOT_CITY:  # "i live in dallas": the city starts after "in"
            city_start = word.end() + 1
    if city_start < city_end:
        yield Span(city_start, city_end, Label.ADDRESS, 0.75, "city before a state")
    state = _STATE_RE.match(lowered, city_end)
    if not state:
        return
    end = state.end()
    for run in runs:
        if run.end > end and run.start - end <= 3 and run.digits >= 5:
            end = run.end
            break
    yield Span(state.start(1), end, Label.ADDRESS, 0.8, "state and zip")


# --- places named alone, addresses in other countries' order, non-US postcodes -------

_U = "A-ZÀ-ÖØ-Þ\u0100-\u024f\u1e00-\u1eff"  # where an upper-case letter may be (checked)
_L = r"[^\W\d_]"  # any letter
_PWORD = rf"{_L}[\w'\u2019.-]*"
# A place cue is a preposition ("in", "from", "near" ...) before a word. Title Case and a
# known place make a weak cue enough ("from Kraków"); a verb of living or moving before
# the preposition makes a strong one ("lives in X", "moved to X", "my hometown is X").
_PREP_RE = re.compile(
    r"[\s:,(](?:in|to|from|near|around|outside(?:[ \t]+of)?|of|is|In|To|From|Near|Around"
    r"|Outside(?:[ \t]+of)?)(?=[ \t]+(?![a-z])[^\W\d_])"
)
_BLANKS_RE = re.compile(r"[ \t]+")
_WEAK_PREPS = frozenset(["in", "to", "from", "near", "around", "outside", "of"])
_STRONG_VERBS = (
    "live", "lives", "lived", "living", "reside", "resides", "resided", "residing", "stay",
    "stays", "staying", "stayed", "settled", "based", "located", "born", "raised",
    "grew up", "moved", "move", "moving", "relocated", "relocating", "transferred",
    "commute", "commutes", "i'm", "i am", "we're", "we are", "she's", "he's", "they're",
    "come", "comes", "came", "originally", "city", "town", "village", "hometown", "suburb",
    "municipality", "borough", "neighborhood", "neighbourhood",
)  # fmt: skip
_RESIDENCE = frozenset((
    "live", "lives", "lived", "living", "reside", "resides", "resided", "residing", "born",
    "raised", "grew", "settled", "hometown", "city", "town", "village", "suburb",
    "municipality", "borough", "neighborhood", "neighbourhood",
))  # fmt: skip
_STRONG_BEFORE_RE = re.compile(
    rf"(?<![\w'])(?:{trie_regex(_STRONG_VERBS)})"
    r"(?:[ \t]+(?:here|there|now|currently|back|over|down|up|out|still|just|all))?"
    r"(?:[ \t]+with(?:[ \t]+[\w']+){1,2})?[ \t]*\Z"  # "staying with family in X"
)
# The same cue and its preposition in one scan, before a lower-case word (speech).
_STRONG_PREP_RE = re.compile(
    rf"(?<![\w'])(?:{trie_regex(_STRONG_VERBS)})"
    r"(?:[ \t]+(?:here|there|now|currently|back|over|down|up|out|still|just|all))?"
    r"(?:[ \t]+with(?:[ \t]+[\w']+){1,2})?"
    r"[ \t]+(?:in|to|from|near|around|outside(?:[ \t]+of)?|of|is)[ \t]+(?=[^\W\d_])"
)
_PLACE_WORD_RE = re.compile(rf"{_PWORD}")
_PLACE_SEP_RE = re.compile(r"[ \t]+|-")
# Words that end a place name or show it is something else ("Springfield Clinic").
_NOT_PLACE_AFTER = frozenset((
    "clinic", "hospital", "medical", "health", "practice", "pharmacy", "center", "centre",
    "family", "general", "university", "college", "school", "labs", "lab", "imaging",
    "dental", "street", "st", "road", "rd", "avenue", "ave", "drive", "dr", "lane", "ln",
    "boulevard", "blvd", "insurance", "bank", "weekly", "daily", "magazine", "news",
))  # fmt: skip
_NOT_PLACE = frozenset(
    (*_STOP, "january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december", "monday", "tuesday", "wednesday",
     "thursday", "friday", "saturday", "sunday", "room", "suite", "unit", "floor", "here",
     "there", "town", "city", "dr", "doctor", "mr", "mrs", "ms", "the", "english",
     "spanish", "french", "german", "pain", "bed", "person", "office", "hospital",
     "clinic", "network", "touch", "charge", "general", "version", "advil", "tylenol",
     "march", "ward", "icu", "er", "rehab", "hospice", "assisted", "care", "nursing",
     "january")
)  # fmt: skip
# Faker-style and real US town shapes: "North Jasonbury", "Port Alanview", "Lake Dana".
_TOWN_PREFIX = frozenset((
    "north", "south", "east", "west", "new", "lake", "port", "fort", "mount", "mt", "san",
    "santa", "st", "saint",
))  # fmt: skip
_TOWN_SUFFIX_RE = re.compile(
    r"(?:town|ton|land|ville|berg|burg|burgh|borough|bury|view|port|mouth|stad|furt|chester"
    r"|fort|haven|side|shire|field|wood|dale|ford|ham|mont|polis|ia)$"
)
_COUNTY_WORD_RE = re.compile(r"[ \t](?:County|Parish|Borough|Township|county|parish)\b")
_COUNTY_BEFORE_RE = re.compile(
    rf"(?<![\w'])((?:[{_U}][\w'\u2019.-]*[ \t]+){{1,3}}|(?:[a-z][a-z'-]*[ \t]+){{1,2}})\Z"
)
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
    rf"(?:[{_U}0-9][\w'\u2019.-]*|de|del|de la|des|du|da|do|dos|das|di|della|dei|delle|la|le|les"
    r"|l'|d'|y|e)"
)
_STREET_REST = rf",?[ \t]+{_HOUSE}(?![\w]){_UNIT_TAIL}"
# Each branch opens with a capital or a literal, so ``re`` skips to those in C.
_STREET_FOREIGN_RE = re.compile(
    rf"(?:[{_U}](?<![\w'].)[\w'\u2019-]*(?:(?:{_STREET_COMPOUND})"
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
    rf"[ \t]+((?:[{_U}][\w'\u2019.-]*)"
    rf"(?:[ \t-]+(?:[{_U}][\w'\u2019.-]*|am|an|der|den|sur|en|la|le|de|di|del)){{0,3}})"
)
_UNIT_LINE_RE = re.compile(
    r"(?i:apt|apartment|unit|suite|ste|flat|floor|fl|piso|whg|wohnung|etage|building|bldg"
    r"|c/o|#|room|studio|block|level|po box|p\.o\. box)\b"
)
_BEFORE_POSTCODE_RE = re.compile(
    rf"((?:[{_U}][\w'\u2019.-]*)(?:[ \t]+[{_U}][\w'\u2019.-]*){{0,2}}),?"
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
    rf"[{_U}][\w'\u2019.-]*(?:[ \t-]+(?:[{_U}][\w'\u2019.-]*|de|da|do|das|dos|del|di|la|le"
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
    rf"[{_U}][\w'\u2019.-]*,?(?:[ \t]+(?:[{_U}][\w'\u2019.-]*,?|de|da|do|del|di|la|nad|an"
    rf"|der|utca|út|tér|\d{{1,5}}[a-zA-Z]?,?)){{0,5}}[ \t]+{_HOUSE}\.?)[ \t]*$"
)
# A transcript line's speaker tag ("caller: ", "SPEAKER_00: ", "note: ").
SPEAKER_TAG_RE = re.compile(r"[\w .'-]{1,30}:[ \t]")


@functools.cache
def _word_file(name: str) -> frozenset[str]:
    raw = resources.files("callvault.redaction").joinpath("data", name).read_text("utf-8")
    return frozenset(
        line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")
    )


@functools.cache
def places() -> frozenset[str]:
    """Cities and towns (lower case): ``data/places.txt``, each also without its accents
    (``plain``), so "Cádiz" and "cadiz" find "cádiz" and "cadiz" alike."""
    names = _word_file("places.txt")
    return names | frozenset(plain(name) for name in names)


def plain(phrase: str) -> str:
    """``phrase`` without combining accents ("cádiz" -> "cadiz"); for look-ups only."""
    if phrase.isascii():
        return phrase
    decomposed = unicodedata.normalize("NFKD", phrase)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _first_words() -> frozenset[str]:
    """The first word of every place name (a quick test before the phrase look-ups)."""
    return frozenset(place.split()[0] for place in places())


@functools.cache
def regions() -> frozenset[str]:
    """Countries, states, provinces: not PHI alone."""
    return _word_file("place_regions.txt") | frozenset(STATES)


def _place_words(text: str, pos: int) -> list[tuple[int, int]]:
    """Up to four words from ``pos``, joined by single spaces or hyphens."""
    words: list[tuple[int, int]] = []
    while len(words) < 4:
        m = _PLACE_WORD_RE.match(text, pos)
        if not m:
            break
        end = m.end()
        while end > m.start() and text[end - 1] in ".'\u2019-":
            end -= 1
        words.append((m.start(), end))
        sep = _PLACE_SEP_RE.match(text, end)
        if not sep or end != m.end() or "\n" in sep.group():
            break
        pos = sep.end()
    return words


def _is_town_shape(names: list[str]) -> bool:
    if len(names) == 2 and names[0] in _TOWN_PREFIX and len(names[1]) > 2:
        return True
    return len(names) == 1 and len(names[0]) > 5 and bool(_TOWN_SUFFIX_RE.search(names[0]))


def _place_at(
    text: str, pos: int, *, strong: bool, residence: bool = False
) -> tuple[int, int, str] | None:
    """A place named at ``pos``: (start, end, why) or None."""
    words = _place_words(text, pos)
    if not words:
        return None
    names = [text[s:e].lower() for s, e in words]
    cased = [text[s].isupper() for s, _ in words]
    gazetteer, not_place = places(), regions()
    for n in range(len(words), 0, -1):
        if strong or all(cased[:n]):
            phrase = " ".join(names[:n])
            if n < len(words) and names[n] in _NOT_PLACE_AFTER:
                continue
            if phrase in not_place or names[0] in _NOT_PLACE:
                continue
            if plain(phrase) in gazetteer or plain(phrase).replace(" ", "-") in gazetteer:
                return words[0][0], words[n - 1][1], "known city or town after a place cue"
            if all(cased[:n]) and _is_town_shape(names[:n]):
                return words[0][0], words[n - 1][1], "town-shaped name after a place cue"
    if residence and cased[0] and names[0] not in _NOT_PLACE:
        n = 1
        while n < len(words) and cased[n] and n < 3 and names[n] not in _NOT_PLACE_AFTER:
            n += 1
        if " ".join(names[:n]) not in not_place and names[0] not in not_place:
            return words[0][0], words[n - 1][1], "capitalised place after a strong place cue"
    return None


def _places(text: str, lowered: str) -> Iterator[Span]:
    """Cities and towns named alone after a place cue."""
    gazetteer, first_words = places(), _first_words()
    for m in _PREP_RE.finditer(text):  # before a word that is not ASCII lower case
        pos = _BLANKS_RE.match(text, m.end()).end()  # type: ignore[union-attr]
        if not text[pos].isupper():
            continue
        prep = lowered[m.start() + 1 : pos].split()[0]
        found = None
        if prep in _WEAK_PREPS:
            found = _place_at(text, pos, strong=False)
        cue = (
            None if found else _STRONG_BEFORE_RE.search(lowered, max(0, m.start() - 40), m.start())
        )
        if cue:
            # unknown capitalised words count only after a verb of residence: "moved
            # to Medicare Advantage", "transferred to Billing" are no places
            home = cue.group().split()[0] in _RESIDENCE
            found = _place_at(text, pos, strong=True, residence=home)
        if found:
            yield Span(found[0], found[1], Label.ADDRESS, 0.7, found[2])
    # Lower case (speech): a known place after a strong cue only ("i live in springfield").
    for m in _STRONG_PREP_RE.finditer(lowered):
        pos = m.end()
        word = _PLACE_WORD_RE.match(lowered, pos)
        if (
            not word
            or plain(word.group()) not in first_words
            or not any(
                plain(p) in gazetteer for p in _prefix_phrases(lowered, word.start(), word.end())
            )
        ):
            continue
        found = _place_at(text, pos, strong=True)
        if found:
            yield Span(found[0], found[1], Label.ADDRESS, 0.7, found[2])
    for m in _COUNTY_WORD_RE.finditer(text):
        before = _COUNTY_BEFORE_RE.search(text, max(0, m.start() - 60), m.start() + 1)
        if not before:
            continue
        words = before.group(1).split()
        if words[-1].lower() in _NOT_PLACE or words[-1].lower() in regions():
            continue
        start = before.start(1)
        for w in words[:-1]:  # "the Cook County": start after a stop word
            if w.lower() in _NOT_PLACE:
                start = text.index(w, start) + len(w) + 1
        yield Span(start, m.end(), Label.ADDRESS, 0.7, "county or parish")


def _prefix_phrases(lowered: str, start: int, end: int) -> Iterator[str]:
    """The first one, two and three words from ``start`` (the first ending at ``end``)."""
    yield lowered[start:end]
    stop = lowered.find("\n", end)
    rest = lowered[end : stop if stop >= 0 else len(lowered)][:40].split()
    phrase = lowered[start:end]
    for word in rest[:2]:
        phrase = f"{phrase} {word}"
        yield phrase


def _foreign_addresses(text: str, us_streets: list[Span]) -> Iterator[Span]:
    """Streets named before their number, non-US postcodes, and the lines after a street."""
    streets: list[Span] = []
    lower_lead = any(lead in text for lead in _LOWER_LEADS)
    for rx in (_STREET_FOREIGN_RE, _NUMBER_LEAD_RE, _LOWER_LEAD_RE if lower_lead else None):
        for m in rx.finditer(text) if rx else ():
            streets.append(Span(m.start(), m.end(), Label.ADDRESS, 0.75, "street name and number"))
    gazetteer = places()
    for m in _POSTCODE_CITY_RE.finditer(text):
        city = m.group(1).lower()
        near_street = any(0 <= m.start() - s.end <= 40 for s in streets)
        if near_street or city in gazetteer or city.split()[0] in gazetteer:
            yield Span(m.start(), m.end(), Label.ADDRESS, 0.75, "postcode and city")
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
    yield from _following_lines(lines, streets + us_streets)
    yield from _postcode_blocks(lines)


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

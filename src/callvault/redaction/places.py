"""Cities, towns and counties named alone: any geographic unit smaller than a state is PHI.

A city or town is taken after a place cue: a preposition ("in", "from", "near" ...)
followed by a known place in Title Case ("from Kraków"; ``data/places.txt``, built by
``scripts/build_places.py`` from GeoNames and Faker's locales), or a strong cue ("lives
in", "moved to", "I'm from", "my hometown is") followed by a known place in any case
("i live in springfield") or by capitalised words ("grew up in Lower Haddington").
Town-shaped names ("North Jasonbury", "Port Alanview") count after any cue. States,
countries and provinces alone (``data/place_regions.txt``) are not PHI and never count,
nor does a place followed by "Clinic", "Medical", "Street" ...; counties do.

``places()`` and ``regions()`` are the gazetteers the other address rules look up too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from importlib import resources

from callvault.redaction.lexicon import ADDRESS_STOP_WORDS, STATES
from callvault.redaction.normalize import utterance
from callvault.redaction.scan_lead import led, led_matches
from callvault.redaction.spans import Label, Span
from callvault.redaction.trie import trie_regex

# Where an upper-case letter may be (checked); a character class for other modules' rules.
UPPER = "A-ZÀ-ÖØ-Þ\u0100-\u024f\u1e00-\u1eff"
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
    "staying", "stays", "stayed", "relocated", "relocating",
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
_STRONG_PREP_LED = led(_STRONG_PREP_RE)  # the same matches, faster (``scan_lead``)
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
    (*ADDRESS_STOP_WORDS, "january", "february", "march", "april", "may", "june", "july", "august",
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


def _may_name_county(text: str) -> bool:
    """False when ``_COUNTY_WORD_RE`` cannot match: every match holds one of these
    (the pattern is case-sensitive). Four searches in C instead of a scan that stops at
    every blank."""
    return "ounty" in text or "arish" in text or "Borough" in text or "Township" in text


_COUNTY_BEFORE_RE = re.compile(
    rf"(?<![\w'])((?:[{UPPER}][\w'\u2019.-]*[ \t]+){{1,3}}|(?:[a-z][a-z'-]*[ \t]+){{1,2}})\Z"
)


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


def place_spans(text: str, lowered: str) -> Iterator[Span]:
    """Cities and towns named alone after a place cue."""
    gazetteer, first_words = places(), _first_words()
    # A place is taken here only at an upper-case letter: a text with none (speech)
    # skips the scan. ``islower``: some cased letter, and every one lower case.
    for m in _PREP_RE.finditer(text) if not text.islower() else ():
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
    for _, pos, _m in led_matches(_STRONG_PREP_LED, lowered):
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
    yield from _unknown_places(text, lowered)
    for m in _COUNTY_WORD_RE.finditer(text) if _may_name_county(text) else ():
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


# A town in no list, after a cue that leaves no other reading ("i'm staying in
# salmondan so it's far", "my daughter drives me from oschatz", "he's up in new
# jayfurt"): one to three words that end the clause. Any unit smaller than a state is
# PHI (issue 16), and Faker-style or foreign towns are in no gazetteer.
# Speed: a word boundary and a trie of the opening words in front (measured 3x faster
# than a look-behind alone); an apostrophe before is checked in Python.
_UNKNOWN_CUE_STARTS = (
    "live", "lives", "lived", "living", "reside", "resides", "residing", "staying", "stays",
    "stayed", "moved", "relocated", "relocating", "settled", "based", "raised", "grew", "drive",
    "drives", "driving", "commute", "commutes", "calling", "visiting", "up", "down", "over",
    "out", "originally", "i'm", "i", "we're", "she's", "he's", "they're", "stuck", "place",
    "currently",
)  # fmt: skip
# Who someone stays with, before where ("staying with her son samuel at/in ..."): the
# address and town cues both use it.
WITH_A_HOST = r"[ \t]+with[ \t]+(?:my|her|his|their|our)(?:[ \t]+[^\W\d_][\w'-]*){1,4}?[ \t]+"
_UNKNOWN_CUE_RE = re.compile(
    rf"\b(?={trie_regex(_UNKNOWN_CUE_STARTS, literal=True)})"
    r"(?:(?:live|lives|lived|living|reside|resides|residing|staying|stays|stayed"
    r"|moved|relocated|relocating|settled|based|raised|grew[ \t]+up|drives?[ \t]+me"
    r"|driving[ \t]+me|commutes?|calling|visiting)"
    r"(?:[ \t]+(?:here|there|now|currently|back|over|down|up|out|still|just|all|actually))?"
    r"[ \t]+(?:in|to|from|near|outside(?:[ \t]+of)?)"
    r"|(?:up|down|over|out)[ \t]+in|originally[ \t]+from"
    # "she's staying with her granddaughter maria in ...": a host of a few words, then "in"
    rf"|(?:staying|living|stays|lives){WITH_A_HOST}in(?![ \t]+law)"
    r"|(?:i'm|i[ \t]+am|we're|she's|he's|they're)[ \t]+from"
    # weaker cues: the words after them must be in no English list or a known place
    r"|(?P<weak>(?:i'm|i[ \t]+am|we're|she's|he's|they're|stuck|based|staying|living|place"
    r"|currently)"
    r"(?:[ \t]+(?:out|up|down|over|still|currently|now))?[ \t]+(?:in|at|round|around|near)))"
    r"[ \t]+"
)
_UNKNOWN_CUE_LED = led(_UNKNOWN_CUE_RE)  # the same matches, faster (``scan_lead``)
_STRONG_TAIL_RE = re.compile(r"(?:up|down|over|out)[ \t]+in\Z")  # "he's up in la coruña"
# A compass or settlement word that opens a town's name ("north david", "port elizabeth").
_TOWN_OPENERS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "new",
        "port",
        "saint",
        "st",
        "san",
        "santa",
        "lake",
        "mount",
        "fort",
        "upper",
        "lower",
        "great",
        "little",
        "old",
    ]
)
_UNKNOWN_WORDS_RE = re.compile(
    rf"({_L}[\w'\u2019.-]*(?:[ \t-]+{_L}[\w'\u2019.-]*){{0,2}}?)"
    r"(?=[ \t]*(?:$|[,.;!?)]|(?:so|for|since|and|but|now|if|because|with|near|right|is|was"
    r"|which|where|to|at|on|until|till|this|last|next|anymore|though|too|as|area|okay|yeah"
    r"|sorry|um|uh|these|every|when|i|we|my|she|he|they|originally|anyway|actually|myself"
    r"|either|instead|again|also|lately|recently|today|tomorrow|yesterday)(?![\w'])))",
    re.MULTILINE,
)
_NOT_UNKNOWN_PLACE = frozenset((
    "work", "home", "bed", "touch", "pain", "town", "the", "a", "an", "my", "his", "her",
    "our", "their", "your", "there", "here", "hospital", "hospice", "rehab", "care", "network",
    "medicare", "medicaid", "billing", "plan", "part", "tier", "school", "church", "jail",
    "prison", "line", "time", "bed", "law", "arms", "air", "person", "office", "it", "that",
    "this", "him", "them", "us", "me", "you", "one", "lunch", "dinner", "surgery", "labor",
    "therapy", "shelter", "treatment", "hmo", "ppo", "family", "friends", "relatives",
    "quarantine", "isolation", "memory", "order", "general", "private", "public",
))  # fmt: skip


def _unknown_places(text: str, lowered: str) -> Iterator[Span]:
    for start, cue_end, m in led_matches(_UNKNOWN_CUE_LED, lowered):
        if start and (lowered[start - 1].isalnum() or lowered[start - 1] in "_'"):
            continue
        words = _UNKNOWN_WORDS_RE.match(text, cue_end)
        if not words or (not text[cue_end].isupper() and not _spoken_line(text, start)):
            continue  # written text: a town has its capital
        end = words.end(1)
        while text[end - 1] in ".'\u2019-":
            end -= 1
        phrase = lowered[words.start(1) : end]
        first = phrase.split()[0].split("-")[0]
        if first in _NOT_UNKNOWN_PLACE or first in _NOT_PLACE or phrase in regions():
            continue
        if phrase.removeprefix("the ") in regions():
            continue
        weak = m.group("weak")
        if weak and not _STRONG_TAIL_RE.search(weak) and not town_words(phrase):
            continue  # "i'm in agony", "stuck at home"
        yield Span(words.start(1), end, Label.ADDRESS, 0.6, "town after a place cue")


def town_words(phrase: str) -> bool:
    """Words after a weak place cue that read as a town: a known place, or words in no
    everyday-English list (a compass word may open them: "north david", "east rachelside")."""
    from callvault.redaction.names_gazetteer import fold, gazetteer

    if phrase in places() or plain(phrase) in places():
        return True
    words = [fold(w) for w in phrase.replace("-", " ").split()]
    if words and words[0] in _TOWN_OPENERS and len(words) > 1:
        words = words[1:]
        gaz = gazetteer()
        return all(gaz.foreign(w) or w in gaz.first or w in gaz.last for w in words)
    gaz = gazetteer()
    if not words or not gaz.foreign(words[0]):
        return False
    # after a first word in no English list: a joining word, a surname or a settlement
    # ending split off by the recogniser ("vasconcelos de almeida", "roise ville")
    return all(
        gaz.foreign(w) or w in _JOINING_WORDS or w in gaz.last or _TOWN_SUFFIX_RE.fullmatch(w)
        for w in words[1:]
    )


_JOINING_WORDS = frozenset(
    ["de", "da", "do", "dos", "das", "del", "della", "di", "la", "le", "les", "van", "von",
     "der", "den", "ter", "sur", "am", "an", "im"]
)  # fmt: skip


def _spoken_line(text: str, pos: int) -> bool:
    """Whether the utterance holding ``pos`` is in a recogniser's lower case (tag aside)."""
    body = utterance(text, pos)
    return body == body.lower()

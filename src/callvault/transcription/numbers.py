"""A second opinion on every piece of speech: is a number being read out here?

pocketsphinx's language model hears most spoken digits in a call as other words
("for", "to", "mike"), so the redactor never sees them. Decoded again with a grammar
that allows nothing but number words (digits, "oh", teens, tens, "hundred": what ids,
phone numbers and years are read out in), the same audio gives a number for
*any* speech; what tells a number actually read out from other speech forced into
number words is how sure the decoder is of each word: the words' posteriors (from the
grammar search's lattice) are high where the speech is number words and low where the
grammar had to guess. ``number_spans`` keeps the stretches where ``WINDOW`` consecutive
number words have a mean posterior of at least ``MIN_MEAN_POSTERIOR``.

Measured on ``bench/speech_phi.py`` (bench/RESULTS.md): the grammar of number words
(not digits alone: a digits-only grammar is sure of itself on far more non-number
speech) with windows of 4 (the shortest identifier read out: an SSN's last four) at
0.95. The bench is also where the threshold was chosen, so its figures are optimistic.
"""

from __future__ import annotations

from collections.abc import Sequence

NUMBER_SEARCH = "callvault_numbers"

_DIGITS = "oh zero one two three four five six seven eight nine"
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety hundred"
_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
    "twentieth thirtieth"
)
_MONTHS = "january february march april may june july august september october november december"
DIGIT_WORDS: tuple[str, ...] = tuple(_DIGITS.split())
# The default grammar: digits, teens, tens and "hundred" (30 words). With ordinals and
# months as well (``NUMBER_AND_DATE_WORDS``, 70 words) the bench's figures were the same
# at 0.9 as these at 0.95 and the decoding took twice as long (docs/transcription.md).
NUMBER_WORDS: tuple[str, ...] = tuple(" ".join([_DIGITS, _TEENS, _TENS]).split())
NUMBER_AND_DATE_WORDS: tuple[str, ...] = NUMBER_WORDS + tuple(f"{_ORDINALS} {_MONTHS}".split())

WINDOW = 4  # consecutive number words judged together (an SSN's last four is the shortest)
# Their mean posterior: at or above, a number read out. On bench/speech_phi.py, with
# windows of 4: 0.85 bleeped 72 % of the PHI audio and 10.6 % of other speech, 0.9 65 %
# and 5.5 %, 0.92 60 % and 5.5 %, 0.95 58 % and 4.9 % (4.5 % without the grammar). 0.95
# keeps the bound on other speech (5 %); a site that puts PHI first can lower it.
MIN_MEAN_POSTERIOR = 0.95


def number_grammar(words: Sequence[str] = NUMBER_WORDS) -> str:
    """A JSGF grammar: one or more of ``words``, nothing else."""
    return (
        f"#JSGF V1.0;\ngrammar callvault_numbers;\npublic <numbers> = ( {' | '.join(words)} )+ ;\n"
    )


def number_spans(
    heard: Sequence[tuple[float, float, float]],
    window: int = WINDOW,
    threshold: float = MIN_MEAN_POSTERIOR,
) -> list[tuple[float, float]]:
    """``heard``: the grammar search's words of one piece as ``(start_s, end_s,
    posterior)`` in order. The stretches (from the first word's start to the last's
    end) of every ``window`` consecutive words whose mean posterior is at least
    ``threshold``, overlapping ones joined."""
    spans: list[tuple[float, float]] = []
    for i in range(len(heard) - window + 1):
        run = heard[i : i + window]
        if sum(p for _, _, p in run) / window < threshold:
            continue
        start, end = run[0][0], run[-1][1]
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans

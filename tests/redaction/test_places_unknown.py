"""Towns in no gazetteer after a cue that leaves no other reading (issue 16, fourth dev
set): one to three words that end the clause; common nouns, regions and lower-case
words in written text are not taken."""

from __future__ import annotations

import pytest

from callvault.redaction.normalize import lower_same_length
from callvault.redaction.places import place_spans


def places_in(text: str) -> list[str]:
    return [text[s.start : s.end] for s in place_spans(text, lower_same_length(text))]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("customer: my daughter drives me from regensburg so it's far", "regensburg"),
        ("C: i'm actually up in gaudin", "gaudin"),
        ("S2: i'm staying in salmondan so it's far", "salmondan"),
        ("caller: i'm actually up in new jayfurt for now", "new jayfurt"),
        ("member: he's up in la coruña so it's a drive", "la coruña"),
        ("Note: José Macedo moved to Araújo.", "Araújo"),
        ("visitor: I'm originally from Szőlősgyörök, if that matters", "Szőlősgyörök"),
        # after a weak cue: a word in no English list, then joining words, surnames or a
        # settlement ending the recogniser split off
        ("client: my daughter's place in roise ville this week", "roise ville"),
        ("caller: erm we're based round vasconcelos de almeida", "vasconcelos de almeida"),
        ("S2: i'm stuck out at cardoso verde this week", "cardoso verde"),
        # after the person she stays with
        (
            "interpreter: she's staying with her granddaughter maria in montenegro de viana",
            "montenegro de viana",
        ),
    ],
)
def test_unknown_towns_after_a_place_cue(text: str, place: str) -> None:
    assert place in places_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "caller: she lives in florida now",
        "caller: i'm calling from work",
        "caller: she lives in assisted living",
        "caller: we moved to a new plan",
        "caller: calling from the pharmacy",
        "caller: i'm staying in bed today",
        "Pt: He moved to Medicare Advantage last year.",
        "Pt: I moved to the area in June.",
        "Note: pt moved to rehab so follow up",
        "caller: i was up in arms about it",
        "caller: i'm stuck at home ville this week",  # the first word is English
        "caller: i'm in agony de la pain",
        "caller: she's staying with her daughter in the hospital",
    ],
)
def test_cues_before_other_things_than_towns(text: str) -> None:
    assert places_in(text) == []

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction.lexicon import MULTIPLIERS, ORDINALS, TEENS, TENS, UNITS
from callvault.redaction.normalize import lower_same_length, number_runs
from callvault.redaction.normalize_spoken import rewrite_items, spoken_id_items


@pytest.mark.parametrize(
    ("spoken", "value"),
    [
        ("five three six, nine oh, four three nine nine", "536904399"),
        ("one eight hundred triple two six eight one eight", "18002226818"),
        ("double five", "55"),
        ("nineteen eighty two", "1982"),
        ("twenty three", "23"),
        ("two thousand and five", "2005"),
        ("two thousand twenty four", "2024"),
        ("twenty ten", "2010"),
        ("one hundred two", "102"),
        ("twelve hundred", "1200"),
        ("forty one fifty six", "4156"),
        ("nine sixty eight", "968"),
        ("twenty first", "21"),
        ("third", "3"),
        ("w one two seven three", "W1273"),
        ("a triple four", "A444"),
        ("eight hundred five five five one two one two", "8005551212"),
        ("one ninety two dot one sixty eight dot one dot one", "192.168.1.1"),
        ("(555) 013-2468", "5550132468"),
        ("ZX-4471", "4471"),
        ("Q7781234", "Q7781234"),
    ],
)
def test_reads_spoken_and_written_numbers(spoken: str, value: str) -> None:
    assert "".join(r.value for r in number_runs(spoken)) == value


@pytest.mark.parametrize(
    "text",
    [
        "i take two a day",  # "a" after a number is an article
        "that's s m i t h",  # letters only: not a number (names are spelled elsewhere)
        "at 2:45 PM",  # the hour of a time
        "take 50mg",  # a dose written as one token
        "he is 97 y/o",  # "y/o" is not a spelled letter
    ],
)
def test_does_not_invent_digits(text: str) -> None:
    values = [r.value for r in number_runs(text)]
    assert all(v.isdigit() and len(v) <= 2 for v in values), values


def test_fillers_and_line_breaks_end_a_run() -> None:
    text = "six four four uh double five\nagent: mhm\ncaller: three"
    assert [r.value for r in number_runs(text)] == ["644", "55", "3"]


def test_offsets_are_exact_for_written_characters() -> None:
    text = "id Q77-81234 ok"
    (run,) = number_runs(text)
    for i, char in enumerate(run.value):
        assert text[run.starts[i] : run.ends[i]].upper() == char


_WORD = st.sampled_from(
    [
        *UNITS,
        *TEENS,
        *TENS,
        *ORDINALS,
        *MULTIPLIERS,
        "hundred",
        "thousand",
        "and",
        "uh",
        "dot",
        "dash",
        "b",
        "x",
        "a",
        "i",
        "it's",
        "tablets",
        "am",
        "Ünïcode",
        "İ",
        "\n",
        "agent:",
        "12",
        "3-4",
        "(5)",
        "7.8",
        "q9",
        ",",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORD, max_size=25), st.sampled_from([" ", "  ", ", ", "-"]))
def test_every_run_maps_back_to_the_original_text(words: list[str], sep: str) -> None:
    text = sep.join(words)
    assert len(lower_same_length(text)) == len(text)
    for run in number_runs(text):
        assert 0 <= run.start < run.end <= len(text)
        assert len(run.starts) == len(run.ends) == len(run.value)
        for i, char in enumerate(run.value):
            s, e = run.starts[i], run.ends[i]
            assert run.start <= s < e <= run.end
            source = text[s:e]
            if len(source) == 1 and source.lower() not in UNITS and source.isalnum():
                assert source.upper() == char  # written characters map one to one


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("three for six to eight won nine ate two", "346281982"),
        ("q ate oh too four six", "Q80246"),
        ("x as in x-ray b h seven two two one", "XBH7221"),
        ("alpha bravo seven three three one", "AB7331"),
        ("m like mary k four four nine zero", "MK4490"),
        ("four four one two tango echo", "4412TE"),
        ("five five to.", "552"),
        # a number broken off by a filler or a correction goes on with a homophone
        ("three zero one eight no scratch that for six ate two", "30184682"),
        ("five one three um to nine six eight for", "51329684"),
        ("nine two eight fore won sorry ninety six eight nine", "928419689"),
    ],
)
def test_homophones_and_phonetic_letters_read_inside_an_identifier(text: str, value: str) -> None:
    rewritten = rewrite_items(text, spoken_id_items(text, 0, len(text)))
    assert len(rewritten) == len(text)
    assert "".join(r.value for r in number_runs(rewritten)) == value


@pytest.mark.parametrize(
    "text",
    [
        "i went to the store",  # no digits: nothing to read
        "give it to one person",  # a leading "to" is a word
        "one for the road",  # one digit is no chain
        "five five to the left",  # a trailing homophone needs the clause to end
        "two weeks um for the pain",  # a break, but no number before it
        "mike called about it",
    ],
)
def test_homophones_stay_words_outside_a_chain(text: str) -> None:
    assert all(reading.isalpha() for _, _, reading in spoken_id_items(text, 0, len(text)))
    assert not any(r.isdigit() for _, _, r in spoken_id_items(text, 0, len(text)))


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("S1: hello\nS2: one two three", ["123"]),
        ("caller 2: it is four four", ["44"]),
        ("a 501(c)3 group", ["501C3"]),
        ("caller: my zip: 90210", ["90210"]),
    ],
)
def test_speaker_tags_and_articles_are_not_digits(text: str, values: list[str]) -> None:
    assert [r.value for r in number_runs(text)] == values

"""Table-driven: each row is a synthetic utterance and the secret it must hide, or a
non-PHI number that must stay readable."""

from __future__ import annotations

import pytest

from callvault.redaction import cues
from callvault.redaction.engine import analyze
from callvault.redaction.identifiers import IdentifierRecognizer, shape_label
from callvault.redaction.spans import Context, Label

from ._helpers import covered, first_words, hides

R = IdentifierRecognizer()

MATCHES = [
    # spoken, with a cue
    ("agent: last four of your social\ncaller: it's two oh double seven", "two oh double seven"),
    (
        "caller: my ssn is four one two, three three, one oh nine eight",
        "four one two, three three, one oh nine eight",
    ),
    ("agent: the billing zip\ncaller: um three two one oh four", "three two one oh four"),
    ("caller: and the postcode is nine two three nine nine", "nine two three nine nine"),
    ("caller: the post code is four one five", "four one five"),
    ("agent: what is the m r n\ncaller: q nine nine four two one", "q nine nine four two one"),
    (
        "caller: the account number is six zero six zero seven seven one",
        "six zero six zero seven seven one",
    ),
    ("caller: my policy number is x y z four four one two", "x y z four four one two"),
    ("caller: group number seven seven one two", "seven seven one two"),
    ("caller: card ending in four four one two", "four four one two"),
    ("caller: my date of birth is oh two oh nine seventy one", "oh two oh nine seventy one"),
    # spoken, no cue but long enough
    (
        "caller: six oh four five five five oh one nine nine",
        "six oh four five five five oh one nine nine",
    ),
    # split over turns, fillers and corrections: every piece
    ("agent: member id\ncaller: k five oh\nagent: mhm\ncaller: one nine two", "one nine two"),
    # homophones read after a later cue on the line: a timestamp or the clinic's own
    # number before it does not make the line's numbers no identifiers
    (
        "vm: [00:00:30] you can reach me on to seven five five won four nine seven ate five",
        "to seven five five won four nine seven ate five",
    ),
    (
        "office: our main line is eight hundred or my direct line eight four oh oh won too",
        "eight four oh oh won too",
    ),
    # the second turn opens with a homophone, after "mhm" or "got that"
    (
        "agent: a number for the carer\nson: it's five three ate for eight\nagent: mhm\n"
        "son: ate six nine fore five",
        "ate six nine fore five",
    ),
    (
        "agent: and a phone number\npt: one one nine eight eight\nagent: got that\n"
        "pt: too six three won five",
        "too six three won five",
    ),
    ("agent: phone number\ncaller: five five five uh oh one two three", "oh one two three"),
    ("agent: zip\ncaller: four four double\nagent: okay\ncaller: one two", "four four double"),
    (
        "agent: callback number\ncaller: two one two let me see five five five one two one two",
        "five five five one two one two",
    ),
    # written
    ("SSN: 078-05-1120.", "078-05-1120"),
    ("Member # ZQH-88123", "88123"),
    ("acct 4471", "4471"),
    ("Paid with card 4111 1111 1111 1111 today", "4111 1111 1111 1111"),
    ("MRN:Q00123456", "Q00123456"),
    ("call me on (555) 010-4477 please", "(555) 010-4477"),
    ("caller: expiry oh nine twenty seven and the code is four one two", "four one two"),
    ("caller: the cvv is three three seven", "three three seven"),
    ("caller: d.o.b. is six twelve forty eight", "six twelve forty eight"),
    # a caller's "reach us" is the caller's household number, not the practice's
    (
        "agent: hello\ncaller: you can reach us at five five five two one two one two one two",
        "five five five two one two one two one two",
    ),
]

NON_MATCHES = [
    "member: the insurance is through my job at a 501(c)3 nonprofit",  # a tag, a tax code
    "caller: i take two tablets twice a day",
    "agent: keep taking the five milligrams",
    "agent: the next available is at ten am",
    "caller: she is eighty five",
    "agent: you can call us back at one eight hundred five five five one two one two",
    "agent: our office number is 555-010-9999",
    "caller: i need a thirty day supply",
    "caller: qty 90 of the 20mg",
    "agent: that will be two hundred dollars",
    "agent: we open at 8:30 AM, room 12",
    "agent: what is your account number\ncaller: give me one sec",
]


@pytest.mark.parametrize(("text", "secret"), MATCHES)
def test_hides_identifiers(text: str, secret: str) -> None:
    assert hides(R, text, secret)


@pytest.mark.parametrize("text", NON_MATCHES)
def test_leaves_counts_doses_times_and_the_clinic_alone(text: str) -> None:
    assert covered(R, text) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # a form's next field holds another value, not the rest of the number
        ("Birth date: 18.3.1968\nAge: 56\nHome address: Oak Road", "56"),
        # a new sentence about the person is no more digits of the date before it
        ("Note: date of birth 18.7.1963. She's 61 and missed her appointment", "61"),
    ],
)
def test_a_number_does_not_run_on_into_the_next_field_or_sentence(text: str, kept: str) -> None:
    at = text.index(kept)
    assert not any(s.start < at + len(kept) and at < s.end for s in analyze(text)), kept


def test_a_correction_is_part_of_the_number() -> None:
    text = "agent: account number\ncaller: two two four eight no sorry it's nine not eight"
    assert covered(R, text)[-2:] == ["nine", "eight"]


def test_clinic_phone_from_context_is_not_phi() -> None:
    text = "caller: is this 555 010 2222"
    assert covered(R, text, Context(clinic_phones=("+1 (555) 010-2222",))) == []
    assert covered(R, text) == ["555 010 2222"]


def test_a_number_read_back_is_redacted_too() -> None:
    text = "agent: member id\ncaller: j four four two one\nagent: so that's four four two one"
    assert hides(R, text, ["so ", "four four two one"][1])


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("4111111111111111", Label.CARD),
        ("078051120", Label.SSN),
        ("5550104477", Label.PHONE),
        ("X12345", Label.MEMBER_ID),
        ("12345678", Label.ACCOUNT),
    ],
)
def test_shape_labels(value: str, label: Label) -> None:
    assert shape_label(value) is label


def test_explanations_never_quote_the_text() -> None:
    text = "caller: my ssn is four one two three three one oh nine eight"
    for span in R.find(text, Context()):
        assert "four" not in span.explanation


def test_cue_words_cover_every_cue() -> None:
    """``cues.CUE_WORDS`` is only a speed-up: every cue must open with one of them, whole
    (the look-ahead wants no letter after the word)."""
    words = first_words(cues._CUE_RE.pattern)
    assert not {w for w in words if w.endswith("*")}  # an open-ended first word: no list
    assert words <= set(cues.CUE_WORDS)


# Digits interrupted by speech: in an identifier context the whole run goes.
INTERRUPTED = [
    (
        "agent: your member id please\ncaller: six one eight you know thirty three nine one",
        "thirty three nine one",
    ),
    (
        "caller: my social is five five two, um, actually wait, five five three four one two two",
        "five five three four one two two",
    ),
    (
        "caller: account number seven seven oh one, hang on, scratch that, seven seven oh two",
        "seven seven oh two",
    ),
    ("caller: the mrn is four four nine i think it's six two eight", "six two eight"),
    (
        "caller: phone number is two one six eighty forty seven seventy",
        "eighty forty seven seventy",
    ),
    ("caller: my zip is nine oh, let me think, two one oh", "two one oh"),
]
# Recognizer homophones read as digits, and phonetic letters, after an identifier cue.
SPOKEN_READINGS = [
    (  # an international number with its "plus": the word is part of it
        "caller: my number over here is plus four four seventy four zero eighty five sixty four",
        "plus four four seventy four zero eighty five sixty four",
    ),
    (
        "caller: my social security number is three for six to eight won nine ate two",
        "three for six to eight won nine ate two",
    ),
    ("caller: member id x ate oh too four six", "x ate oh too four six"),
    ("caller: the phone is five oh ate to too three fore one", "five oh ate to too three fore one"),
    ("agent: and the card\ncaller: four won won won two to", "four won won won two to"),
    ("caller: member id is x as in x-ray b h seven two two one", "x as in x-ray b h seven"),
    ("caller: policy number alpha bravo seven three three one", "alpha bravo seven"),
    ("caller: the id is m like mary k four four nine zero", "m like mary k four"),
    ("caller: member number is four four one two tango echo", "four four one two tango echo"),
    ("caller: chart number is nine nine two one b as in boy", "b as in boy"),
]


@pytest.mark.parametrize(("text", "secret"), INTERRUPTED + SPOKEN_READINGS)
def test_hides_interrupted_and_homophone_identifiers(text: str, secret: str) -> None:
    assert hides(R, text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "caller: take two for three days",
        "caller: i need to go to the pharmacy for two refills",
        "agent: give it to me in two to three days",
        "caller: the member id is on the card, i'll give it to you",
        "caller: my social is five five five one two one two and i need it at two thirty",
        "agent: call us back at five five five oh one two three and ask for mike",
        "caller: i won two tickets for four people",
        "Note: donation to a 501(c)3 charity",
        "caller: it's delta nine one",
        "agent: a number for the carer\nson: five three eight\nagent: hello there\nson: to two",
    ],
)
def test_homophones_and_fillers_stay_words_outside_identifiers(text: str) -> None:
    found = covered(R, text)
    assert not any(w in " ".join(found).split() for w in ("for", "to", "won", "mike", "a", "at"))
    assert not any("thirty" in f or "501" in f for f in found), found


@pytest.mark.parametrize(
    "text",
    [
        "S1: what is your member id\nS2: it is m four four two one",
        "SPEAKER_00: and the phone\nSPEAKER_01: five five five one two one two",
        "agent: group number\nS12: one two three four",
    ],
)
def test_speaker_tags_are_not_identifiers(text: str) -> None:
    found = covered(R, text)
    assert found and not any(f.lower().startswith("s") for f in found), found


# Letters said before an identifier's digits, set apart by "then" / "and then the numbers"
# (issue 16, fourth dev set): the letters are redacted, the connector words stay.
@pytest.mark.parametrize(
    ("text", "secret_letters"),
    [
        ("agent: can i get the account number\ncaller: z as in zebra and then the numbers "
         "two oh eight zero nine seven double six", "z as in zebra"),
        ("caller: the chart number starts with k and then six four eighteen eight three two",
         "k"),
        ("agent: member id please\ncaller: a as in alpha m then triple five eight four three",
         "a as in alpha m"),
        ("agent: the policy number\ncaller: x y then four four one nine two two", "x y"),
    ],
)  # fmt: skip
def test_letters_before_an_identifier(text: str, secret_letters: str) -> None:
    got = covered(IdentifierRecognizer(), text)
    assert secret_letters in got
    assert not any("then" in g for g in got)


@pytest.mark.parametrize(
    "text",
    [
        "caller: so i then called five five five one two three four",
        "caller: it's a one two three",
        "caller: plan b then two tablets twice a day",
    ],
)
def test_words_before_numbers_are_not_letters(text: str) -> None:
    got = covered(IdentifierRecognizer(), text)
    assert not any(g in ("a", "i", "b", "plan b") for g in got)


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Acct no. PQX 201911 (secondary)", ["PQX", "201911"]),
        ("Sub ID XVY 240054 on file.", ["XVY", "240054"]),
        ("CSR: MBI 5DD0-CF1-KJ76 (secondary)", ["5DD0-CF1-KJ76"]),
        ("Medicare number 1EG4TE5MK73 verified", ["1EG4TE5MK73", "1EG4TE5MK73"]),
    ],
)
def test_written_prefixes_and_medicare_ids(text: str, pieces: list[str]) -> None:
    assert sorted(covered(IdentifierRecognizer(), text)) == sorted(pieces)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Member ID 12345678 on file", "ID"),
        ("Call CB 5551234567 now", "CB"),
        ("take x 3 tablets", "x"),
        ("part number 1EG4-TE5 only", "1EG4-TE5"),
    ],
)
def test_capitalised_cue_words_stay(text: str, kept: str) -> None:
    assert kept not in covered(IdentifierRecognizer(), text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (
            "agent: what's the best callback number\ncaller: sure it's eight ate ate",
            "eight ate ate",
        ),
        (
            "agent: the member id please\ncaller: it's six fore too nine one",
            "six fore too nine one",
        ),
    ],
)
def test_rare_homophones_count_as_digits_after_a_cue(text: str, number: str) -> None:
    assert hides(IdentifierRecognizer(), text, number)


@pytest.mark.parametrize(
    "text",
    [
        "agent: what is the member id\ncaller: i ate one too many",
        "agent: and your phone number\ncaller: i won one prize too",
        "agent: the member id\ncaller: give it to one of the nurses",
    ],
)
def test_homophones_that_are_words_stay(text: str) -> None:
    assert covered(IdentifierRecognizer(), text) == []

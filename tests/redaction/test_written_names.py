"""Person names in written narrative text (issue: international written sentences).

Every sentence and name here was written for these tests. Each row runs the whole
engine and says which substrings must be hidden (every letter covered) and which must
stay readable: each rule's non-matches sit beside its matches.
"""

from __future__ import annotations

import re

import pytest

from callvault.redaction.engine import analyze

# (rule, text, must be hidden, must stay readable)
ROWS: list[tuple[str, str, list[str], list[str]]] = [
    # a company's legal form or business word after capitalised words: no person
    ("company", "She joined Velmora Tessin Inc. last spring.", [], ["Velmora", "Tessin", "Inc"]),
    ("company", "Shares of Quorvath Holdings AG fell.", [], ["Quorvath", "Holdings"]),
    ("company", "A deal with Dalgren Okafor PLC closed.", [], ["Dalgren", "Okafor"]),
    ("company", "Invest in Hoth Therapeutics Inc. today.", [], ["Hoth", "Therapeutics"]),
    ("company", "He left Lindqvist Capital Ltd in May.", [], ["Lindqvist", "Capital"]),
    ("company", "Shares of ZORVEX Quillon Brands Tessaro SE rose.", [], ["ZORVEX", "Quillon"]),
    ("company", "Ask KELMAR Corp. about it.", [], ["KELMAR", "Corp"]),
    ("company", "They merged with OSTRAVEN, Pellegrin LLC in May.", [], ["Pellegrin"]),
    ("company", "I used to work for MysticBloom as a clerk.", [], ["MysticBloom"]),
    ("company", "Talks with Harbor Infrastructure Partners LP stalled.", [], ["LP"]),
    ("title", 'Answer:"Tube Fennel Boogaloo" by Dario Quist', ["Dario Quist"], ["Fennel"]),
    ("company", "Shares of Kelvari Sugar & Energy Ltd rose.", [], ["Kelvari", "Sugar"]),
    ("brand", "note: Advised to call Walgreens; pt uses Gmail.", [], ["Walgreens", "Gmail"]),
    # nationalities, languages and countries are no person
    ("peoples", "He met a Greenlander on the ferry.", [], ["Greenlander"]),
    ("peoples", "caller: I'm argentinian and I moved here.", [], ["argentinian"]),
    ("peoples", "It is a Swedish film about France.", [], ["Swedish", "France"]),
    # a middle initial between two name words
    ("initial", "Tamsin Q Halvorsen will be talking at noon", ["Tamsin Q Halvorsen"], ["noon"]),
    ("initial", "have you heard Oriel J. Vantongeren speak?", ["Oriel J. Vantongeren"], ["heard"]),
    ("initial", "Maybe it's under Ikuyo F Nagoya", ["Ikuyo F Nagoya"], ["Maybe"]),
    ("initial-no", "Take Vitamin D Daily with food.", [], ["Vitamin", "Daily"]),
    ("initial-no", "We chose Plan B Holdings again.", [], ["Plan", "Holdings"]),
    # speech and dialogue: the sentence's structure says person, common first names too
    ("speech", "I'm so tired! said Hollis to Frank", ["Hollis", "Frank"], ["tired"]),
    ("speech", "Brannagh shouted at Mark: stop!", ["Brannagh", "Mark"], ["stop"]),
    ("speech", "Sometimes people call me Ysolde", ["Ysolde"], ["people"]),
    ("speech-no", "Sometimes people call me Monday", [], ["Monday"]),
    ("speech-no", "Nurse: Called pt back, last seen at Ravi's desk.", [], ["Ravi"]),
    ("subject", "Grant lives on a quiet street.", ["Grant"], ["quiet"]),
    ("subject-no", "Summer was hot and Grant money ran out.", [], ["Summer", "Grant"]),
    ("vocative", "Oswin, can I please speak to your manager?", ["Oswin"], ["manager"]),
    ("vocative", "Remember me, Joy? I was there.", ["Joy"], ["Remember"]),
    # lists of people
    (
        "list",
        "They had 4: Ismay, Paul, Fernley and Joy.",
        ["Ismay", "Paul", "Fernley", "Joy"],
        ["They"],
    ),
    ("list", "Tregothnan and Little were engineers.", ["Tregothnan", "Little"], ["engineers"]),
    ("list-no", "We toured Germany, France and Spain.", [], ["Germany", "France", "Spain"]),
    # possessives
    ("possessive", "It was a done thing with Ottoline's kid.", ["Ottoline"], ["kid"]),
    ("possessive", "Haldor Quist's killers were sentenced.", ["Haldor Quist"], ["killers"]),
    ("possessive-no", "The Devil's music was loud.", [], ["Devil"]),
    # inside a sentence: a capitalised word in no English list
    ("inside", "Unlike the Kerslake novel, it is short.", ["Kerslake"], ["novel"]),
    ("inside-no", "Words like Wisdom and Discipline are no names.", [], ["Wisdom", "Discipline"]),
    ("inside-no", "Ask at the University of Tromsø about Entertainment Weekly.", [], ["Weekly"]),
    ("initial", "A fine coda (not by Everard J. Holloway).", ["Everard J. Holloway"], ["coda"]),
    ("surname", "Maybe it's under Ikuyo Sendai", ["Ikuyo Sendai"], ["Maybe"]),
    ("list", "our 3 founders: Quist, Stokes and Rivers.", ["Quist", "Stokes", "Rivers"], []),
    ("subject", "Oddvar Kjeldsberg listed his top songs.", ["Oddvar Kjeldsberg"], ["songs"]),
    ("subject-no", "Appt confirmed for Tuesday.", [], ["Appt"]),
    ("subject", "Tariq bought a car from Joanna Nowak.", ["Tariq", "Joanna Nowak"], ["car"]),
    ("title-no", "Report filed by Sgt. Amaru Quispe today.", ["Amaru Quispe"], ["Sgt"]),
    ("sign-off-no", "Signed, Dmitri Volkov", ["Dmitri Volkov"], ["Signed"]),
    ("particle", "directed by Joost van Amerongen, starring van Amerongen", ["van Amerongen"], []),
    ("particle-no", "the house de Pedro Almodóvar built", ["Pedro Almodóvar"], ["de"]),
    ("first-before", "The winner was Władysław Szpilman.", ["Władysław Szpilman"], ["winner"]),
    ("first-before-no", "Producer Nikolaj Petrussen spoke.", ["Nikolaj Petrussen"], ["Producer"]),
    ("title", "Ask Dr Lindqvist about it.", ["Lindqvist"], ["Ask", "Dr"]),
    ("hyphenated", "note: Karl-Günter Wendehals was seen.", ["Karl-Günter Wendehals"], []),
    ("hyphenated-no", "Our ex-Zombie Tessaro tour was long.", [], ["ex"]),
    ("address", "note: Gilles Da Silva, 33 chemin Vert", ["Gilles Da Silva"], ["note"]),
    ("address", "note: Rosa Da Costa, 12 chemin Haut", ["Rosa Da Costa"], ["note"]),
    ("lower-case", "I'm so tired! said maria to Frank", ["maria", "Frank"], ["tired"]),
    ("lower-case", "Sometimes people call me joseph", ["joseph"], ["people"]),
    ("lower-case", "Fine. peter shouted at them.", ["peter"], ["them"]),
    ("lower-case-no", "The grant was said to april.", [], ["grant", "april"]),
    (
        "again",
        "The verses from Ottilie Walker's Tales. Better than early Walker? The walker broke.",
        ["Ottilie Walker", "Walker?"],
        ["Tales", "early", "walker broke"],
    ),
    # line shapes: a dialogue tag, a form's name field, a name alone atop a block
    (
        "tag",
        "Radomir: What a day.\nJoy: Remember me, Alden?",
        ["Radomir", "Joy", "Alden"],
        ["What", "Remember"],
    ),
    ("tag-no", "Bot: Where to?\nUser: Home.\nAgent: Thanks.", [], ["Bot", "User", "Agent"]),
    ("tag-no", "Summary: Called back.\nPhone: 555 0100", [], ["Summary", "Phone"]),
    ("field", "Date: today\nName: Arnaud L'Hermitte\nPhone: none", ["Arnaud L'Hermitte"], []),
    (
        "lone",
        "}}Idunn Rasmusdottir\n}}Velmora Widgets Ltd\n}}12 Kirk Road",
        ["Idunn Rasmusdottir"],
        ["Velmora", "Widgets"],
    ),
    ("lone", "Malagigi Mailly\nVelmora Metals Ltd", ["Malagigi Mailly"], ["Velmora"]),
    ("lone-no", "Cautionary Tales\nLakeside Ortho\nSee you.", [], ["Cautionary", "Ortho"]),
    ("lone-no", "Sanrio CompanyLtd\nTokyo office", [], ["Sanrio"]),
    # a possessive's "s" is no part of the name
    ("possessive", "note: updated Tobias Okonkwo's address", ["Tobias Okonkwo"], ["s address"]),
]


def _covered(text: str) -> list[bool]:
    mask = [False] * len(text)
    for span in analyze(text):
        for i in range(span.start, span.end):
            mask[i] = True
    return mask


def _words(text: str, phrase: str) -> list[tuple[int, int]]:
    start = text.index(phrase)
    return [(m.start() + start, m.end() + start) for m in re.finditer(r"[^\W_]+", phrase)]


@pytest.mark.parametrize(("rule", "text", "hidden", "kept"), ROWS, ids=[r[0] for r in ROWS])
def test_written_names(rule: str, text: str, hidden: list[str], kept: list[str]) -> None:
    mask = _covered(text)
    for phrase in hidden:
        assert all(all(mask[a:b]) for a, b in _words(text, phrase)), (rule, phrase)
    for phrase in kept:
        assert not any(any(mask[a:b]) for a, b in _words(text, phrase)), (rule, phrase)


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("We stayed at Hotel Adlon 5 nights.", ["Hotel", "Adlon"]),
        ("We ate at Restaurant Nobu on Friday.", ["Restaurant", "Nobu"]),
        ("She returned to Work after lunch.", ["Work"]),
        ("He went back to Church on Sunday.", ["Church"]),
    ],
)
def test_a_venue_or_a_weak_word_after_to_is_no_name(text: str, readable: list[str]) -> None:
    spans = analyze(text)
    for word in readable:
        start = text.index(word)
        assert not any(s.start < start + len(word) and start < s.end for s in spans), word


def test_a_weak_word_someone_is_spoken_to_is_a_name() -> None:
    text = "I talked to Grant yesterday about the bill."
    assert [text[s.start : s.end] for s in analyze(text)] == ["Grant"]

"""Recording consent: a call's consent state, its default from the parties' states,
and the paused stretches of its recording (``docs/compliance.md``, "Recording consent").

The default is decided once, when the call is created, from the area codes of the
caller's number and of the clinic's (the called and tracking numbers): the state each
belongs to (``callvault.phone_states``) and whether that state's law asks for every
party's consent to record a phone call. A call whose recording needs consent nobody
has recorded yet (``required``) refuses its recording, as a declined one does, until a
client says the disclosure was played or the caller agreed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from enum import StrEnum
from itertools import pairwise

from phonenumbers import PhoneNumber

from callvault.errors import Conflict, InvalidInput
from callvault.phone_states import UNKNOWN, state_of


class Consent(StrEnum):
    ANNOUNCED = "announced"  # a recording disclosure was played before recording started
    CONSENTED = "consented"  # the caller agreed to be recorded
    DECLINED = "declined"  # the caller refused: no recording is ever stored
    NOT_REQUIRED = "not_required"  # every party is in a one-party-consent state
    # Not settable: the default when consent is needed and nothing says it was given.
    REQUIRED = "required"


# Consent states whose calls take no recording in.
REFUSING = frozenset({Consent.DECLINED, Consent.REQUIRED})

# The states whose law asks every party's consent to record a *telephone* call,
# compiled on 2026-12-06 from Oxford University Press's "States That Require Consent of
# All Parties for Taping" (Bender et al., 12th ed., student resources,
# learninglink.oup.com: every state below but Delaware, with the statutes named) and,
# for Delaware, Metaverse Law's "Two-Party Consent Requirements for Recording Calls"
# (metaverse.law, 2022-10-11); docs/compliance.md, "Recording consent". Not legal
# advice: where the law is debated, the table takes the stricter reading (a recording
# refused can be let in later; one made unlawfully cannot be unmade).
ALL_PARTY_STATES = frozenset(
    {
        "California",  # Cal. Penal Code § 632 (confidential communications)
        "Connecticut",  # Conn. Gen. Stat. § 52-570d: civil liability, telephone calls
        "Delaware",  # 11 Del. C. § 1335 (all parties) vs § 2402 (one): debated, strict
        "Florida",  # Fla. Stat. § 934.03(2)(d)
        "Illinois",  # 720 ILCS 5/14-2(a)
        "Maryland",  # Md. Code, Cts. & Jud. Proc. § 10-402
        "Massachusetts",  # Mass. Gen. Laws ch. 272, § 99
        "Michigan",  # MCL 750.539c: a participant may record (Sullivan v. Gray, 1982)
        #              is debated; taken as all-party
        "Montana",  # Mont. Code Ann. § 45-8-213
        "Nevada",  # NRS 200.620: telephone calls (in person, NRS 200.650, one party)
        "New Hampshire",  # RSA 570-A:2
        "Pennsylvania",  # 18 Pa.C.S. § 5704
        "Washington",  # RCW 9.73.030
    }
)
# Oregon is not in it: ORS 165.540(1)(a) lets one participant record a telephone call
# (its all-party rule, (1)(c), is for conversations in person).


def needs_all_party_consent(numbers: Iterable[str | PhoneNumber]) -> bool:
    """True if any of the call's numbers is in an all-party state, or in no US state
    the geocoder can name (toll-free, foreign, unassigned): where the law that applies
    cannot be told, the strict one is assumed."""
    states = {state_of(number) for number in numbers}
    return UNKNOWN in states or bool(states & ALL_PARTY_STATES)


def default_consent(numbers: Iterable[str | PhoneNumber], disclosure_played: bool) -> Consent:
    """The consent state of a call created without one. A played disclosure is a fact
    worth keeping wherever the parties are; otherwise a call between one-party states
    needs none, and any other call needs consent that nobody has recorded yet.
    ``numbers``: E.164 strings, or numbers already parsed (``phone.parse_e164``)."""
    if disclosure_played:
        return Consent.ANNOUNCED
    if not needs_all_party_consent(numbers):
        return Consent.NOT_REQUIRED
    return Consent.REQUIRED


class ConsentRefused(Conflict):
    """409 ``urn:callvault:problem:no-recording-consent``: the call's consent state
    refuses its recording (declined, or required and not recorded)."""

    title = "No consent to record"
    problem_type = "urn:callvault:problem:no-recording-consent"

    def __init__(self, consent: Consent) -> None:
        if consent is Consent.DECLINED:
            super().__init__("the caller declined to be recorded: no recording is stored")
        else:
            super().__init__(
                "this call needs recording consent, and none is recorded: set the call's "
                "consent (PUT /api/v1/calls/{id}/consent) before uploading its recording"
            )


def refusal_reason(consent: Consent) -> str:
    """What the audit trail says of a refused recording (a fixed phrase)."""
    return f"consent {consent.value}"


# -- paused stretches of the recording ------------------------------------------------

Pause = tuple[float, float]  # seconds from the start of the recording
MAX_PAUSES = 1000  # a call's, all told: the column is read by every view of the call


def check_pauses(new: Sequence[Pause], existing: Sequence[Pause], duration_s: float) -> None:
    """InvalidInput unless every new pause ends after it starts, within the call's
    duration, and overlaps neither another new pause nor a stored one. Overlaps are
    refused rather than merged: two markers for one stretch mean the client's clock
    and ours disagree, and a guess could leave part of a pause in the recording."""
    if len(existing) + len(new) > MAX_PAUSES:
        raise InvalidInput(f"a call has at most {MAX_PAUSES} pauses")
    for index, (start, end) in enumerate(new):
        if not end > start:
            raise InvalidInput(f"pause {index}: end must be after start")
        if end > duration_s:
            raise InvalidInput(f"pause {index}: ends after the call did")
    ordered = sorted([*existing, *new])
    for (_, previous_end), (start, _) in pairwise(ordered):
        if start < previous_end:
            raise InvalidInput("pauses overlap each other or one stored before")


def dump_pauses(pauses: Sequence[Pause]) -> str | None:
    """The column's form: sorted ``[[start, end], ...]`` JSON, None for none. Canonical,
    so the pipeline can tell by string equality whether the pauses changed under it."""
    if not pauses:
        return None
    return json.dumps(sorted([float(start), float(end)] for start, end in pauses))


def load_pauses(stored: str | None) -> list[Pause]:
    if not stored:
        return []
    return [(float(start), float(end)) for start, end in json.loads(stored)]

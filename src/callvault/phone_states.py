"""The US state (or territory) a phone number belongs to, from its NANP area code.

The names come from ``phonenumbers``' offline geocoder (Google's libphonenumber data,
shipped in the wheel), which names a US area code either by its state ("California")
or by a place and the state's postal code ("New York, NY"); both are brought to the
state's name here. Media notice (45 CFR 164.406) is owed per "State or jurisdiction",
and 45 CFR 160.103 counts DC and the territories as States, so they are named too.
Anything else (no number, a non-NANP or Canadian number, a toll-free code) is
``UNKNOWN``.
"""

from __future__ import annotations

import re
from functools import cache
from types import ModuleType

import phonenumbers

UNKNOWN = "unknown"

POSTAL_CODES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
    "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
    "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
    "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip
TERRITORIES = {
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    "GU": "Guam",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}
STATE_NAMES = frozenset(POSTAL_CODES.values())
# Every name ``state_of`` can give but ``UNKNOWN``: what a media notice may name.
JURISDICTIONS = sorted(STATE_NAMES | set(TERRITORIES.values()))
# The geocoder's own spellings that are neither a state's name nor "place, XX".
# (The geocoder says "Washington State" for 206, 253, 360, 425 and 509.)
_ALIASES = {"Washington D.C.": "District of Columbia", "Washington State": "Washington"}
_PLACE_AND_CODE = re.compile(r",\s*([A-Z]{2})$")


def state_of(e164: str | phonenumbers.PhoneNumber | None) -> str:
    """The state of a number in E.164 form (as calls store it), or ``UNKNOWN``; or of
    a number already parsed (``phone.parse_e164``)."""
    if not e164:
        return UNKNOWN
    if isinstance(e164, phonenumbers.PhoneNumber):
        number = e164
    else:
        try:
            number = phonenumbers.parse(e164)
        except phonenumbers.NumberParseException:
            return UNKNOWN
    region = phonenumbers.region_code_for_number(number)
    if region in TERRITORIES:
        return TERRITORIES[region]
    if region != "US":
        return UNKNOWN
    return _state_from_description(load_geocoder().description_for_number(number, "en"))


@cache
def load_geocoder() -> ModuleType:
    """phonenumbers' geocoder, imported on first use: its data takes ~0.25 s to load,
    which every process paid at start (each CLI command, the jobs process) though only
    those that create calls or write breach notices need it. A server loads it before
    it answers (``web.app``): a first create would otherwise hold the event loop."""
    from phonenumbers import geocoder

    return geocoder


def _state_from_description(description: str) -> str:
    if description in STATE_NAMES:
        return description
    if description in _ALIASES:
        return _ALIASES[description]
    code = _PLACE_AND_CODE.search(description)
    if code is not None:
        return POSTAL_CODES.get(code.group(1), UNKNOWN)
    return UNKNOWN

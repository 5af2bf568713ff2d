"""Phone numbers: normalised to E.164 before they are stored, indexed or searched."""

from __future__ import annotations

import phonenumbers

from callvault.errors import InvalidInput

DEFAULT_REGION = "US"

# What an API accepts as a phone number: 7 to 15 digits (E.164 has at most 15), spaces,
# dots, dashes and parentheses, an optional leading "+". ``to_e164`` then asks
# libphonenumber whether the number is possible (US the default region).
PHONE_PATTERN = r"^\+?[ (]*(?:[0-9][ ().-]*){7,15}$"
PHONE_DESCRIPTION = (
    "A phone number: E.164 (+12025550147) or US national ((202) 555-0147); it must be a "
    "possible number for its country, and is stored in E.164"
)


def to_e164(raw: str, field: str) -> str:
    """E.164 form of a phone number; ``field`` names it in the error (never the value)."""
    return parse_e164(raw, field)[0]


def parse_e164(raw: str, field: str) -> tuple[str, phonenumbers.PhoneNumber]:
    """``to_e164`` and the parsed number, for a caller that needs more of it (the
    consent default's states): one parse a number, not one per use."""
    try:
        parsed = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidInput(f"{field} is not a phone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidInput(f"{field} is not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), parsed


def mask(e164: str) -> str:
    """``+1******2671``: the country code and the last four digits stay visible."""
    parsed = phonenumbers.parse(e164, None)
    country = f"+{parsed.country_code}"
    digits = e164[len(country) :]
    return country + "*" * max(len(digits) - 4, 0) + digits[-4:]


def national(e164: str) -> str:
    """How a number is written at home (``(202) 555-0147``), for showing a tenant's
    own number on its website; international format outside the default region."""
    parsed = phonenumbers.parse(e164, None)
    region = phonenumbers.region_code_for_number(parsed)
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(
        parsed, style.NATIONAL if region == DEFAULT_REGION else style.INTERNATIONAL
    )

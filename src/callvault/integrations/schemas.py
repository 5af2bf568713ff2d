"""The Twilio settings as the API takes and shows them (the token goes in, never out)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from callvault.inputs import InputModel
from callvault.integrations.models import DEFAULT_API_BASE
from callvault.phone import PHONE_PATTERN

ACCOUNT_SID_PATTERN = r"^AC[0-9a-fA-F]{32}$"


class TwilioSettingsIn(InputModel):
    """The whole settings (PUT replaces them). ``auth_token`` null keeps the stored
    one (it must be given the first time). Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    account_sid: str = Field(pattern=ACCOUNT_SID_PATTERN)
    auth_token: str | None = Field(default=None, min_length=16, max_length=128)
    api_base: str = Field(default=DEFAULT_API_BASE, pattern=r"^https://[^/?#\s]+$", max_length=200)
    disclosure: str | None = Field(default=None, max_length=1000)
    forward_to: str | None = Field(default=None, max_length=40, pattern=PHONE_PATTERN)


class TwilioSettingsOut(BaseModel):
    """Never the token: only whether one is stored."""

    account_sid: str
    auth_token_set: bool
    api_base: str
    disclosure: str | None
    forward_to: str | None

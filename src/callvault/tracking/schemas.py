"""Request and response bodies of the campaigns, tracking numbers and report APIs.

Nothing here is PHI: campaign names, sources, media and the tenant's own tracking
numbers (never a caller's).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from callvault.inputs import PRINTABLE, InputModel
from callvault.phone import PHONE_DESCRIPTION, PHONE_PATTERN

Label = Annotated[str, Field(min_length=1, max_length=100, pattern=PRINTABLE)]
STRICT = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class CampaignIn(InputModel):
    model_config = STRICT

    name: Label
    source: Label | None = None
    medium: Label | None = None


class CampaignPatch(InputModel):
    """Only the fields given change; ``archived`` true archives, false restores."""

    model_config = STRICT

    name: Label | None = None
    source: Label | None = None
    medium: Label | None = None
    archived: bool | None = None


class CampaignOut(BaseModel):
    id: str
    name: str
    source: str | None
    medium: str | None
    created_at: datetime
    archived_at: datetime | None


class CampaignList(BaseModel):
    items: list[CampaignOut]


class TrackingNumberIn(InputModel):
    """A tracking number and its campaign, named by id or by name (exactly one)."""

    model_config = STRICT

    number: Annotated[
        str,
        Field(min_length=1, max_length=40, pattern=PHONE_PATTERN, description=PHONE_DESCRIPTION),
    ]
    campaign_id: Label | None = None
    campaign: Label | None = None
    source: Label | None = None
    medium: Label | None = None
    pool: Label | None = None

    @model_validator(mode="after")
    def _one_campaign(self) -> Self:
        if (self.campaign_id is None) == (self.campaign is None):
            raise ValueError("name exactly one of campaign_id and campaign")
        return self


class TrackingNumberOut(BaseModel):
    id: str
    number: str
    campaign_id: str
    campaign: str
    source: str | None
    medium: str | None
    pool: str | None
    created_at: datetime


class TrackingNumberList(BaseModel):
    items: list[TrackingNumberOut]


class Created(BaseModel):
    id: str

"""Request and response bodies of the alerts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from callvault.alerts.rules import Rule, Weekday
from callvault.inputs import InputModel

Threshold = Annotated[int, Field(ge=1, le=1_000_000)]
# An IANA zone name ("America/Chicago"); one this host's tz database does not know is a 422.
ZONE_NAME_PATTERN = r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$"
ZoneName = Annotated[str, Field(min_length=1, max_length=64, pattern=ZONE_NAME_PATTERN)]
StartTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
EndTime = Annotated[str, Field(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")]


class SettingsIn(InputModel):
    """The whole settings (PUT replaces them). Unknown fields are refused.

    ``webhook_url`` null removes the webhook (and its secret). A secret is generated
    when a webhook is first set, or again when ``rotate_webhook_secret`` is true."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    mass_access_threshold: Threshold
    denied_burst_threshold: Threshold
    timezone: ZoneName
    work_days: Annotated[list[Weekday], Field(min_length=1, max_length=7)]
    work_start: StartTime
    work_end: EndTime
    disabled_rules: Annotated[list[Rule], Field(max_length=len(Rule))] = Field(default=[])
    # https:// to a public address (http:// only to loopback, when the host allows it)
    webhook_url: Annotated[str, Field(min_length=1, max_length=2048, pattern=r"^https?://")] | None
    rotate_webhook_secret: bool = False


class SettingsOut(BaseModel):
    mass_access_threshold: int
    denied_burst_threshold: int
    timezone: str
    work_days: list[Weekday]
    work_start: str
    work_end: str
    disabled_rules: list[Rule]
    webhook_url: str | None
    webhook_secret_set: bool
    # Only in the answer that generated it: it is shown once, then only used.
    webhook_secret: str | None = None


class AlertOut(BaseModel):
    id: str
    rule: Rule
    actor_type: str
    actor_id: str
    first_seq: int
    last_seq: int
    count: int
    first_at: datetime
    last_at: datetime
    detail: str | None
    created_at: datetime
    delivery_status: str
    delivery_attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_error: str | None


class AlertPage(BaseModel):
    items: list[AlertOut]
    next_cursor: str | None

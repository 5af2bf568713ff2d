"""Request and response bodies of ``/api/v1/conversions``.

A destination's secret (GA4's ``api_secret``, the webhook's signing secret) goes in and
never comes out: the answer says only whether one is stored. Previews carry payloads
exactly as they would be sent; payloads hold no PHI (``conversion_gate``).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, model_validator

from callvault.inputs import PRINTABLE, InputModel
from callvault.tracking.conversion_models import DestinationKind
from callvault.tracking.schemas import STRICT, Label

DEFAULT_GA4_BASE = "https://www.google-analytics.com"
GA4_EVENT_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"  # GA4's own rule for event names
MEASUREMENT_ID = r"^G-[A-Z0-9]{4,20}$"
Secret = Annotated[str, Field(min_length=8, max_length=256, pattern=PRINTABLE)]


class DestinationIn(InputModel):
    """A destination. Per kind: ``google_ads`` takes no URL, secret or measurement id
    (its CSV is downloaded); ``ga4`` needs ``measurement_id`` and ``secret`` (the
    api_secret), ``url`` is the Measurement Protocol base; ``webhook`` needs ``url``
    (https) and ``secret`` (16 characters or more). Only a webhook may be
    ``deidentified`` (daily aggregate counts): Google Ads and GA4 take per-click data."""

    model_config = STRICT

    name: Label
    kind: DestinationKind
    conversion_name: Label
    value: Annotated[Decimal, Field(ge=0, le=1_000_000, decimal_places=2, strict=False)] = Decimal(
        0
    )
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    min_duration_seconds: Annotated[int, Field(ge=0, le=86_400)] = 0
    answered_only: bool = True
    deidentified: bool = False
    url: Annotated[str, Field(min_length=1, max_length=2048, pattern=r"^https?://")] | None = None
    measurement_id: Annotated[str, Field(pattern=MEASUREMENT_ID)] | None = None
    secret: Secret | None = None

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Self:
        problem = kind_problem(self)
        if problem is not None:
            raise ValueError(problem)
        return self


def kind_problem(data: DestinationIn) -> str | None:
    """Why ``data`` does not fit its kind, or None."""
    if data.kind is DestinationKind.GOOGLE_ADS:
        if data.url or data.secret or data.measurement_id:
            return "a google_ads destination takes no url, secret or measurement_id"
        if data.deidentified:
            return "google_ads conversions are per click: it cannot be deidentified"
    if data.kind is DestinationKind.GA4:
        if data.measurement_id is None or data.secret is None:
            return "a ga4 destination needs measurement_id and secret (its api_secret)"
        if data.deidentified:
            return "GA4 events are per visitor: a ga4 destination cannot be deidentified"
        if re.fullmatch(GA4_EVENT_NAME, data.conversion_name) is None:
            return "a GA4 event name is a letter then letters, digits or _ (40 at most)"
    if data.kind is DestinationKind.WEBHOOK:
        if data.url is None or data.secret is None or len(data.secret) < 16:
            return "a webhook destination needs url and a secret of 16 characters or more"
        if data.measurement_id is not None:
            return "a webhook destination takes no measurement_id"
    return None


class DestinationOut(BaseModel):
    id: str
    name: str
    kind: DestinationKind
    conversion_name: str
    value: str
    currency: str
    min_duration_seconds: int
    answered_only: bool
    deidentified: bool
    url: str | None
    measurement_id: str | None
    secret_set: bool
    created_at: datetime


class DestinationList(BaseModel):
    items: list[DestinationOut]


class PreviewPayload(BaseModel):
    """One payload as it would be sent: ``body`` is the JSON (or the CSV text), and
    ``sha256`` the hash the audit trail would record for it."""

    sha256: str
    body: Any


class Preview(BaseModel):
    destination_id: str
    deidentified: bool
    payloads: list[PreviewPayload]


class SendFailure(BaseModel):
    """A payload the destination did not take: its hash and why (a status or an error
    class, never the payload)."""

    sha256: str
    reason: str


class SendResult(BaseModel):
    sent: int
    failed: list[SendFailure]

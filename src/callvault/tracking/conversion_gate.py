"""The gate in front of every conversion destination: what may be sent, and whether
this tenant may send it at all.

**What.** Every payload is built through ``allowlisted``: each shape of payload has an
explicit set of fields, and a builder that names any other field fails before anything
is sent. No shape has a field for a caller identifier: not the number, not a hash of
it, not the blind index, not the caller's name, notes, transcript, agent or call id.
The builders read conversions (``conversions.Conversion``, ``AggregateRow``), which do
not carry those either, so a caller identifier has no way in.

**Whether.** A click id or a visitor id (GA4's ``client_id``) joined to a phone call is
identifiable health information in HHS's reading (the 2022 bulletin on online tracking
technologies, revised 2024): a destination that receives them needs an active
``ad_platform`` BAA, and without one the request is refused (403 ``no-active-baa``,
audited as ``baa:gate_refuse``, nothing built or sent). A destination configured
``deidentified`` needs none: it only ever receives daily aggregate counts per
campaign, source and medium, with counts of 1 to 10 shown as ``"<11"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum

from callvault.audit.context import ServiceContext
from callvault.compliance.gate import require_agreement
from callvault.tenants.agreements import AgreementKind
from callvault.tracking.conversion_models import ConversionDestination

Scalar = str | int | float | None


class Shape(StrEnum):
    """A kind of payload (or part of one) a destination receives."""

    GOOGLE_ADS_ROW = "google_ads_row"
    GA4_BODY = "ga4_body"
    GA4_EVENT = "ga4_event"
    GA4_PARAMS = "ga4_params"
    WEBHOOK_CONVERSION = "webhook_conversion"
    WEBHOOK_AGGREGATE = "webhook_aggregate"


GOOGLE_ADS_COLUMNS = (
    "Google Click ID",
    "Conversion Name",
    "Conversion Time",
    "Conversion Value",
    "Conversion Currency",
)
ALLOWED_FIELDS: Mapping[Shape, frozenset[str]] = {
    Shape.GOOGLE_ADS_ROW: frozenset(GOOGLE_ADS_COLUMNS),
    Shape.GA4_BODY: frozenset({"client_id", "timestamp_micros", "events"}),
    Shape.GA4_EVENT: frozenset({"name", "params"}),
    Shape.GA4_PARAMS: frozenset({"campaign", "source", "medium", "value", "currency"}),
    Shape.WEBHOOK_CONVERSION: frozenset(
        {
            "type",
            "conversion_name",
            "conversion_time",
            "value",
            "currency",
            "campaign",
            "source",
            "medium",
            "click_id_type",
            "click_id",
        }
    ),
    Shape.WEBHOOK_AGGREGATE: frozenset(
        {"type", "conversion_name", "day", "campaign", "source", "medium", "conversions"}
    ),
}


class FieldNotAllowed(AssertionError):
    """A builder named a field its shape does not allow: a bug, caught before sending.
    Names the field (a field name, never a value)."""


def allowlisted(shape: Shape, fields: Mapping[str, object]) -> dict[str, object]:
    """``fields`` as a payload part of ``shape``; ``FieldNotAllowed`` if it has any
    field the shape's allowlist does not name."""
    unknown = sorted(set(fields) - ALLOWED_FIELDS[shape])
    if unknown:
        raise FieldNotAllowed(f"{shape.value} does not allow the field {unknown[0]!r}")
    return dict(fields)


class Admission(Enum):
    CLICK_LEVEL = "click_level"  # per call, with click ids or the visitor id
    AGGREGATE = "aggregate"  # daily counts per campaign, source and medium only


def admit(ctx: ServiceContext, destination: ConversionDestination) -> Admission:
    """What ``destination`` may receive: aggregates when it is deidentified; else
    click-level data, once the tenant has an active ``ad_platform`` BAA (the audited
    403 ``no-active-baa`` otherwise)."""
    if destination.deidentified:
        return Admission.AGGREGATE
    require_agreement(ctx, AgreementKind.AD_PLATFORM)
    return Admission.CLICK_LEVEL

"""The payloads of each destination kind, built through the gate's allowlists, and
how each is delivered.

- **Google Ads**: one upload CSV of offline click conversions (Google's template
  columns ``Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion
  Currency``, time as ``yyyy-mm-dd hh:mm:ss+0000``), downloaded by the tenant and
  uploaded by hand; formula-injection safe like the attribution report's CSV.
- **GA4**: one Measurement Protocol body per conversion, POSTed to
  ``{base}/mp/collect?measurement_id=..&api_secret=..``. Its ``client_id`` is the DNI
  session's id: a random UUID made by CallVault for the visit, derived from nothing
  about the caller, so it is pseudonymous (GA4 needs some id per visitor; CallVault
  reads no Google cookie, so the conversion shows in GA4 as a visitor of its own).
- **Webhook**: one signed JSON body per conversion (or per aggregate row), POSTed.
  ``X-CallVault-Timestamp: <unix seconds>`` and ``X-CallVault-Signature:
  sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``; the timestamp is signed
  with the body so a captured request cannot be replayed later with a new one.

Every outbound POST goes through ``callvault.outbound`` (https, public addresses only,
pinned connection, no redirects, short timeouts).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlencode

from callvault.tracking.conversion_gate import GOOGLE_ADS_COLUMNS, Shape, allowlisted
from callvault.tracking.conversion_models import ConversionDestination
from callvault.tracking.conversions import AggregateRow, Conversion
from callvault.tracking.report_csv import escape_cell

SIGNATURE_HEADER = "X-CallVault-Signature"
TIMESTAMP_HEADER = "X-CallVault-Timestamp"
USER_AGENT = "CallVault-Conversions/1"
GA4_COLLECT_PATH = "/mp/collect"


@dataclass(frozen=True)
class Payload:
    """One payload as it is sent: its bytes, and the conversions it carries (``keys``,
    for the send ledger; never part of the payload)."""

    keys: tuple[str, ...]
    body: bytes
    media_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def shown(self) -> object:
        """The body as a preview shows it: JSON parsed, CSV as text."""
        text = self.body.decode("utf-8")
        return json.loads(text) if self.media_type == "application/json" else text


def _json(fields: dict[str, object]) -> bytes:
    return json.dumps(fields, separators=(",", ":"), sort_keys=True).encode("utf-8")


# -- Google Ads ----------------------------------------------------------------------


def google_ads_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+0000")


def google_ads_csv(
    destination: ConversionDestination, conversions: Sequence[Conversion]
) -> Payload:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(GOOGLE_ADS_COLUMNS)
    for conversion in conversions:
        row = allowlisted(
            Shape.GOOGLE_ADS_ROW,
            {
                "Google Click ID": conversion.gclid,
                "Conversion Name": destination.conversion_name,
                "Conversion Time": google_ads_time(conversion.time),
                "Conversion Value": destination.value,
                "Conversion Currency": destination.currency,
            },
        )
        writer.writerow([escape_cell(row[column]) for column in GOOGLE_ADS_COLUMNS])
    keys = tuple(c.key for c in conversions)
    return Payload(keys, buffer.getvalue().encode("utf-8"), "text/csv")


# -- GA4 -----------------------------------------------------------------------------


def ga4_payload(destination: ConversionDestination, conversion: Conversion) -> Payload:
    params = allowlisted(
        Shape.GA4_PARAMS,
        {
            "campaign": conversion.campaign,
            "source": conversion.source,
            "medium": conversion.medium,
            "value": float(Decimal(destination.value)),  # GA4 takes a number
            "currency": destination.currency,
        },
    )
    event = allowlisted(Shape.GA4_EVENT, {"name": destination.conversion_name, "params": params})
    micros = int(conversion.time.timestamp()) * 1_000_000
    body = allowlisted(
        Shape.GA4_BODY,
        {"client_id": conversion.visitor_id, "timestamp_micros": micros, "events": [event]},
    )
    return Payload((conversion.key,), _json(body), "application/json")


def ga4_collect_url(base: str, measurement_id: str, api_secret: str) -> str:
    """The URL carries the api_secret: it is never logged, shown or audited."""
    query = urlencode({"measurement_id": measurement_id, "api_secret": api_secret})
    return f"{base.rstrip('/')}{GA4_COLLECT_PATH}?{query}"


# -- webhook -------------------------------------------------------------------------


def click_id(conversion: Conversion) -> tuple[str, str]:
    for kind in ("gclid", "fbclid", "msclkid"):
        value: str | None = getattr(conversion, kind)
        if value:
            return kind, value
    raise ValueError("a click-level conversion has a click id")  # pending_conversions' filter


def webhook_conversion(destination: ConversionDestination, conversion: Conversion) -> Payload:
    kind, value = click_id(conversion)
    body = allowlisted(
        Shape.WEBHOOK_CONVERSION,
        {
            "type": "conversion",
            "conversion_name": destination.conversion_name,
            "conversion_time": conversion.time.astimezone(UTC).isoformat(),
            "value": destination.value,
            "currency": destination.currency,
            "campaign": conversion.campaign,
            "source": conversion.source,
            "medium": conversion.medium,
            "click_id_type": kind,
            "click_id": value,
        },
    )
    return Payload((conversion.key,), _json(body), "application/json")


def webhook_aggregate(destination: ConversionDestination, row: AggregateRow) -> Payload:
    body = allowlisted(
        Shape.WEBHOOK_AGGREGATE,
        {
            "type": "aggregate",
            "conversion_name": destination.conversion_name,
            "day": row.day.isoformat(),
            "campaign": row.campaign,
            "source": row.source,
            "medium": row.medium,
            "conversions": row.conversions,
        },
    )
    return Payload((row.key,), _json(body), "application/json")


def webhook_headers(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    signed = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"sha256={digest}",
    }

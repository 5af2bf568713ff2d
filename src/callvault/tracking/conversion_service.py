"""Conversion destinations of the principal's tenant (``tracking:admin``): configure,
preview (a dry run), send, and the Google Ads CSV download.

Every path to a destination goes through ``conversion_gate.admit`` first, then builds
its payloads with ``conversion_destinations`` (allowlisted fields only). Each payload
sent or downloaded is audited as ``conversion:send`` with its SHA-256 as the object,
never the payload. What a destination was given is kept per conversion
(``ConversionSend``): a re-run sends nothing twice. A conversion is reserved in the
ledger (committed) before its POST and released if the POST fails, so two concurrent
runs cannot both send it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import httpx
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.db.base import new_id, utcnow
from callvault.errors import Conflict, InvalidInput, NotFound
from callvault.outbound import OutboundRefused, check_url, post_pinned
from callvault.tenants.agreements import today_utc
from callvault.tlsconfig import client_context
from callvault.tracking import conversion_destinations as build
from callvault.tracking.conversion_gate import Admission, admit
from callvault.tracking.conversion_models import (
    ConversionDestination,
    ConversionSend,
    DestinationKind,
)
from callvault.tracking.conversion_schemas import (
    DEFAULT_GA4_BASE,
    DestinationIn,
    DestinationList,
    DestinationOut,
    Preview,
    PreviewPayload,
    SendFailure,
    SendResult,
)
from callvault.tracking.conversions import pending_aggregates, pending_conversions

ALLOW_LOOPBACK_ENV = "CALLVAULT_CONVERSIONS_ALLOW_LOOPBACK"
DUPLICATE_NAME = "the tenant already has a conversion destination of that name"
NO_SUCH_DESTINATION = "no such conversion destination"
DESTINATION_RESOURCE = "conversion_destination"

Payloads = list[build.Payload]


def loopback_allowed() -> bool:
    """Loopback and plain http only for tests and local receivers (as alert webhooks)."""
    return os.environ.get(ALLOW_LOOPBACK_ENV) == "1"


def secret_ad(tenant_id: str, destination_id: str) -> bytes:
    """Binds the secret's ciphertext to its tenant and destination."""
    return (
        f"callvault/field/v1|{tenant_id}|conversion_destinations|{destination_id}|secret".encode()
    )


class ConversionService:
    def __init__(self, ctx: ServiceContext, ca_bundle: Path | None = None) -> None:
        self._ctx = ctx
        self._session = ctx.session
        self._tenant_id = ctx.tenant_id
        self._ca_bundle = ca_bundle

    # -- configuration -------------------------------------------------------------------

    def create(self, data: DestinationIn) -> str:
        """422 for a URL that may not be called; 409 for a name the tenant has."""
        url = data.url or (DEFAULT_GA4_BASE if data.kind is DestinationKind.GA4 else None)
        if url is not None:
            check_url(url, allow_loopback=loopback_allowed(), field="url")
        destination_id = new_id()
        secret_enc = None
        if data.secret is not None:
            ad = secret_ad(self._tenant_id, destination_id)
            secret_enc = self._ctx.keyring.encrypt_field(self._tenant_id, data.secret, ad)
        fields = data.model_dump(exclude={"secret", "url", "value"})
        destination = ConversionDestination(
            id=destination_id,
            tenant_id=self._tenant_id,
            url=url,
            value=f"{data.value:.2f}",
            secret_enc=secret_enc,
            **fields,
        )
        self._session.add(destination)
        try:
            self._session.flush()
        except IntegrityError:
            self._session.rollback()
            raise Conflict(DUPLICATE_NAME) from None
        self._ctx.audit(AuditAction.CONVERSION_DESTINATION_CREATE, destination_id)
        self._session.commit()
        return destination_id

    def list(self) -> DestinationList:
        rows = self._session.execute(
            select(ConversionDestination)
            .where(ConversionDestination.tenant_id == self._tenant_id)
            .order_by(ConversionDestination.name)
        ).scalars()
        items = [destination_out(row) for row in rows]
        self._ctx.audit_read(AuditAction.CONVERSION_DESTINATION_LIST, self._tenant_id)
        return DestinationList(items=items)

    def delete(self, destination_id: str) -> None:
        """The destination and its ledger (what it was sent stays in the audit trail)."""
        self._destination(destination_id, AuditAction.CONVERSION_DESTINATION_DELETE)
        self._session.execute(
            delete(ConversionSend).where(ConversionSend.destination_id == destination_id)
        )
        self._session.execute(
            delete(ConversionDestination).where(ConversionDestination.id == destination_id)
        )
        self._ctx.audit(AuditAction.CONVERSION_DESTINATION_DELETE, destination_id)
        self._session.commit()

    # -- the gate, then payloads -----------------------------------------------------------

    def preview(self, destination_id: str) -> Preview:
        """The payloads a send would send now, exactly; nothing is sent or recorded as
        sent. Audited (``conversion:preview``)."""
        destination = self._destination(destination_id, AuditAction.CONVERSION_PREVIEW)
        admission = admit(self._ctx, destination)
        payloads = self._payloads(destination, admission)
        shown = [PreviewPayload(sha256=p.sha256, body=p.shown()) for p in payloads]
        self._ctx.audit(AuditAction.CONVERSION_PREVIEW, destination_id)
        self._session.commit()
        return Preview(
            destination_id=destination_id,
            deidentified=admission is Admission.AGGREGATE,
            payloads=shown,
        )

    def send(self, destination_id: str) -> SendResult:
        """POST each pending payload once; failures are reported by hash and reason."""
        destination = self._destination(destination_id, AuditAction.CONVERSION_SEND)
        if destination.kind == DestinationKind.GOOGLE_ADS.value:
            self._session.rollback()
            raise InvalidInput("a google_ads destination is downloaded: POST to its export.csv")
        admission = admit(self._ctx, destination)
        poster = self._poster(destination)
        payloads = self._payloads(destination, admission)
        self._session.commit()  # no transaction held open across the network
        sent, failed = 0, []
        for payload in payloads:
            if not self._reserve(destination, payload):
                continue  # another run has it
            reason = poster(payload)
            if reason is None:
                self._ctx.audit(AuditAction.CONVERSION_SEND, payload.sha256)
                sent += 1
            else:
                self._release(destination, payload)
                self._ctx.audit(
                    AuditAction.CONVERSION_SEND,
                    payload.sha256,
                    outcome=Outcome.ERROR,
                    reason=reason,
                )
                failed.append(SendFailure(sha256=payload.sha256, reason=reason))
            self._session.commit()
        return SendResult(sent=sent, failed=failed)

    def export_csv(self, destination_id: str) -> str:
        """A google_ads destination's upload CSV of the conversions it has not been
        given; they count as given once downloaded (a re-download has only new ones)."""
        destination = self._destination(destination_id, AuditAction.CONVERSION_SEND)
        if destination.kind != DestinationKind.GOOGLE_ADS.value:
            self._session.rollback()
            raise InvalidInput("only a google_ads destination has an export.csv")
        admit(self._ctx, destination)
        payload = build.google_ads_csv(destination, pending_conversions(self._session, destination))
        self._record(destination, payload)
        self._ctx.audit(AuditAction.CONVERSION_SEND, payload.sha256)
        self._session.commit()
        return payload.body.decode("utf-8")

    def _payloads(self, destination: ConversionDestination, admission: Admission) -> Payloads:
        if admission is Admission.AGGREGATE:
            rows = pending_aggregates(self._session, destination, today_utc())
            return [build.webhook_aggregate(destination, row) for row in rows]
        conversions = pending_conversions(self._session, destination)
        if destination.kind == DestinationKind.GOOGLE_ADS.value:
            return [build.google_ads_csv(destination, conversions)] if conversions else []
        one = (
            build.ga4_payload
            if destination.kind == DestinationKind.GA4.value
            else build.webhook_conversion
        )
        return [one(destination, conversion) for conversion in conversions]

    # -- delivery ------------------------------------------------------------------------

    def _poster(self, destination: ConversionDestination) -> Callable[[build.Payload], str | None]:
        """A function that POSTs one payload and answers None, or why it failed (a
        status or an error class: never the payload, the URL or the secret)."""
        assert destination.url is not None and destination.secret_enc is not None  # per kind
        secret = self._ctx.keyring.decrypt_field(
            self._tenant_id, destination.secret_enc, secret_ad(self._tenant_id, destination.id)
        )
        url = destination.url
        if destination.kind == DestinationKind.GA4.value:
            assert destination.measurement_id is not None
            url = build.ga4_collect_url(url, destination.measurement_id, secret)
        tls = client_context(self._ca_bundle)

        def post(payload: build.Payload) -> str | None:
            headers = (
                build.webhook_headers(secret, payload.body, int(time.time()))
                if destination.kind == DestinationKind.WEBHOOK.value
                else {"Content-Type": "application/json", "User-Agent": build.USER_AGENT}
            )
            try:
                status = post_pinned(
                    url,
                    payload.body,
                    headers,
                    allow_loopback=loopback_allowed(),
                    field="url",
                    verify=tls,
                )
            except OutboundRefused as refused:
                return str(refused)
            except httpx.HTTPError as error:
                return f"not delivered: {type(error).__name__}"
            return None if 200 <= status < 300 else f"the destination answered {status}"

        return post

    def _reserve(self, destination: ConversionDestination, payload: build.Payload) -> bool:
        self._record(destination, payload)
        try:
            self._session.commit()
        except IntegrityError:
            self._session.rollback()
            return False
        return True

    def _record(self, destination: ConversionDestination, payload: build.Payload) -> None:
        now = utcnow()
        for key in payload.keys:
            self._session.add(
                ConversionSend(
                    tenant_id=self._tenant_id,
                    destination_id=destination.id,
                    conversion_key=key,
                    payload_sha256=payload.sha256,
                    sent_at=now,
                )
            )

    def _release(self, destination: ConversionDestination, payload: build.Payload) -> None:
        self._session.execute(
            delete(ConversionSend).where(
                ConversionSend.destination_id == destination.id,
                ConversionSend.conversion_key.in_(payload.keys),
            )
        )

    def _destination(self, destination_id: str, action: AuditAction) -> ConversionDestination:
        found = self._session.execute(
            select(ConversionDestination).where(
                ConversionDestination.tenant_id == self._tenant_id,
                ConversionDestination.id == destination_id,
            )
        ).scalar_one_or_none()
        if found is None:
            self._not_found(action, destination_id)
        return found

    def _not_found(self, action: AuditAction, object_id: str) -> NoReturn:
        self._ctx.audit_refusal(
            action, object_id, outcome=Outcome.NOT_FOUND, resource_type=DESTINATION_RESOURCE
        )
        raise NotFound(NO_SUCH_DESTINATION)


def destination_out(row: ConversionDestination) -> DestinationOut:
    return DestinationOut(
        id=row.id,
        name=row.name,
        kind=DestinationKind(row.kind),
        conversion_name=row.conversion_name,
        value=row.value,
        currency=row.currency,
        min_duration_seconds=row.min_duration_seconds,
        answered_only=row.answered_only,
        deidentified=row.deidentified,
        url=row.url,
        measurement_id=row.measurement_id,
        secret_set=row.secret_enc is not None,
        created_at=row.created_at,
    )

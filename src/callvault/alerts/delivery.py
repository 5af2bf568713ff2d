"""Delivering alerts to the tenant's webhook, from a background job.

One alert at a time: a short transaction claims it (attempt counted, a lease set
as its next attempt, so another process leaves it alone; PostgreSQL also skips rows
another claim holds), the POST runs outside any transaction (no lock is held while a
receiver is slow), and a second short transaction records the outcome. Failures are
retried with exponential backoff (5 s, 10 s, 20 s, ... capped at 1 h); after
``MAX_ATTEMPTS`` the alert is marked failed. A process that dies mid-send leaves the
lease to expire and the alert is sent again: delivery is at least once, and receivers
should drop repeats by the alert ``id``.

The job needs the root key to open the webhook secret; the server puts it in every
session's ``info`` (``delivery_session_info``).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from callvault.alerts.models import Alert, AlertSettings, DeliveryStatus
from callvault.alerts.service import alert_out, webhook_secret
from callvault.alerts.webhook import WebhookRefused, post_signed
from callvault.crypto.errors import DecryptionFailed, KeyUnavailable
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.crypto.keyring import Keyring
from callvault.db.base import utcnow

log = logging.getLogger("callvault.alerts")

MAX_ATTEMPTS = 10
BASE_DELAY = timedelta(seconds=5)
MAX_DELAY = timedelta(hours=1)
LEASE = timedelta(seconds=60)  # longer than one attempt can take
TICK_BUDGET_SECONDS = 2.0
ROOT_KEY_INFO = "callvault.root_key"


def delivery_session_info(root_key: RootKeyProvider) -> dict[str, object]:
    """What sessions must carry for ``deliver_alerts_job`` to open webhook secrets."""
    return {ROOT_KEY_INFO: root_key}


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    delay: timedelta = BASE_DELAY * (1 << min(attempts - 1, 20))
    return min(delay, MAX_DELAY)


@dataclass(frozen=True)
class _Claimed:
    alert_id: str
    url: str
    secret: str
    body: bytes
    attempts: int


# An alert settled while claiming it (webhook gone, secret unreadable): nothing to send.
_SKIPPED = _Claimed("", "", "", b"", 0)


def payload(alert: Alert) -> bytes:
    """The JSON body POSTed for an alert (ids, sequence numbers, times; no PHI)."""
    out = alert_out(alert)
    body = {
        "type": "callvault.alert",
        "id": out.id,
        "tenant_id": alert.tenant_id,
        "rule": out.rule.value,
        "actor": {"type": out.actor_type, "id": out.actor_id},
        "evidence": {"first_seq": out.first_seq, "last_seq": out.last_seq, "count": out.count},
        "first_at": out.first_at.isoformat(),
        "last_at": out.last_at.isoformat(),
        "created_at": out.created_at.isoformat(),
        "detail": out.detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def deliver_due_alerts(session: Session, keyring: Keyring, *, now: datetime | None = None) -> int:
    """Send due alerts, one by one, for about ``TICK_BUDGET_SECONDS``; return how many
    attempts were made. ``now`` fixes the clock (tests)."""
    started = time.monotonic()
    attempts = 0
    while time.monotonic() - started < TICK_BUDGET_SECONDS:
        clock = now or utcnow()
        claimed = _claim(session, keyring, clock)
        session.commit()
        if claimed is None:
            break
        if claimed is _SKIPPED:
            continue
        error = _send(claimed, clock)
        _record(session, claimed, error, now or utcnow())
        session.commit()
        attempts += 1
    return attempts


def any_alert_due(session: Session) -> bool:
    """Whether ``deliver_alerts_job`` has work: a read, for the jobs loop's idle ticks."""
    return session.execute(_due(utcnow()).limit(1)).first() is not None


def _due(now: datetime) -> Select[Alert]:
    return select(Alert).where(
        Alert.delivery_status == DeliveryStatus.PENDING, Alert.next_attempt_at <= now
    )


def _claim(session: Session, keyring: Keyring, now: datetime) -> _Claimed | None:
    stmt = _due(now).order_by(Alert.next_attempt_at).limit(1).with_for_update(skip_locked=True)
    alert = session.execute(stmt).scalar_one_or_none()
    if alert is None:
        return None
    settings = session.get(AlertSettings, alert.tenant_id)
    if settings is None or settings.webhook_url is None:
        _finish(alert, DeliveryStatus.NOT_CONFIGURED, "webhook removed")
        return _SKIPPED
    try:
        secret = webhook_secret(keyring, settings)
    except (DecryptionFailed, KeyUnavailable):
        secret = None
    if secret is None:
        _finish(alert, DeliveryStatus.FAILED, "webhook secret unavailable")
        return _SKIPPED
    alert.delivery_attempts += 1
    alert.next_attempt_at = now + LEASE
    return _Claimed(alert.id, settings.webhook_url, secret, payload(alert), alert.delivery_attempts)


def _finish(alert: Alert, status: DeliveryStatus, error: str | None) -> None:
    alert.delivery_status = status
    alert.next_attempt_at = None
    alert.last_error = error


def _send(claimed: _Claimed, now: datetime) -> str | None:
    """None on a 2xx answer, else why not (a status or an error class: no bodies)."""
    try:
        status = post_signed(claimed.url, claimed.secret, claimed.body, int(now.timestamp()))
    except WebhookRefused:
        return "refused: address not allowed"
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return None if 200 <= status < 300 else f"HTTP {status}"


def _record(session: Session, claimed: _Claimed, error: str | None, now: datetime) -> None:
    alert = session.get(Alert, claimed.alert_id, with_for_update=True, populate_existing=True)
    if alert is None or alert.delivery_status != DeliveryStatus.PENDING:
        return
    if error is None:
        _finish(alert, DeliveryStatus.DELIVERED, None)
        alert.delivered_at = now
        return
    log.warning("alert delivery failed", extra={"alert": alert.id, "error": error})
    if alert.delivery_attempts >= MAX_ATTEMPTS:
        _finish(alert, DeliveryStatus.FAILED, error)
        return
    alert.last_error = error
    alert.next_attempt_at = now + backoff(alert.delivery_attempts)


def deliver_alerts_job(session: Session) -> int:
    """The background job: ``deliver_due_alerts`` with a keyring from the session."""
    root = session.info.get(ROOT_KEY_INFO)
    if root is None:
        return 0  # no root key, no secrets: nothing can be signed
    return deliver_due_alerts(session, Keyring(session, root))

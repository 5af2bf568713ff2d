"""Alert settings (thresholds, working hours, webhook) and the alert listing.

A tenant without settings gets the defaults: 100 PHI reads or 10 denials per actor
per minute, working hours Mon-Fri 07:00-19:00 UTC, every rule on, no webhook. The
webhook secret is generated here, returned once, and stored only encrypted with the
tenant key under its own associated data.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from callvault.alerts.models import Alert, AlertSettings
from callvault.alerts.rules import WEEKDAYS, AlertConfig, Rule, Weekday, WorkingHours
from callvault.alerts.schemas import (
    ZONE_NAME_PATTERN,
    AlertOut,
    AlertPage,
    SettingsIn,
    SettingsOut,
)
from callvault.alerts.webhook import check_webhook_url
from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.crypto.keyring import Keyring
from callvault.db.base import utcnow
from callvault.errors import InvalidInput
from callvault.pagination import decode_cursor, encode_cursor

log = logging.getLogger("callvault.alerts")

MAX_PAGE_SIZE = 100
DEFAULTS = AlertConfig()
SECRET_PREFIX = "whsec_"  # noqa: S105  # a prefix that makes the secret recognisable
_ZONE_NAME = re.compile(ZONE_NAME_PATTERN)


def _secret_ad(tenant_id: str) -> bytes:
    return f"callvault/alert-webhook-secret/v1|{tenant_id}".encode()


def parse_zone(name: str) -> ZoneInfo:
    """An IANA zone; 422 for anything else (paths, "localtime", unknown names)."""
    if not _ZONE_NAME.fullmatch(name) or name == "localtime":
        raise InvalidInput("timezone must be an IANA time zone name, such as America/Chicago")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(
            "timezone must be an IANA time zone name, such as America/Chicago"
        ) from None


def parse_clock(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _default_row(tenant_id: str) -> AlertSettings:
    hours = DEFAULTS.hours
    return AlertSettings(
        tenant_id=tenant_id,
        mass_access_threshold=DEFAULTS.mass_access_threshold,
        denied_burst_threshold=DEFAULTS.denied_burst_threshold,
        timezone=hours.zone.key,
        work_days=json.dumps([WEEKDAYS[d].value for d in sorted(hours.days)]),
        work_start_minute=hours.start_minute,
        work_end_minute=hours.end_minute,
        disabled_rules="[]",
        webhook_url=None,
        webhook_secret_enc=None,
    )


def load_settings_row(session: Session, tenant_id: str) -> AlertSettings:
    """The tenant's settings row, or an unsaved one holding the defaults."""
    return session.get(AlertSettings, tenant_id) or _default_row(tenant_id)


def config_from(row: AlertSettings) -> AlertConfig:
    try:
        zone = parse_zone(row.timezone)
    except InvalidInput:  # saved when valid; gone from this host's tzdata since
        log.warning("alert settings time zone unavailable; using UTC")
        zone = ZoneInfo("UTC")
    days = frozenset(WEEKDAYS.index(Weekday(day)) for day in json.loads(row.work_days))
    return AlertConfig(
        mass_access_threshold=row.mass_access_threshold,
        denied_burst_threshold=row.denied_burst_threshold,
        hours=WorkingHours(zone, days, row.work_start_minute, row.work_end_minute),
        disabled=frozenset(Rule(rule) for rule in json.loads(row.disabled_rules or "[]")),
    )


def webhook_secret(keyring: Keyring, row: AlertSettings) -> str | None:
    if row.webhook_secret_enc is None:
        return None
    return keyring.decrypt_field(row.tenant_id, row.webhook_secret_enc, _secret_ad(row.tenant_id))


def settings_out(row: AlertSettings, secret: str | None = None) -> SettingsOut:
    return SettingsOut(
        mass_access_threshold=row.mass_access_threshold,
        denied_burst_threshold=row.denied_burst_threshold,
        timezone=row.timezone,
        work_days=[Weekday(day) for day in json.loads(row.work_days)],
        work_start=format_clock(row.work_start_minute),
        work_end=format_clock(row.work_end_minute),
        disabled_rules=[Rule(rule) for rule in json.loads(row.disabled_rules or "[]")],
        webhook_url=row.webhook_url,
        webhook_secret_set=row.webhook_secret_enc is not None,
        webhook_secret=secret,
    )


class AlertService:
    """Alert settings and listing for the principal's tenant only."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._session = ctx.session
        self._keyring = ctx.keyring
        self._tenant_id = ctx.tenant_id

    # -- settings -----------------------------------------------------------------

    def get_settings(self) -> SettingsOut:
        return settings_out(load_settings_row(self._session, self._tenant_id))

    def put_settings(self, body: SettingsIn) -> SettingsOut:
        """Validate everything first (422 changes nothing), then save, audit, commit."""
        parse_zone(body.timezone)
        start, end = parse_clock(body.work_start), parse_clock(body.work_end)
        if start >= end:
            raise InvalidInput("work_start must be before work_end")
        if body.webhook_url is not None:
            check_webhook_url(body.webhook_url)
        elif body.rotate_webhook_secret:
            raise InvalidInput("rotate_webhook_secret needs a webhook_url")
        row = load_settings_row(self._session, self._tenant_id)
        row.mass_access_threshold = body.mass_access_threshold
        row.denied_burst_threshold = body.denied_burst_threshold
        row.timezone = body.timezone
        row.work_days = json.dumps(sorted({d.value for d in body.work_days}, key=_day_order))
        row.work_start_minute, row.work_end_minute = start, end
        row.disabled_rules = json.dumps(sorted({r.value for r in body.disabled_rules}))
        secret = self._set_webhook(row, body.webhook_url, body.rotate_webhook_secret)
        row.updated_at = utcnow()
        self._session.add(row)
        self._ctx.audit(AuditAction.ALERT_SETTINGS_UPDATE, self._tenant_id)
        self._session.commit()
        return settings_out(row, secret)

    def _set_webhook(self, row: AlertSettings, url: str | None, rotate: bool) -> str | None:
        """Store the URL; return a new secret if one was made (else None)."""
        row.webhook_url = url
        if url is None:
            row.webhook_secret_enc = None
            return None
        if row.webhook_secret_enc is not None and not rotate:
            return None
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        row.webhook_secret_enc = self._keyring.encrypt_field(
            self._tenant_id, secret, _secret_ad(self._tenant_id)
        )
        return secret

    # -- alerts -------------------------------------------------------------------

    def list_alerts(
        self, rule: Rule | None, since: datetime | None, limit: int, cursor: str | None
    ) -> AlertPage:
        """Newest first; reading the alerts is itself audited (``alert:list``)."""
        limit = min(max(limit, 1), MAX_PAGE_SIZE)
        stmt = select(Alert).where(Alert.tenant_id == self._tenant_id)
        if rule is not None:
            stmt = stmt.where(Alert.rule == rule.value)
        if since is not None:
            stmt = stmt.where(Alert.created_at >= since)
        if cursor is not None:
            created_at, alert_id = decode_cursor(cursor)
            stmt = stmt.where(
                or_(
                    Alert.created_at < created_at,
                    and_(Alert.created_at == created_at, Alert.id < alert_id),
                )
            )
        stmt = stmt.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit + 1)
        rows = list(self._session.execute(stmt).scalars())
        page, more = rows[:limit], len(rows) > limit
        self._ctx.audit(AuditAction.ALERT_LIST, None)
        self._session.commit()
        return AlertPage(
            items=[alert_out(a) for a in page],
            next_cursor=encode_cursor(page[-1].created_at, page[-1].id) if more else None,
        )


def _day_order(day: str) -> int:
    return WEEKDAYS.index(Weekday(day))


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def alert_out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.id,
        rule=Rule(alert.rule),
        actor_type=alert.actor_type,
        actor_id=alert.actor_id,
        first_seq=alert.first_seq,
        last_seq=alert.last_seq,
        count=alert.count,
        first_at=_from_ms(alert.first_at_ms),
        last_at=_from_ms(alert.last_at_ms),
        detail=alert.detail,
        created_at=alert.created_at,
        delivery_status=alert.delivery_status,
        delivery_attempts=alert.delivery_attempts,
        next_attempt_at=alert.next_attempt_at,
        delivered_at=alert.delivered_at,
        last_error=alert.last_error,
    )

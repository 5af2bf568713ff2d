"""Dynamic number insertion: each website visitor session is shown one number of a
pool, and a call to that number within the session's time to live is attributed to
the session (``callvault.calls.campaign_link``).

Which number a new session gets: a number of the pool that no live session holds,
the one given out least recently; when every number is held (more visitors at once
than numbers), the one given out least recently all the same, so two live sessions
share it and a call to it is attributed to the later one. A real deployment sizes a
pool to its traffic (about the visitors of a TTL's length, at the busiest hour).
The pool's numbers are locked while one is chosen (PostgreSQL ``FOR UPDATE``;
SQLite's writes are serialized anyway), so two sessions never take the same free
number at once. Only numbers of active (not archived) campaigns are handed out.

A page view that names its live session gets the same number and moves the
session's expiry on by the TTL; an unknown or expired session id starts a new one.

Starting a session is not PHI and not audited (it would flood the trail with
anonymous page views); it is logged with ids only, never the URL fields. Changing the
settings is audited (``tracking:dni_settings_update``), reading them as a read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.db.base import utcnow
from callvault.db.tenancy import scope_to_tenant
from callvault.errors import NotFound, PermissionDenied
from callvault.phone import national
from callvault.tenants.service import get_tenant
from callvault.tracking.dni_models import DEFAULT_SESSION_TTL_MINUTES, DniSession, DniSettings
from callvault.tracking.dni_schemas import (
    TRACKED_PARAMETERS,
    DniSessionIn,
    DniSessionOut,
    DniSettingsIn,
    DniSettingsOut,
    PoolOut,
)
from callvault.tracking.models import Campaign, TrackingNumber

log = logging.getLogger("callvault.tracking.dni")
ORIGIN_REFUSED = "this page's origin may not use the tenant's number pools"
NO_SUCH_POOL = "the tenant has no such pool"


@dataclass(frozen=True)
class DniConfig:
    allowed_origins: tuple[str, ...]
    session_ttl: timedelta


def dni_config(session: Session, tenant_id: str) -> DniConfig:
    """The tenant's DNI settings; without a row, no origin is allowed."""
    row = session.get(DniSettings, tenant_id)
    if row is None:
        return DniConfig((), timedelta(minutes=DEFAULT_SESSION_TTL_MINUTES))
    origins = tuple(json.loads(row.allowed_origins))
    return DniConfig(origins, timedelta(minutes=row.session_ttl_minutes))


def admit_origin(session: Session, tenant_name: str, origin: str | None) -> str:
    """The id of the tenant named, if ``origin`` is one of its allowed origins (and
    ``session`` scoped to it); NotFound for no such tenant, PermissionDenied for an
    origin it does not allow (a request without one included). Ends the read."""
    try:
        tenant_id = get_tenant(session, tenant_name).id
        scope_to_tenant(session, tenant_id)
        allowed = origin is not None and origin in dni_config(session, tenant_id).allowed_origins
    finally:
        session.rollback()
    if not allowed:
        raise PermissionDenied(ORIGIN_REFUSED)
    return tenant_id


class VisitorSessions:
    """Starts and resumes the visitor sessions of one tenant (public: no principal)."""

    def __init__(
        self, session: Session, tenant_id: str, clock: Callable[[], datetime] = utcnow
    ) -> None:
        scope_to_tenant(session, tenant_id)
        self._session = session
        self._tenant_id = tenant_id
        self._clock = clock

    def visit(self, data: DniSessionIn) -> DniSessionOut:
        """The session ``data`` names while it lives (its expiry moved on), else a new
        one with a number of the pool; NotFound if the pool has no number to give."""
        now = self._clock()
        ttl = dni_config(self._session, self._tenant_id).session_ttl
        numbers = self._pool_numbers(data.pool)
        if not numbers:
            self._session.rollback()
            raise NotFound(NO_SUCH_POOL)
        row = self._live_session(data, numbers, now)
        resumed = row is not None
        if row is None:
            row = self._new_session(data, self._pick(numbers, now), now)
        row.expires_at = now + ttl  # a new session's, or a live one's moved on
        self._session.flush()
        answer = DniSessionOut(
            session_id=row.id,
            number=row.number,
            display=national(row.number),
            expires_at=row.expires_at,
        )
        self._session.commit()
        event = "dni session resumed" if resumed else "dni session started"
        log.info(event, extra={"tenant_id": self._tenant_id, "dni_session": answer.session_id})
        return answer

    def _pool_numbers(self, pool: str) -> list[str]:
        """The pool's numbers of active campaigns, locked until the commit."""
        return list(
            self._session.execute(
                select(TrackingNumber.number)
                .join(Campaign, Campaign.id == TrackingNumber.campaign_id)
                .where(
                    TrackingNumber.tenant_id == self._tenant_id,
                    TrackingNumber.pool == pool,
                    Campaign.archived_at.is_(None),
                )
                .order_by(TrackingNumber.number)
                .with_for_update(of=TrackingNumber)
            ).scalars()
        )

    def _live_session(
        self, data: DniSessionIn, numbers: list[str], now: datetime
    ) -> DniSession | None:
        if data.session_id is None:
            return None
        row = self._session.get(DniSession, data.session_id)
        if row is None or row.pool != data.pool or row.number not in numbers:
            return None
        return row if row.expires_at > now else None

    def _pick(self, numbers: list[str], now: datetime) -> str:
        """The number a new session gets (module docstring): free before held, then
        least recently given out, then the lowest number."""
        latest = {
            number: (created, expires)
            for number, created, expires in self._session.execute(
                select(
                    DniSession.number,
                    func.max(DniSession.created_at),
                    func.max(DniSession.expires_at),
                )
                .where(DniSession.tenant_id == self._tenant_id, DniSession.number.in_(numbers))
                .group_by(DniSession.number)
            )
        }
        never = datetime.min.replace(tzinfo=now.tzinfo)

        def order(number: str) -> tuple[bool, datetime, str]:
            created, expires = latest.get(number, (never, never))
            return expires > now, created, number

        return min(numbers, key=order)

    def _new_session(self, data: DniSessionIn, number: str, now: datetime) -> DniSession:
        tracked = {name: getattr(data, name) for name in TRACKED_PARAMETERS}
        row = DniSession(
            tenant_id=self._tenant_id,
            pool=data.pool,
            number=number,
            landing_path=data.landing_path,
            referrer_host=data.referrer_host,
            created_at=now,
            **tracked,
        )
        self._session.add(row)
        return row


class DniSettingsService:
    """The tenant's DNI settings (``tracking:admin``), audited."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._session = ctx.session
        self._tenant_id = ctx.tenant_id

    def get(self) -> DniSettingsOut:
        out = self._out()
        self._ctx.audit_read(AuditAction.TRACKING_DNI_SETTINGS_READ, self._tenant_id)
        return out

    def update(self, data: DniSettingsIn) -> DniSettingsOut:
        row = self._session.get(DniSettings, self._tenant_id)
        if row is None:
            row = DniSettings(tenant_id=self._tenant_id)
            self._session.add(row)
        row.allowed_origins = json.dumps(sorted(set(data.allowed_origins)))
        row.session_ttl_minutes = data.session_ttl_minutes
        row.updated_at = utcnow()
        self._session.flush()
        out = self._out()  # read in this transaction: none is left open after the commit
        self._ctx.audit(AuditAction.TRACKING_DNI_SETTINGS_UPDATE, self._tenant_id)
        self._session.commit()
        return out

    def _out(self) -> DniSettingsOut:
        config = dni_config(self._session, self._tenant_id)
        return DniSettingsOut(
            allowed_origins=list(config.allowed_origins),
            session_ttl_minutes=int(config.session_ttl.total_seconds() // 60),
            pools=self._pools(),
        )

    def _pools(self) -> list[PoolOut]:
        rows = self._session.execute(
            select(TrackingNumber.pool, func.count())
            .join(Campaign, Campaign.id == TrackingNumber.campaign_id)
            .where(
                TrackingNumber.tenant_id == self._tenant_id,
                TrackingNumber.pool.is_not(None),
                Campaign.archived_at.is_(None),
            )
            .group_by(TrackingNumber.pool)
            .order_by(TrackingNumber.pool)
        )
        return [PoolOut(pool=pool, numbers=count) for pool, count in rows if pool is not None]

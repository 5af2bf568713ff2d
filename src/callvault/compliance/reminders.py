"""A reminder before an agreement ends: once a day, the jobs process logs one warning
per active agreement whose ``ends_on`` falls within its ``reminder_days`` (ids, kind
and dates only: no counterparty, no PHI). When the day comes the gate closes by itself
(``callvault.tenants.agreements``); the reminder is there so that it does not surprise
anyone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from callvault.db.tenancy import all_tenants
from callvault.tenants.agreements import (
    AgreementStatus,
    BusinessAssociateAgreement,
    today_utc,
)

log = logging.getLogger("callvault.compliance")

Baa = BusinessAssociateAgreement


@dataclass(frozen=True)
class Ending:
    baa_id: str
    kind: str
    days_left: int


def agreements_ending(session: Session, today: date) -> list[Ending]:
    """Every tenant's active agreements whose end is within their reminder window
    (today included: an agreement ending today has closed its gate already)."""
    with all_tenants(session):  # the jobs process reminds every tenant
        rows = session.execute(
            select(Baa.id, Baa.kind, Baa.ends_on, Baa.reminder_days).where(
                Baa.status == AgreementStatus.ACTIVE.value,
                Baa.ends_on.is_not(None),
                Baa.ends_on >= today,
            )
        ).all()
    return [
        Ending(baa_id, kind, (ends_on - today).days)
        for baa_id, kind, ends_on, reminder_days in rows
        if ends_on is not None and (ends_on - today).days <= reminder_days
    ]


class DailyExpiryReminder:
    """The jobs process's reminder job: at most one round of warnings a day."""

    __name__ = "baa_expiry_reminder"  # what a failure's log line names

    def __init__(self) -> None:
        self._last_day: date | None = None

    def __call__(self, session: Session) -> None:
        today = today_utc()
        if self._last_day == today:
            return
        self._last_day = today
        for ending in agreements_ending(session, today):
            log.warning(
                "business associate agreement ends soon: the PHI it covers stops that day",
                extra={
                    "baa": ending.baa_id,
                    "baa_kind": ending.kind,
                    "days_left": ending.days_left,
                },
            )

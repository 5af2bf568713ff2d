"""The breach clock and the notices a breach of a given size owes (45 CFR 164.404-408).

Pure functions of dates and counts, so the thresholds are tested without seeding 500
callers:

* individuals (164.404): always, within 60 calendar days of discovery;
* the Secretary (164.408): 500 or more affected, within 60 days of discovery; fewer,
  in the annual log, within 60 days after the end of the calendar year of discovery;
* the media (164.406): for each State with more than 500 affected residents, within
  60 days of discovery.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from callvault.phone_states import UNKNOWN

NOTICE_DAYS = 60
SECRETARY_THRESHOLD = 500  # "500 or more" (164.408(b))
MEDIA_THRESHOLD = 500  # "more than 500 residents" (164.406(a))
# A discovery date is refused when it is after today everywhere on Earth (UTC+14), so an
# officer east of Greenwich can enter their own today.
_EARLIEST_ZONE = timedelta(hours=14)


class Duty(StrEnum):
    INDIVIDUALS = "individuals"
    SECRETARY = "secretary"
    SECRETARY_ANNUAL_LOG = "secretary_annual_log"
    MEDIA = "media"


REGULATION = {
    Duty.INDIVIDUALS: "45 CFR 164.404",
    Duty.SECRETARY: "45 CFR 164.408(b)",
    Duty.SECRETARY_ANNUAL_LOG: "45 CFR 164.408(c)",
    Duty.MEDIA: "45 CFR 164.406",
}


@dataclass(frozen=True)
class Obligation:
    duty: Duty
    due_on: date
    state: str | None = None  # the State a media notice is for

    @property
    def regulation(self) -> str:
        return REGULATION[self.duty]


def today_utc() -> date:
    return datetime.now(UTC).date()


def latest_today() -> date:
    """The latest date that is today somewhere: what a discovery date may not exceed."""
    return (datetime.now(UTC) + _EARLIEST_ZONE).date()


def deadline(discovered_on: date) -> date:
    return discovered_on + timedelta(days=NOTICE_DAYS)


def days_remaining(discovered_on: date, today: date) -> int:
    """Days left until the 60-day deadline; negative once it has passed."""
    return (deadline(discovered_on) - today).days


def annual_log_due(discovered_on: date) -> date:
    return date(discovered_on.year, 12, 31) + timedelta(days=NOTICE_DAYS)


def obligations(
    discovered_on: date, affected: int | None, by_state: Mapping[str, int]
) -> list[Obligation]:
    """The notices owed for ``affected`` individuals (None: scope not computed yet, so
    only the notice owed in every case is known)."""
    owed = [Obligation(Duty.INDIVIDUALS, deadline(discovered_on))]
    if affected is None:
        return owed
    if affected >= SECRETARY_THRESHOLD:
        owed.append(Obligation(Duty.SECRETARY, deadline(discovered_on)))
    else:
        owed.append(Obligation(Duty.SECRETARY_ANNUAL_LOG, annual_log_due(discovered_on)))
    owed.extend(
        Obligation(Duty.MEDIA, deadline(discovered_on), state) for state in media_states(by_state)
    )
    return owed


def media_states(by_state: Mapping[str, int]) -> list[str]:
    return sorted(s for s, n in by_state.items() if s != UNKNOWN and n > MEDIA_THRESHOLD)


def discharged(owed: Obligation, notices: Iterable[tuple[str, str | None, date]]) -> date | None:
    """The day a recorded notice ``(duty, state, sent_on)`` discharged ``owed``, if any."""
    days = [sent for duty, state, sent in notices if duty == owed.duty and state == owed.state]
    return min(days) if days else None

"""The training rules every request applies: when a user's training has lapsed, and
what a lapse takes away. Pure functions, no I/O: authentication reads the two facts
they need (the tenant policy's ``required``, the user's ``training_valid_until``)
in the statement that already reads the session and its user."""

from __future__ import annotations

import calendar
from datetime import date

from callvault.authz.permissions import PHI_PERMISSIONS, Permission
from callvault.authz.roles import Policy
from callvault.errors import PermissionDenied

TRAINING_LAPSED_TYPE = "urn:callvault:problem:training-lapsed"
DEFAULT_PERIOD_MONTHS = 12
MAX_PERIOD_MONTHS = 36
# Users are warned (session info, dashboard banner) this many days before a lapse.
WARNING_DAYS = 30


class TrainingLapsed(PermissionDenied):
    """403 ``urn:callvault:problem:training-lapsed``: the role grants this PHI
    permission, but the user's workforce training has lapsed."""

    title = "Workforce training lapsed"
    problem_type = TRAINING_LAPSED_TYPE

    def __init__(self, permission: Permission) -> None:
        super().__init__(
            f"{permission} is suspended until a current workforce training completion is"
            " recorded for this user (ask the compliance officer)"
        )


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_lapsed(required: bool, valid_until: date | None, today: date) -> bool:
    """Lapsed: the tenant requires training and the user has none in force today
    (``valid_until`` is the first day it no longer counts)."""
    return required and (valid_until is None or today >= valid_until)


def suspend_phi(policy: Policy) -> tuple[Policy, frozenset[Permission]]:
    """The policy without its PHI permissions, and the ones it took away (so a refusal
    can say why: a role's 403 and a lapse's 403 are different problems)."""
    suspended = (policy.allow - policy.deny) & PHI_PERMISSIONS
    return Policy(allow=policy.allow - suspended, deny=policy.deny), suspended


def days_left(valid_until: date | None, today: date) -> int | None:
    return None if valid_until is None else (valid_until - today).days

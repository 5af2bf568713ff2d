"""The calls page's query: its GET parameters read into ``SearchFilters``, or the
messages that say what to fix; and the links to the first and next pages, which keep
the filters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import Request

from callvault.authz.permissions import Permission
from callvault.calls.schemas import Direction
from callvault.calls.service import SearchFilters
from callvault.errors import InvalidInput, PermissionDenied
from callvault.phone import PHONE_PATTERN, to_e164
from callvault.web.context import RequestContext

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
TEXT_LIMIT = 100  # campaign and disposition are at most 100 characters when stored
PHONE_LIMIT = 40
CURSOR_LIMIT = 200
PROCESSING_STATES = ("pending", "processing", "done", "failed", "review")
DIRECTIONS = tuple(d.value for d in Direction)
BAD_CURSOR = "The page link is not one this server made: start again."

Ctx = RequestContext


@dataclass(frozen=True)
class Query:
    """The calls page's query as typed, and what was wrong with it."""

    values: dict[str, str]
    filters: SearchFilters | None
    errors: list[str]


def _date(values: dict[str, str], name: str, label: str, errors: list[str]) -> date | None:
    raw = values.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label} is not a date: use the form YYYY-MM-DD.")
        return None


def _phone(values: dict[str, str], name: str, label: str, errors: list[str]) -> str | None:
    raw = values.get(name, "")
    if not raw:
        return None
    if len(raw) > PHONE_LIMIT or not _matches_phone(raw):
        errors.append(f"{label} is not a phone number.")
        return None
    try:
        return to_e164(raw, name)
    except InvalidInput:
        errors.append(f"{label} is not a phone number.")
        return None


def _matches_phone(raw: str) -> bool:
    return re.fullmatch(PHONE_PATTERN, raw) is not None


def _choice(
    values: dict[str, str], name: str, label: str, allowed: tuple[str, ...], errors: list[str]
) -> str | None:
    raw = values.get(name, "")
    if not raw:
        return None
    if raw not in allowed:
        errors.append(f"{label} must be one of: {', '.join(allowed)}.")
        return None
    return raw


def _text(values: dict[str, str], name: str, label: str, errors: list[str]) -> str | None:
    raw = values.get(name, "")
    if not raw:
        return None
    if len(raw) > TEXT_LIMIT:
        errors.append(f"{label} is longer than {TEXT_LIMIT} characters.")
        return None
    return raw


def parse_query(request: Request, ctx: Ctx) -> Query:
    """The page's GET parameters as ``SearchFilters``, or the messages saying what to
    fix. PermissionDenied for a caller number from someone without ``call:read_phi``
    (as the API: even a masked answer would tell whether that number called)."""
    values = {k: v.strip() for k, v in request.query_params.items()}
    if values.get("caller") and not ctx.may(Permission.CALL_READ_PHI):
        raise PermissionDenied("searching by caller number needs call:read_phi")
    errors: list[str] = []
    since = _date(values, "from", "From", errors)
    until = _date(values, "to", "To", errors)
    if since and until and until < since:
        errors.append("To is before From.")
    tracking = _phone(values, "tracking", "Tracking number", errors)
    caller = _phone(values, "caller", "Caller number", errors)
    campaign = _text(values, "campaign", "Campaign", errors)
    disposition = _text(values, "disposition", "Disposition", errors)
    direction = _choice(values, "direction", "Direction", DIRECTIONS, errors)
    state = _choice(values, "state", "Processing state", PROCESSING_STATES, errors)
    cursor = values.get("cursor") or None
    if cursor is not None and len(cursor) > CURSOR_LIMIT:
        errors.append(BAD_CURSOR)
        cursor = None
    limit = PAGE_SIZE
    if values.get("limit"):
        raw = values["limit"]
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            errors.append(f"The page size must be a number from 1 to {MAX_PAGE_SIZE}.")
        else:
            limit = int(raw)
    if errors:
        return Query(values, None, errors)
    filters = SearchFilters(
        caller_number=caller,
        tracking_number=tracking,
        since=_midnight(since),
        until=_midnight(until + timedelta(days=1)) if until else None,
        limit=limit,
        cursor=cursor,
        campaign=campaign,
        direction=direction,
        disposition=disposition,
        processing_state=state,
    )
    return Query(values, filters, [])


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0, 0), tzinfo=UTC)


FILTER_NAMES = (
    "from",
    "to",
    "tracking",
    "caller",
    "campaign",
    "direction",
    "disposition",
    "state",
    "limit",
)


def next_page_href(values: dict[str, str], cursor: str) -> str:
    """The next page: the same filters, and the service's cursor."""
    kept = [(name, values[name]) for name in FILTER_NAMES if values.get(name)]
    return "/calls?" + urlencode([*kept, ("cursor", cursor)])


def first_page_href(values: dict[str, str]) -> str:
    kept = [(name, values[name]) for name in FILTER_NAMES if values.get(name)]
    return "/calls?" + urlencode(kept) if kept else "/calls"

"""Bodies of dynamic number insertion: a visitor session as ``dni.js`` reports it, the
number it is given, and the tenant's DNI settings.

A page's URL can carry PHI (a booking form's query string, a patient portal's path
parameters), so what a session may hold is cut down here as well as in the script:
the landing page's path without query string or fragment, and the referrer's host
alone, even when a client sends more.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field

from callvault.inputs import PRINTABLE, InputModel
from callvault.tracking.dni_models import DEFAULT_SESSION_TTL_MINUTES
from callvault.tracking.schemas import STRICT, Label

MAX_ORIGINS = 20
MAX_TTL_MINUTES = 24 * 60
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_SESSION_ID = r"^[0-9a-f]{32}$"
_DEFAULT_PORTS = {"http": 80, "https": 443}

# The query parameters ``dni.js`` keeps: UTM fields and the ad platforms' click ids.
TRACKED_PARAMETERS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "gclid",
    "fbclid",
    "msclkid",
)


def path_only(value: str) -> str:
    """The path of a landing page, whatever was sent: a full URL loses its scheme and
    host, anything loses its query string and fragment."""
    if "://" in value:
        value = urlsplit(value).path or "/"
    path = re.split(r"[?#]", value, maxsplit=1)[0]
    if not path.startswith("/"):
        raise ValueError("landing_path must be a path starting with /")
    return path


def host_only(value: str) -> str:
    """The host of a referrer, whatever was sent (a host, or a whole URL)."""
    try:
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    except ValueError:
        host = ""
    if len(host) > 253 or not _HOST.fullmatch(host):
        raise ValueError("referrer_host must be a host name")
    return host


def web_origin(value: str) -> str:
    """``scheme://host[:port]`` as a browser sends it in ``Origin`` (lower case, no
    default port); a path, query, user or wildcard is refused."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise ValueError("an origin is scheme://host[:port]") from None
    host = parts.hostname or ""
    if (
        parts.scheme not in _DEFAULT_PORTS
        or not _HOST.fullmatch(host)
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError("an origin is http(s)://host[:port], with no path")
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


Tracked = Annotated[str, Field(min_length=1, max_length=200, pattern=PRINTABLE)]
LandingPath = Annotated[
    str, Field(min_length=1, max_length=2000, pattern=PRINTABLE), AfterValidator(path_only)
]
ReferrerHost = Annotated[
    str, Field(min_length=1, max_length=2000, pattern=PRINTABLE), AfterValidator(host_only)
]
Origin = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(web_origin)]


class DniSessionIn(InputModel):
    """What ``dni.js`` reports of a page view. ``session_id``: the one this browser tab
    was given before, if any (the same number while it lives)."""

    model_config = STRICT

    pool: Label
    session_id: Annotated[str, Field(pattern=_SESSION_ID)] | None = None
    landing_path: LandingPath
    referrer_host: ReferrerHost | None = None
    utm_source: Tracked | None = None
    utm_medium: Tracked | None = None
    utm_campaign: Tracked | None = None
    utm_term: Tracked | None = None
    utm_content: Tracked | None = None
    gclid: Tracked | None = None
    fbclid: Tracked | None = None
    msclkid: Tracked | None = None


class DniSessionOut(BaseModel):
    session_id: str
    number: str  # E.164, for the tel: link
    display: str  # as written at home, for the page's text
    expires_at: datetime


class DniSettingsIn(InputModel):
    """The tenant's DNI settings, replaced whole. No origin: DNI is off."""

    model_config = STRICT

    allowed_origins: Annotated[list[Origin], Field(max_length=MAX_ORIGINS)]
    session_ttl_minutes: Annotated[int, Field(ge=1, le=MAX_TTL_MINUTES)] = (
        DEFAULT_SESSION_TTL_MINUTES
    )


class PoolOut(BaseModel):
    pool: str
    numbers: int  # numbers of active campaigns: those DNI hands out


class DniSettingsOut(BaseModel):
    allowed_origins: list[str]
    session_ttl_minutes: int
    pools: list[PoolOut]

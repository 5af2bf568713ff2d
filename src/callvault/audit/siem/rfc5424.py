"""Audit events as RFC 5424 syslog messages, framed for TLS transport (RFC 5425).

Messages hold ids, outcomes and keyed hashes only (events hold no PHI). Values are
escaped per RFC 5424 section 6.3.3 (``"``, ``\\``, ``]``) and every control character,
CR/LF and ANSI escapes included, is written as inert text (``\\u001b``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from callvault.audit.schemas import iso_ms
from callvault.audit.siem.events import ExportedEvent
from callvault.audit.siem.format import cef_line, event_record, is_control, visible
from callvault.errors import InvalidInput

FACILITIES = {"auth": 4, "authpriv": 10, **{f"local{n}": 16 + n for n in range(8)}}
SEVERITY_WARNING = 4
SEVERITY_NOTICE = 5
DEFAULT_ENTERPRISE_ID = 32473  # RFC 5612's documentation number: use your own PEN
SD_PARAM_NAMES = (
    "tenant",
    "tenant_id",
    "seq",
    "actor_type",
    "actor_id",
    "action",
    "resource_type",
    "resource_id",
    "outcome",
    "source_ip",
    "user_agent",
    "request_id",
    "reason",
    "hashed_terms",
    "leaf_hash",
)


class MessageFormat(StrEnum):
    RFC5424 = "rfc5424"
    CEF = "cef"


@dataclass(frozen=True)
class MessageStyle:
    hostname: str
    facility: str = "authpriv"
    body: MessageFormat = MessageFormat.RFC5424
    enterprise_id: int = DEFAULT_ENTERPRISE_ID

    def __post_init__(self) -> None:
        if self.facility not in FACILITIES:
            raise InvalidInput(f"facility must be one of {', '.join(sorted(FACILITIES))}")
        if self.enterprise_id <= 0:
            raise InvalidInput("the enterprise number must be positive")


_HEADER_TOKEN = re.compile(r"[^\x21-\x7e]")


def header_token(text: str, max_length: int) -> str:
    """An RFC 5424 header field: printable US-ASCII without spaces, or ``-``."""
    cleaned = _HEADER_TOKEN.sub("_", text)[:max_length]
    return cleaned or "-"


def sd_param_value(text: str) -> str:
    """RFC 5424 section 6.3.3: escape ``"``, ``\\`` and ``]``; controls become text."""
    out = []
    for char in text:
        if char in '"\\]':
            out.append("\\" + char)
        elif is_control(char):
            out.append("\\" + visible(char))  # its backslash escaped like any other
        else:
            out.append(char)
    return "".join(out)


def _severity(outcome: str) -> int:
    return SEVERITY_NOTICE if outcome == "allowed" else SEVERITY_WARNING


def _sd_params(event: ExportedEvent) -> Iterator[tuple[str, str]]:
    record = event_record(event)
    record["hashed_terms"] = " ".join(event.hashed_terms) or None
    for name in SD_PARAM_NAMES:
        value = record[name]
        if value is not None:
            yield name, str(value)


def _summary(event: ExportedEvent) -> str:
    """MSG: one short line of ids, in printable ASCII (so no BOM is needed)."""
    text = (
        f"{event.actor_type}:{event.actor_id} {event.action} "
        f"{event.resource_type}:{event.resource_id or '-'} {event.outcome}"
    )
    return "".join(c if 0x20 <= ord(c) < 0x7F else visible(c) for c in text)


def rfc5424_message(event: ExportedEvent, style: MessageStyle) -> bytes:
    """``<PRI>1 TIMESTAMP HOSTNAME callvault - MSGID [SD] MSG`` for one event."""
    pri = FACILITIES[style.facility] * 8 + _severity(event.outcome)
    header = " ".join(
        (
            f"<{pri}>1",
            iso_ms(event.at_ms),
            header_token(style.hostname, 255),
            "callvault",
            "-",
            header_token(event.action, 32),
        )
    )
    if style.body is MessageFormat.CEF:
        return f"{header} - {cef_line(event)}".encode()
    params = " ".join(f'{name}="{sd_param_value(v)}"' for name, v in _sd_params(event))
    sd = f"[callvault@{style.enterprise_id} {params}]"
    return f"{header} {sd} {_summary(event)}".encode()


def octet_frame(message: bytes) -> bytes:
    """RFC 5425 / RFC 6587 octet counting: ``MSG-LEN SP SYSLOG-MSG``."""
    return b"%d %s" % (len(message), message)

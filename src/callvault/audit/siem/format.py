"""Exported events as text: JSON lines and ArcSight CEF.

Log injection: JSON escapes every control and non-ASCII character; CEF and syslog have
escapes only for their delimiters and newlines, so every other control character
(ANSI escapes included) is written as the text ``\\uXXXX`` (see ``visible``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from enum import StrEnum
from importlib import metadata
from ipaddress import IPv4Address, ip_address
from typing import Any

from callvault.audit.schemas import iso_ms
from callvault.audit.siem.events import ExportedEvent


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CEF = "cef"


def is_control(char: str) -> bool:
    code = ord(char)
    # C0, DEL, C1 (0x9b is an 8-bit ANSI CSI), and the Unicode line/paragraph separators.
    return code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029)


def visible(char: str) -> str:
    """A control character as inert text, e.g. ESC -> ``\\u001b``."""
    return f"\\u{ord(char):04x}"


def json_line(event: ExportedEvent) -> str:
    """One JSON object; ``ensure_ascii`` escapes every control and non-ASCII character."""
    return json.dumps(event_record(event), ensure_ascii=True, separators=(",", ":"))


def event_record(event: ExportedEvent) -> dict[str, Any]:
    """The exported fields of an event, by name (JSON lines and syslog share them)."""
    return {
        "tenant": event.tenant.name,
        "tenant_id": event.tenant.id,
        "seq": event.seq,
        "at": iso_ms(event.at_ms),
        "actor_type": event.actor_type,
        "actor_id": event.actor_id,
        "action": event.action,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "outcome": event.outcome,
        "source_ip": event.source_ip,
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "reason": event.reason,
        "hashed_terms": list(event.hashed_terms),
        "leaf_hash": event.leaf_hash.hex(),
    }


_CEF_HEADER = {"\\": "\\\\", "|": "\\|"}
_CEF_EXTENSION = {"\\": "\\\\", "=": "\\=", "\n": "\\n", "\r": "\\r"}
# Higher is worse (CEF severity 0-10): a refusal is what an analyst looks at first.
CEF_SEVERITY = {"allowed": 3, "not_found": 5, "error": 6, "denied": 7}


def _escape(text: str, table: dict[str, str]) -> str:
    out = []
    for char in text:
        if char in table:
            out.append(table[char])
        elif is_control(char):
            out.append("\\" + visible(char))  # the backslash itself escaped, as CEF wants
        else:
            out.append(char)
    return "".join(out)


def cef_header_field(text: str) -> str:
    """Escape ``\\`` and ``|``; newlines are not allowed in the header at all."""
    return _escape(text, _CEF_HEADER)


def cef_extension_value(text: str) -> str:
    """Escape ``\\``, ``=``, CR and LF (the spec's only escapes in extension values)."""
    return _escape(text, _CEF_EXTENSION)


def _product_version() -> str:
    try:
        return metadata.version("callvault")
    except metadata.PackageNotFoundError:
        return "0"


def cef_line(event: ExportedEvent) -> str:
    """``CEF:0|CallVault|CallVault|version|action|action outcome|severity|extensions``."""
    header = [
        "CallVault",
        "CallVault",
        _product_version(),
        event.action,
        f"{event.action} {event.outcome}",
        str(CEF_SEVERITY.get(event.outcome, 6)),
    ]
    extension = " ".join(
        f"{key}={cef_extension_value(value)}" for key, value in _cef_extensions(event)
    )
    return "CEF:0|" + "|".join(cef_header_field(part) for part in header) + "|" + extension


def _cef_extensions(event: ExportedEvent) -> Iterator[tuple[str, str]]:
    yield "rt", str(event.at_ms)
    yield "act", event.action
    yield "outcome", event.outcome
    yield "suid", event.actor_id
    yield from _labelled("cs1", "actorType", event.actor_type)
    yield from _labelled("cs2", "tenant", event.tenant.name)
    yield from _labelled("cs3", "tenantId", event.tenant.id)
    yield from _labelled("cs4", "resourceType", event.resource_type)
    yield from _labelled("cs5", "resourceId", event.resource_id)
    yield from _labelled("cs6", "requestId", event.request_id)
    yield from _labelled("cn1", "seq", str(event.seq))
    yield from _source_address(event.source_ip)
    if event.user_agent is not None:
        yield "requestClientApplication", event.user_agent
    if event.reason is not None:
        yield "reason", event.reason
    yield from _labelled("flexString1", "hashedTerms", " ".join(event.hashed_terms) or None)
    yield from _labelled("flexString2", "leafHash", event.leaf_hash.hex())


def _labelled(key: str, label: str, value: str | None) -> Iterator[tuple[str, str]]:
    if value is not None:
        yield f"{key}Label", label
        yield key, value


def _source_address(source_ip: str | None) -> Iterator[tuple[str, str]]:
    """``src`` holds IPv4 only; IPv6 goes to ``c6a2``; a name (no address) to ``shost``."""
    if source_ip is None:
        return
    try:
        address = ip_address(source_ip)
    except ValueError:
        yield "shost", source_ip
        return
    if isinstance(address, IPv4Address):
        yield "src", source_ip
    else:
        yield from _labelled("c6a2", "Source IPv6 Address", source_ip)


FORMATTERS: dict[ExportFormat, Callable[[ExportedEvent], str]] = {
    ExportFormat.JSONL: json_line,
    ExportFormat.CEF: cef_line,
}

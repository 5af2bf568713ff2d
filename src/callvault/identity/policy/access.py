"""A tenant's access policy: its IP allowlist and its session limits (tighten-only).
How its transcripts are redacted is ``callvault.redaction.policy``."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session

from callvault.errors import InvalidInput
from callvault.tenants.models import TenantPolicy

MAX_IDLE_MINUTES = 15
MAX_ABSOLUTE_MINUTES = 8 * 60


@dataclass(frozen=True)
class AccessPolicy:
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    idle_minutes: int = MAX_IDLE_MINUTES
    absolute_minutes: int = MAX_ABSOLUTE_MINUTES

    def allows_ip(self, address: str | None) -> bool:
        """An empty allowlist allows every address; otherwise the address must match."""
        if not self.networks:
            return True
        if address is None:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


def parse_networks(cidrs: list[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)
    except (ValueError, TypeError):
        raise InvalidInput("ip_allowlist entries must be CIDR networks") from None


def stored_allowlist_allows(stored: str | None, address: str | None) -> bool:
    """Whether a tenant's IP allowlist, as stored (``TenantPolicy.ip_allowlist``, read
    by every request with its session or token), lets ``address`` in; the parsed list
    is cached by its stored text."""
    return AccessPolicy(networks=_networks(stored or "[]")).allows_ip(address)


@lru_cache(maxsize=256)
def _networks(stored: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return parse_networks(json.loads(stored))


def load_access_policy(session: Session, tenant_id: str) -> AccessPolicy:
    row = session.get(TenantPolicy, tenant_id)
    if row is None:
        return AccessPolicy(networks=())
    return AccessPolicy(
        networks=parse_networks(json.loads(row.ip_allowlist or "[]")),
        idle_minutes=row.session_idle_minutes,
        absolute_minutes=row.session_absolute_minutes,
    )


def save_access_policy(
    session: Session,
    tenant_id: str,
    *,
    ip_allowlist: list[str],
    idle_minutes: int,
    absolute_minutes: int,
) -> AccessPolicy:
    if not 1 <= idle_minutes <= MAX_IDLE_MINUTES:
        raise InvalidInput(f"session_idle_minutes must be 1-{MAX_IDLE_MINUTES}")
    if not 1 <= absolute_minutes <= MAX_ABSOLUTE_MINUTES:
        raise InvalidInput(f"session_absolute_minutes must be 1-{MAX_ABSOLUTE_MINUTES}")
    networks = parse_networks(ip_allowlist)
    row = session.get(TenantPolicy, tenant_id) or TenantPolicy(tenant_id=tenant_id)
    row.ip_allowlist = json.dumps([str(n) for n in networks])
    row.session_idle_minutes = idle_minutes
    row.session_absolute_minutes = absolute_minutes
    session.add(row)
    return AccessPolicy(networks, idle_minutes, absolute_minutes)

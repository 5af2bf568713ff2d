"""An incident's scope, computed from the audit trail.

A scope query selects the allowed PHI reads (``PHI_ACCESS_ACTIONS`` on a call) by
actor, source network and time window; an incident's queries are OR-ed. The calls those
events name are the affected records; the people are counted by the caller number's
blind index (never the number), and each is placed in a State by decrypting one of its
numbers inside this module, which hands out counts only.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from callvault.audit.actions import PHI_ACCESS_ACTIONS
from callvault.audit.models import AuditEvent
from callvault.audit.query import to_ms
from callvault.audit.service import Outcome
from callvault.calls.fields import field_ad
from callvault.calls.models import Call
from callvault.crypto.keyring import Keyring
from callvault.incidents.models import IncidentScopeQuery
from callvault.phone_states import UNKNOWN, state_of

_BATCH = 500  # ids per IN (...) list
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class AccessEvent:
    seq: int
    call_id: str


@dataclass(frozen=True)
class CallerOfCall:
    """An affected call's caller: by blind index (None if it has no number any more)
    and State. ``number`` is PHI, for the listing that may show it."""

    call_id: str
    caller_index: str | None
    number: str | None
    state: str


@dataclass(frozen=True)
class ScopeCounts:
    affected_calls: int
    identified_callers: int
    calls_without_number: int
    by_state: dict[str, int]

    @property
    def affected_individuals(self) -> int:
        # A call without a number may be anyone: each counts as one more person.
        return self.identified_callers + self.calls_without_number


def access_events(
    session: Session, tenant_id: str, queries: Sequence[IncidentScopeQuery]
) -> list[AccessEvent]:
    """The PHI reads any of ``queries`` selects, in ``seq`` order, each once."""
    found: dict[int, str] = {}
    for query in queries:
        found.update((event.seq, event.call_id) for event in _matching(session, tenant_id, query))
    return [AccessEvent(seq, found[seq]) for seq in sorted(found)]


def _matching(session: Session, tenant_id: str, query: IncidentScopeQuery) -> list[AccessEvent]:
    conditions: list[ColumnElement[bool]] = [
        AuditEvent.tenant_id == tenant_id,
        AuditEvent.action.in_(sorted(PHI_ACCESS_ACTIONS)),
        AuditEvent.resource_type == "call",
        AuditEvent.outcome == Outcome.ALLOWED.value,
    ]
    if query.actor_id is not None:
        conditions.append(AuditEvent.actor_id == query.actor_id)
    if query.since is not None:
        conditions.append(AuditEvent.at_ms >= to_ms(query.since))
    if query.until is not None:
        conditions.append(AuditEvent.at_ms < to_ms(query.until))
    rows = session.execute(
        select(AuditEvent.seq, AuditEvent.resource_id, AuditEvent.source_ip).where(*conditions)
    )
    # Addresses are matched here, not in SQL: the trail stores them as text, and neither
    # database compares text with a CIDR block.
    network = None if query.network is None else ipaddress.ip_network(query.network)
    return [
        AccessEvent(seq, call_id)
        for seq, call_id, source_ip in rows
        if call_id is not None and (network is None or _in_network(source_ip, network))
    ]


def _in_network(source_ip: str | None, network: Network) -> bool:
    if source_ip is None:
        return False
    try:
        return ipaddress.ip_address(source_ip) in network
    except ValueError:  # not an address (a test client's "testclient", say)
        return False


def callers_of(
    session: Session, keyring: Keyring, tenant_id: str, call_ids: Iterable[str]
) -> list[CallerOfCall]:
    """Each call's caller, in call id order; a call no longer stored has none."""
    wanted = sorted(set(call_ids))
    stored: dict[str, tuple[str | None, bytes | None]] = {}
    for start in range(0, len(wanted), _BATCH):
        rows = session.execute(
            select(Call.id, Call.caller_number_index, Call.caller_number_enc).where(
                Call.tenant_id == tenant_id, Call.id.in_(wanted[start : start + _BATCH])
            )
        )
        stored.update((call_id, (index, enc)) for call_id, index, enc in rows)
    callers = []
    for call_id in wanted:
        index, encrypted = stored.get(call_id, (None, None))
        number = None
        if encrypted is not None:
            ad = field_ad(tenant_id, call_id, "caller_number")
            number = keyring.decrypt_field(tenant_id, encrypted, ad)
        callers.append(CallerOfCall(call_id, index, number, state_of(number)))
    return callers


def count(callers: Sequence[CallerOfCall]) -> ScopeCounts:
    """People per State: one per distinct blind index (its calls share one number, so
    one State), one per call without a number (in ``unknown``)."""
    state_of_caller: dict[str, str] = {}
    without_number = 0
    for caller in callers:
        if caller.caller_index is None:
            without_number += 1
        else:
            state_of_caller.setdefault(caller.caller_index, caller.state)
    by_state = Counter(state_of_caller.values())
    if without_number:
        by_state[UNKNOWN] += without_number
    return ScopeCounts(len(callers), len(state_of_caller), without_number, dict(by_state))

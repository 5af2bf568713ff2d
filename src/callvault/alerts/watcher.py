"""The watcher: evaluates each tenant's new audit events against the rules.

For each tenant whose log has grown past its cursor, batches of events are read in
``seq`` order and evaluated without a lock; then one short transaction locks the cursor
row (``SELECT ... FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` serializes writers
anyway) and, if the cursor is still where the batch began, stores the alerts it raised
and the networks it saw and moves the cursor. Another watcher that got there first
moved it: the batch is dropped, so with several server processes each event is still
evaluated exactly once, and a crash in between leaves the batch to be evaluated again,
whole.

Given a read-only session (the jobs process's), the evaluation takes no write lock:
on SQLite a batch evaluated inside the write transaction held the lock for tens of
milliseconds, and every audited read waited behind it (bench/RESULTS.md, "the jobs
process's share").

Sequence numbers are handed out under the log head's lock and committed in order, so
once ``seq`` n is visible no smaller one can appear later: the cursor never skips.

It reads the audit tables, its own tables and users' family names; never PHI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callvault.alerts.models import Alert, AlertCursor, DeliveryStatus, KnownNetwork
from callvault.alerts.rules import (
    WINDOW_MS,
    AlertConfig,
    Event,
    Finding,
    Rule,
    burst_findings,
    is_denied,
    is_phi_read,
    is_sign_in,
    new_network_findings,
    off_hours_findings,
    same_surname_findings,
)
from callvault.alerts.service import config_from, load_settings_row
from callvault.audit.models import AuditEvent, AuditLog
from callvault.audit.runtime import runtime
from callvault.audit.surnames import surname_term
from callvault.db.base import utcnow, write_aside
from callvault.identity.models import User

BATCH_SIZE = 500
MAX_BATCHES_PER_RUN = 20  # bounds one background tick; the rest waits for the next
HISTORY_PAGE = 200

# How close (ms) a new finding must follow an alert's last evidence to extend that
# alert rather than raise another; a new network is always its own alert.
MERGE_GAP_MS = {
    Rule.MASS_ACCESS: WINDOW_MS,
    Rule.DENIED_BURST: WINDOW_MS,
    Rule.OFF_HOURS: 60 * 60 * 1000,
    Rule.SAME_SURNAME: 60 * 60 * 1000,
    Rule.NEW_NETWORK: -1,
}

_EVENT_COLUMNS = (
    AuditEvent.seq,
    AuditEvent.at_ms,
    AuditEvent.actor_type,
    AuditEvent.actor_id,
    AuditEvent.action,
    AuditEvent.outcome,
    AuditEvent.source_ip,
    AuditEvent.hashed_terms,
)


def run_watcher(session: Session, *, batch_size: int = BATCH_SIZE) -> int:
    """Evaluate every tenant's unevaluated events (committing batch by batch) and
    return how many were evaluated. The server runs it every second."""
    tenants = _tenants_behind(session)
    session.rollback()  # hold no lock while choosing
    evaluated = 0
    for tenant_id in tenants:
        for _ in range(MAX_BATCHES_PER_RUN):
            count = evaluate_batch(session, tenant_id, batch_size)
            session.commit()
            evaluated += count
            if count < batch_size:
                break
    return evaluated


def _tenants_behind(session: Session) -> list[str]:
    stmt = (
        select(AuditLog.tenant_id)
        .outerjoin(AlertCursor, AlertCursor.tenant_id == AuditLog.tenant_id)
        .where(AuditLog.size > func.coalesce(AlertCursor.next_seq, 0))
    )
    return list(session.execute(stmt).scalars())


def evaluate_batch(session: Session, tenant_id: str, batch_size: int = BATCH_SIZE) -> int:
    """Evaluate the next batch of one tenant's events and store what it found (aside,
    from a read-only session; else in the caller's transaction, which must commit it);
    return how many events it held, or 0 if another watcher took the batch."""
    start = _cursor_position(session, tenant_id)
    events = _events(session, tenant_id, start, batch_size)
    if not events:
        return 0
    settings = load_settings_row(session, tenant_id)
    evaluated = _evaluate(session, tenant_id, events, config_from(settings))
    pending = settings.webhook_url is not None
    end = events[-1].seq + 1

    def store(writer: Session) -> bool:
        return _store_batch(writer, tenant_id, start, end, evaluated, pending)

    return len(events) if write_aside(session, store) else 0


def _store_batch(
    session: Session, tenant_id: str, start: int, end: int, evaluated: _Evaluated, pending: bool
) -> bool:
    """Store a batch's alerts and networks and move the cursor to ``end``, unless
    another watcher moved it since the batch was read at ``start``."""
    cursor = _lock_cursor(session, tenant_id)
    if cursor.next_seq != start:
        return False
    session.add_all(evaluated.networks)
    _store_alerts(session, tenant_id, evaluated.findings, pending)
    cursor.next_seq = end
    cursor.updated_at = utcnow()
    session.flush()
    return True


def _cursor_position(session: Session, tenant_id: str) -> int:
    stmt = select(AlertCursor.next_seq).where(AlertCursor.tenant_id == tenant_id)
    return session.execute(stmt).scalar_one_or_none() or 0


def _lock_cursor(session: Session, tenant_id: str) -> AlertCursor:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(AlertCursor)
        .values(tenant_id=tenant_id, next_seq=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["tenant_id"])
    )
    stmt = (
        select(AlertCursor)
        .where(AlertCursor.tenant_id == tenant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.execute(stmt).scalar_one()


def _events(session: Session, tenant_id: str, from_seq: int, limit: int) -> list[Event]:
    stmt = (
        select(*_EVENT_COLUMNS)
        .where(AuditEvent.tenant_id == tenant_id, AuditEvent.seq >= from_seq)
        .order_by(AuditEvent.seq)
        .limit(limit)
    )
    return [Event(*row) for row in session.execute(stmt)]


# -- evaluation ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Evaluated:
    findings: list[Finding]
    networks: list[KnownNetwork]  # first seen in the batch: stored with its alerts


def _evaluate(
    session: Session, tenant_id: str, events: list[Event], config: AlertConfig
) -> _Evaluated:
    findings: list[Finding] = []
    networks: list[KnownNetwork] = []
    bursts = [
        (Rule.MASS_ACCESS, is_phi_read, config.mass_access_threshold),
        (Rule.DENIED_BURST, is_denied, config.denied_burst_threshold),
    ]
    bursts = [b for b in bursts if config.enabled(b[0])]
    if bursts:
        history = _history(session, tenant_id, events, bursts)
        for rule, matches, threshold in bursts:
            findings += burst_findings(rule, events, history, matches, threshold)
    if config.enabled(Rule.OFF_HOURS):
        findings += off_hours_findings(events, config.hours)
    if config.enabled(Rule.NEW_NETWORK):
        found, networks = _new_networks(session, tenant_id, events)
        findings += found
    if config.enabled(Rule.SAME_SURNAME):
        findings += same_surname_findings(events, _surname_hashes(session, tenant_id, events))
    return _Evaluated(sorted(findings, key=lambda f: (f.last_seq, f.rule)), networks)


Burst = tuple[Rule, Callable[[Event], bool], int]


def _history(
    session: Session, tenant_id: str, events: Sequence[Event], bursts: Sequence[Burst]
) -> list[Event]:
    """The matching events, before the batch, of each actor with a matching event in it,
    within the window before the batch's first event; oldest first."""
    since_ms = events[0].at_ms - WINDOW_MS
    actors = {e.actor for e in events if any(match(e) for _, match, _ in bursts)}
    found: list[Event] = []
    for actor in sorted(actors):
        found += _actor_history(session, tenant_id, actor, events[0].seq, since_ms, bursts)
    return sorted(found, key=lambda e: e.seq)


def _actor_history(
    session: Session,
    tenant_id: str,
    actor: tuple[str, str],
    before_seq: int,
    since_ms: int,
    bursts: Sequence[Burst],
) -> list[Event]:
    """Walk the actor's events backwards (index on tenant, actor, seq) page by page
    until leaving the window, or until every rule holds as many matches as its
    threshold (more cannot change whether it fires)."""
    wanted = {rule: threshold for rule, _, threshold in bursts}
    found: list[Event] = []
    while True:
        stmt = (
            select(*_EVENT_COLUMNS)
            .where(
                AuditEvent.tenant_id == tenant_id,
                AuditEvent.actor_id == actor[1],
                AuditEvent.seq < before_seq,
            )
            .order_by(AuditEvent.seq.desc())
            .limit(HISTORY_PAGE)
        )
        page = [Event(*row) for row in session.execute(stmt)]
        for event in page:
            if event.at_ms <= since_ms:
                return found
            hits = [rule for rule, match, _ in bursts if match(event)]
            if event.actor_type != actor[0] or not hits:
                continue
            found.append(event)
            for rule in hits:
                wanted[rule] -= 1
            if all(left <= 0 for left in wanted.values()):
                return found
        if len(page) < HISTORY_PAGE:
            return found
        before_seq = page[-1].seq


def _new_networks(
    session: Session, tenant_id: str, events: list[Event]
) -> tuple[list[Finding], list[KnownNetwork]]:
    users = {e.actor_id for e in events if is_sign_in(e)}
    if not users:
        return [], []
    known: dict[str, set[str]] = {}
    rows = session.execute(
        select(KnownNetwork.actor_id, KnownNetwork.network).where(
            KnownNetwork.tenant_id == tenant_id, KnownNetwork.actor_id.in_(users)
        )
    )
    for actor_id, network in rows:
        known.setdefault(actor_id, set()).add(network)
    findings, first_seen = new_network_findings(events, known)
    networks = [
        KnownNetwork(
            tenant_id=tenant_id,
            actor_id=event.actor_id,
            network=network,
            first_seq=event.seq,
            first_at_ms=event.at_ms,
        )
        for event, network in first_seen
    ]
    return findings, networks


def _surname_hashes(session: Session, tenant_id: str, events: list[Event]) -> dict[str, str]:
    """user id -> keyed hash of "surname:<their family name>", for the batch's readers."""
    readers = {e.actor_id for e in events if e.actor_type == "user" and e.hashed_terms}
    if not readers:
        return {}
    rows = session.execute(
        select(User.id, User.family_name).where(
            User.tenant_id == tenant_id, User.id.in_(readers), User.family_name.is_not(None)
        )
    )
    terms = {user_id: surname_term(name) for user_id, name in rows}
    head = session.get_one(AuditLog, tenant_id)
    keys = runtime(session).keys
    return {
        user_id: keys.term_hash(tenant_id, head.wrapped_secret, term)
        for user_id, term in terms.items()
        if term is not None
    }


# -- alerts --------------------------------------------------------------------------


@dataclass
class _Open:
    """The latest alert of one (rule, actor), looked up once per batch."""

    alert: Alert | None


def _store_alerts(
    session: Session, tenant_id: str, findings: Iterable[Finding], pending: bool
) -> None:
    latest: dict[tuple[Rule, str, str], _Open] = {}
    for finding in findings:
        key = (finding.rule, finding.actor_type, finding.actor_id)
        if key not in latest:
            latest[key] = _Open(_latest_alert(session, tenant_id, *key))
        current = latest[key].alert
        if current is not None and _extends(current, finding):
            current.last_seq = finding.last_seq
            current.last_at_ms = finding.last_at_ms
            current.count += 1
            continue
        latest[key].alert = _new_alert(session, tenant_id, finding, pending)


def _extends(alert: Alert, finding: Finding) -> bool:
    gap = MERGE_GAP_MS[finding.rule]
    return gap >= 0 and finding.last_at_ms - alert.last_at_ms <= gap


def _latest_alert(
    session: Session, tenant_id: str, rule: Rule, actor_type: str, actor_id: str
) -> Alert | None:
    stmt = (
        select(Alert)
        .where(
            Alert.tenant_id == tenant_id,
            Alert.rule == rule.value,
            Alert.actor_id == actor_id,
            Alert.actor_type == actor_type,
        )
        .order_by(Alert.last_seq.desc())
        .limit(1)
    )
    return session.execute(stmt).scalar_one_or_none()


def _new_alert(session: Session, tenant_id: str, finding: Finding, pending: bool) -> Alert:
    now = utcnow()
    alert = Alert(
        tenant_id=tenant_id,
        rule=finding.rule.value,
        actor_type=finding.actor_type,
        actor_id=finding.actor_id,
        first_seq=finding.first_seq,
        last_seq=finding.last_seq,
        first_at_ms=finding.first_at_ms,
        last_at_ms=finding.last_at_ms,
        count=finding.count,
        detail=finding.detail,
        created_at=now,
        delivery_status=DeliveryStatus.PENDING if pending else DeliveryStatus.NOT_CONFIGURED,
        delivery_attempts=0,
        next_attempt_at=now if pending else None,
    )
    session.add(alert)
    return alert

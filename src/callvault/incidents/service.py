"""Incidents (``incident:admin``): opened with their discovery date, scoped from the
audit trail, documented on a timeline, exported as verifiable evidence, closed.

Every step is audited with the incident's id; counts go into the event's ``reason``,
never a number or a name. The one answer with PHI (the affected calls and their
numbers) needs ``call:read_phi`` as well, and hashes the numbers into its event.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import NoReturn

from sqlalchemy import select

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.query import AuditReader
from callvault.audit.service import Outcome
from callvault.authz.permissions import Permission
from callvault.db.base import utcnow
from callvault.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from callvault.incidents import clock, scope
from callvault.incidents.models import Incident, IncidentScopeQuery, IncidentTimelineEntry
from callvault.incidents.schemas import (
    AffectedCall,
    AffectedCalls,
    EntryKind,
    EvidenceBundle,
    IncidentIn,
    IncidentList,
    IncidentOut,
    IncidentSummary,
    ObligationOut,
    ScopeOut,
    ScopeQueryIn,
    ScopeQueryOut,
    TimelineEntryOut,
    TimelineIn,
)

EVIDENCE_FORMAT = "callvault-incident-evidence-v1"


class IncidentService:
    """The incidents of the principal's tenant (its context's session is scoped to it)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._session = ctx.session
        self._tenant_id = ctx.tenant_id

    def create(self, data: IncidentIn) -> IncidentOut:
        if data.discovered_on > clock.latest_today():
            raise InvalidInput("discovered_on must not be in the future")
        incident = Incident(
            tenant_id=self._tenant_id,
            title=data.title,
            discovered_on=data.discovered_on,
            created_by=self._ctx.principal.actor_id,
        )
        self._session.add(incident)
        self._session.flush()
        self._append(incident, EntryKind.CREATED)
        self._ctx.audit(AuditAction.INCIDENT_CREATE, incident.id)
        self._session.commit()
        return self._out(incident)

    def list_incidents(self) -> IncidentList:
        """Newest discovery first; the listing is itself audited."""
        rows = self._session.execute(
            select(Incident)
            .where(Incident.tenant_id == self._tenant_id)
            .order_by(Incident.discovered_on.desc(), Incident.created_at.desc())
        ).scalars()
        items = [_summary(incident) for incident in rows]
        self._ctx.audit_read(AuditAction.INCIDENT_LIST, None)
        return IncidentList(items=items)

    def get(self, incident_id: str) -> IncidentOut:
        out = self._out(self._find(incident_id, AuditAction.INCIDENT_LIST))
        self._ctx.audit_read(AuditAction.INCIDENT_LIST, incident_id)
        return out

    def add_scope_query(self, incident_id: str, data: ScopeQueryIn) -> IncidentOut:
        """Add a query and compute the scope of all the incident's queries again."""
        incident = self._open_incident(incident_id, AuditAction.INCIDENT_SCOPE)
        self._session.add(
            IncidentScopeQuery(
                tenant_id=self._tenant_id,
                incident_id=incident.id,
                actor_id=data.actor_id,
                network=data.network,
                since=data.since,
                until=data.until,
            )
        )
        self._session.flush()
        counts = self._compute_scope(incident)
        summary = f"calls={counts.affected_calls} individuals={counts.affected_individuals}"
        self._append(incident, EntryKind.SCOPE_COMPUTED, note=summary)
        self._ctx.audit(AuditAction.INCIDENT_SCOPE, incident.id, reason=summary)
        self._session.commit()
        return self._out(incident)

    def affected(self, incident_id: str) -> AffectedCalls:
        """The affected calls with their numbers: PHI, so ``call:read_phi`` too."""
        incident = self._find(incident_id, AuditAction.INCIDENT_AFFECTED_LIST)
        if not self._ctx.may(Permission.CALL_READ_PHI):
            self._ctx.audit_refusal(Permission.CALL_READ_PHI, incident.id, outcome=Outcome.DENIED)
            raise PermissionDenied("listing the affected calls needs call:read_phi")
        callers = self._callers(incident)
        numbers = sorted({c.number for c in callers if c.number is not None})
        self._ctx.audit(AuditAction.INCIDENT_AFFECTED_LIST, incident.id, phi_terms=numbers)
        self._session.commit()
        return AffectedCalls(
            items=[
                AffectedCall(call_id=c.call_id, caller_number=c.number, state=c.state)
                for c in callers
            ]
        )

    def evidence(self, incident_id: str) -> EvidenceBundle:
        """The audit slice of the scope with inclusion proofs in a freshly signed head."""
        incident = self._find(incident_id, AuditAction.INCIDENT_EVIDENCE)
        queries = self._queries(incident)
        events = scope.access_events(self._session, self._tenant_id, queries)
        proven = AuditReader(self._ctx).proven_slice([event.seq for event in events])
        summary = f"events={len(proven.events)} tree_size={proven.tree_head.tree_size}"
        self._append(incident, EntryKind.EVIDENCE_EXPORTED, note=summary)
        self._ctx.audit(AuditAction.INCIDENT_EVIDENCE, incident.id, reason=summary)
        self._session.commit()
        return EvidenceBundle(
            format=EVIDENCE_FORMAT,
            generated_at=utcnow(),
            incident=_summary(incident),
            scope_queries=[_query_out(q) for q in queries],
            tree_head=proven.tree_head,
            events=proven.events,
        )

    def add_to_timeline(self, incident_id: str, data: TimelineIn) -> IncidentOut:
        incident = self._open_incident(incident_id, AuditAction.INCIDENT_TIMELINE)
        if data.sent_on is not None:
            self._check_sent_on(incident, data.sent_on)
        self._append(
            incident,
            data.kind,
            duty=data.duty,
            state=data.state,
            sent_on=data.sent_on,
            note=data.note,
        )
        self._ctx.audit(AuditAction.INCIDENT_TIMELINE, incident.id, reason=data.kind.value)
        self._session.commit()
        return self._out(incident)

    def close(self, incident_id: str) -> IncidentOut:
        incident = self._open_incident(incident_id, AuditAction.INCIDENT_CLOSE)
        incident.closed_at = utcnow()
        self._append(incident, EntryKind.CLOSED)
        self._ctx.audit(AuditAction.INCIDENT_CLOSE, incident.id)
        self._session.commit()
        return self._out(incident)

    # -- helpers ------------------------------------------------------------------------

    def _compute_scope(self, incident: Incident) -> scope.ScopeCounts:
        counts = scope.count(self._callers(incident))
        incident.scope_computed_at = utcnow()
        incident.scope_calls = counts.affected_calls
        incident.scope_identified = counts.identified_callers
        incident.scope_unnumbered = counts.calls_without_number
        incident.scope_by_state = json.dumps(counts.by_state, sort_keys=True)
        return counts

    def _callers(self, incident: Incident) -> list[scope.CallerOfCall]:
        events = scope.access_events(self._session, self._tenant_id, self._queries(incident))
        call_ids = {event.call_id for event in events}
        return scope.callers_of(self._session, self._ctx.keyring, self._tenant_id, call_ids)

    def _queries(self, incident: Incident) -> list[IncidentScopeQuery]:
        return list(
            self._session.execute(
                select(IncidentScopeQuery)
                .where(
                    IncidentScopeQuery.tenant_id == self._tenant_id,
                    IncidentScopeQuery.incident_id == incident.id,
                )
                .order_by(IncidentScopeQuery.created_at, IncidentScopeQuery.id)
            ).scalars()
        )

    def _timeline(self, incident: Incident) -> list[IncidentTimelineEntry]:
        return list(
            self._session.execute(
                select(IncidentTimelineEntry)
                .where(
                    IncidentTimelineEntry.tenant_id == self._tenant_id,
                    IncidentTimelineEntry.incident_id == incident.id,
                )
                .order_by(IncidentTimelineEntry.at, IncidentTimelineEntry.id)
            ).scalars()
        )

    def _append(
        self,
        incident: Incident,
        kind: EntryKind,
        *,
        duty: clock.Duty | None = None,
        state: str | None = None,
        sent_on: date | None = None,
        note: str | None = None,
    ) -> None:
        self._session.add(
            IncidentTimelineEntry(
                tenant_id=self._tenant_id,
                incident_id=incident.id,
                actor_id=self._ctx.principal.actor_id,
                kind=kind.value,
                duty=None if duty is None else duty.value,
                state=state,
                sent_on=sent_on,
                note=note,
            )
        )

    def _check_sent_on(self, incident: Incident, sent_on: date) -> None:
        if sent_on > clock.latest_today():
            raise InvalidInput("sent_on must not be in the future")
        if sent_on < incident.discovered_on:
            raise InvalidInput("sent_on must not be before discovered_on")

    def _open_incident(self, incident_id: str, action: AuditAction) -> Incident:
        incident = self._find(incident_id, action)
        if incident.closed_at is not None:
            raise Conflict("the incident is closed")
        return incident

    def _find(self, incident_id: str, action: AuditAction) -> Incident:
        mine = select(Incident).where(Incident.tenant_id == self._tenant_id)
        incident = self._session.execute(
            mine.where(Incident.id == incident_id)
        ).scalar_one_or_none()
        if incident is None:
            self._not_found(action, incident_id)
        return incident

    def _not_found(self, action: AuditAction, incident_id: str) -> NoReturn:
        """Audit the attempt on an incident this tenant does not have, then raise 404."""
        self._ctx.audit_refusal(action, incident_id, outcome=Outcome.NOT_FOUND)
        raise NotFound("no such incident")

    def _out(self, incident: Incident) -> IncidentOut:
        timeline = self._timeline(incident)
        return IncidentOut(
            **_summary(incident).model_dump(),
            created_at=incident.created_at,
            created_by=incident.created_by,
            closed_at=incident.closed_at,
            scope_queries=[_query_out(q) for q in self._queries(incident)],
            scope=_scope_out(incident),
            obligations=_obligations(incident, timeline),
            timeline=[_entry_out(entry) for entry in timeline],
        )


def _summary(incident: Incident) -> IncidentSummary:
    counts = _scope_out(incident)
    return IncidentSummary(
        id=incident.id,
        title=incident.title,
        discovered_on=incident.discovered_on,
        deadline=clock.deadline(incident.discovered_on),
        days_remaining=clock.days_remaining(incident.discovered_on, clock.today_utc()),
        status="open" if incident.closed_at is None else "closed",
        affected_individuals=None if counts is None else counts.affected_individuals,
    )


def _scope_out(incident: Incident) -> ScopeOut | None:
    if incident.scope_computed_at is None:
        return None
    counts = scope.ScopeCounts(
        affected_calls=incident.scope_calls or 0,
        identified_callers=incident.scope_identified or 0,
        calls_without_number=incident.scope_unnumbered or 0,
        by_state=json.loads(incident.scope_by_state or "{}"),
    )
    return ScopeOut(
        computed_at=incident.scope_computed_at,
        affected_individuals=counts.affected_individuals,
        **dataclasses.asdict(counts),
    )


def _obligations(incident: Incident, timeline: list[IncidentTimelineEntry]) -> list[ObligationOut]:
    counts = _scope_out(incident)
    affected = None if counts is None else counts.affected_individuals
    by_state = {} if counts is None else counts.by_state
    sent = [(e.duty or "", e.state, e.sent_on) for e in timeline if e.sent_on is not None]
    today = clock.today_utc()
    return [
        ObligationOut(
            duty=owed.duty,
            state=owed.state,
            regulation=owed.regulation,
            due_on=owed.due_on,
            days_remaining=(owed.due_on - today).days,
            sent_on=clock.discharged(owed, sent),
        )
        for owed in clock.obligations(incident.discovered_on, affected, by_state)
    ]


def _query_out(query: IncidentScopeQuery) -> ScopeQueryOut:
    return ScopeQueryOut(
        id=query.id,
        actor_id=query.actor_id,
        network=query.network,
        since=query.since,
        until=query.until,
    )


def _entry_out(entry: IncidentTimelineEntry) -> TimelineEntryOut:
    return TimelineEntryOut(
        at=entry.at,
        actor_id=entry.actor_id,
        kind=EntryKind(entry.kind),
        duty=None if entry.duty is None else clock.Duty(entry.duty),
        state=entry.state,
        sent_on=entry.sent_on,
        note=entry.note,
    )

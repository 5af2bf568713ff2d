"""The incident tables. None holds PHI: scope results are counts, queries name actors,
networks and times, and the timeline holds the officer's own notes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callvault.db.base import Base, UTCDateTime, new_id, utcnow


class Incident(Base):
    """A possible breach. ``discovered_on`` starts the clock; the ``scope_*`` columns
    hold the last scope computed from the audit trail (None until one is)."""

    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    discovered_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    scope_computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    scope_calls: Mapped[int | None] = mapped_column(Integer, nullable=True)
    scope_identified: Mapped[int | None] = mapped_column(Integer, nullable=True)
    scope_unnumbered: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # {"California": 3, "unknown": 1}, as JSON: counts of individuals per state.
    scope_by_state: Mapped[str | None] = mapped_column(Text, nullable=True)


class IncidentScopeQuery(Base):
    """One question put to the audit trail; its criteria combine with AND, an
    incident's queries with OR."""

    __tablename__ = "incident_scope_queries"
    __table_args__ = (Index("ix_incident_scope_queries_incident", "tenant_id", "incident_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"))
    actor_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    network: Mapped[str | None] = mapped_column(String(64), nullable=True)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IncidentTimelineEntry(Base):
    """Something done about an incident, appended by the service; never edited."""

    __tablename__ = "incident_timeline"
    __table_args__ = (Index("ix_incident_timeline_incident", "tenant_id", "incident_id", "at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    # For a notice: which duty it discharges, the state (media notice) and the day sent.
    duty: Mapped[str | None] = mapped_column(String(32), nullable=True)
    state: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(String(1000), nullable=True)

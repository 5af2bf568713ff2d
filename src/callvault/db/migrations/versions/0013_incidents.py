"""incidents: breach incidents, their scope queries and their timelines

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 13:00:00

The tables of ``callvault.incidents``. None holds PHI: scope results are counts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
    )


def _incident_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["incident_id"], ["incidents.id"], name=op.f(f"fk_{table}_incident_id_incidents")
    )


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("discovered_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scope_computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scope_calls", sa.Integer(), nullable=True),
        sa.Column("scope_identified", sa.Integer(), nullable=True),
        sa.Column("scope_unnumbered", sa.Integer(), nullable=True),
        sa.Column("scope_by_state", sa.Text(), nullable=True),
        _tenant_fk("incidents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index(op.f("ix_incidents_tenant_id"), "incidents", ["tenant_id"])
    op.create_table(
        "incident_scope_queries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("incident_id", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("network", sa.String(length=64), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("incident_scope_queries"),
        _incident_fk("incident_scope_queries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_scope_queries")),
    )
    op.create_index(
        "ix_incident_scope_queries_incident",
        "incident_scope_queries",
        ["tenant_id", "incident_id"],
    )
    op.create_table(
        "incident_timeline",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("incident_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("duty", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=64), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        _tenant_fk("incident_timeline"),
        _incident_fk("incident_timeline"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_timeline")),
    )
    op.create_index(
        "ix_incident_timeline_incident", "incident_timeline", ["tenant_id", "incident_id", "at"]
    )


def downgrade() -> None:
    op.drop_table("incident_timeline")
    op.drop_table("incident_scope_queries")
    op.drop_table("incidents")

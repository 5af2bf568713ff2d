"""anomaly alerts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00

Tables of ``callvault.alerts.models`` and ``users.family_name``. Tenants that already
have an audit log get a cursor at its current end: the watcher starts with the events
that come after the upgrade, instead of raising (and sending) alerts about history.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
    )


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_name", sa.String(length=100), nullable=True))
    cursors = op.create_table(
        "audit_alert_cursors",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("next_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("audit_alert_cursors"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_audit_alert_cursors")),
    )
    op.create_table(
        "audit_alerts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("first_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivery_status", sa.String(length=16), nullable=False),
        sa.Column("delivery_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=100), nullable=True),
        _tenant_fk("audit_alerts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_alerts")),
    )
    op.create_index("ix_audit_alerts_listing", "audit_alerts", ["tenant_id", "created_at", "id"])
    op.create_index(
        "ix_audit_alerts_actor", "audit_alerts", ["tenant_id", "rule", "actor_id", "last_seq"]
    )
    op.create_index(
        "ix_audit_alerts_delivery", "audit_alerts", ["delivery_status", "next_attempt_at"]
    )
    op.create_table(
        "audit_alert_settings",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("mass_access_threshold", sa.Integer(), nullable=False),
        sa.Column("denied_burst_threshold", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("work_days", sa.String(length=40), nullable=False),
        sa.Column("work_start_minute", sa.Integer(), nullable=False),
        sa.Column("work_end_minute", sa.Integer(), nullable=False),
        sa.Column("disabled_rules", sa.Text(), nullable=False),
        sa.Column("webhook_url", sa.String(length=2048), nullable=True),
        sa.Column("webhook_secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("audit_alert_settings"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_audit_alert_settings")),
    )
    op.create_table(
        "audit_alert_networks",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("first_at_ms", sa.BigInteger(), nullable=False),
        _tenant_fk("audit_alert_networks"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "actor_id", "network", name=op.f("pk_audit_alert_networks")
        ),
    )
    _start_cursors_at_log_end(cursors)


def _start_cursors_at_log_end(cursors: sa.Table) -> None:
    heads = op.get_bind().execute(sa.text("SELECT tenant_id, size FROM audit_logs")).all()
    now = datetime.now(UTC)
    rows = [{"tenant_id": t, "next_seq": size, "updated_at": now} for t, size in heads]
    if rows:
        op.bulk_insert(cursors, rows)


def downgrade() -> None:
    op.drop_table("audit_alert_networks")
    op.drop_table("audit_alert_settings")
    op.drop_index("ix_audit_alerts_delivery", table_name="audit_alerts")
    op.drop_index("ix_audit_alerts_actor", table_name="audit_alerts")
    op.drop_index("ix_audit_alerts_listing", table_name="audit_alerts")
    op.drop_table("audit_alerts")
    op.drop_table("audit_alert_cursors")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("family_name")

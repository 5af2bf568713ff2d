"""tracking: campaigns, tracking numbers, calls.campaign_id

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:00:00

New tables of ``callvault.tracking.models``, and ``calls.campaign_id``. The free-text
campaigns calls already carry become campaign rows (one per distinct tenant and text)
and those calls point at them; ``calls.campaign`` itself is kept as it is, since
reports and exports read it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("medium", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_campaigns_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_campaigns_tenant_id")),
    )
    op.create_table(
        "tracking_numbers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("medium", sa.String(length=100), nullable=True),
        sa.Column("pool", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_tracking_numbers_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_tracking_numbers_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_numbers")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_tracking_numbers_tenant_id")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_calls_campaign_id_campaigns"), "campaigns", ["campaign_id"], ["id"]
        )
    _move_free_text_campaigns()


def _move_free_text_campaigns() -> None:
    """One campaign per distinct (tenant, text) of ``calls.campaign``, and every such
    call linked to it. Ids are made here (no portable random-id function in SQL); the
    link is one correlated UPDATE, the same on SQLite and PostgreSQL."""
    bind = op.get_bind()
    pairs = bind.execute(
        sa.text(
            "SELECT DISTINCT tenant_id, campaign FROM calls"
            " WHERE campaign IS NOT NULL AND campaign <> ''"
        )
    ).all()
    if not pairs:
        return
    campaigns = sa.table(
        "campaigns",
        sa.column("id", sa.String),
        sa.column("tenant_id", sa.String),
        sa.column("name", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        campaigns,
        [
            {"id": uuid.uuid4().hex, "tenant_id": tenant, "name": name, "created_at": now}
            for tenant, name in pairs
        ],
    )
    bind.execute(
        sa.text(
            "UPDATE calls SET campaign_id = (SELECT campaigns.id FROM campaigns"
            " WHERE campaigns.tenant_id = calls.tenant_id AND campaigns.name = calls.campaign)"
            " WHERE campaign IS NOT NULL AND campaign <> ''"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_calls_campaign_id_campaigns"), type_="foreignkey")
        batch_op.drop_column("campaign_id")
    op.drop_table("tracking_numbers")
    op.drop_table("campaigns")

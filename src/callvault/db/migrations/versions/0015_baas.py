"""baas: the tenant's business associate agreements, which open the PHI gate

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 13:00:00

The table of ``callvault.tenants.agreements`` (the registry is ``callvault.compliance``).
Existing tenants get no agreement: their PHI ingest is refused until one is recorded
and activated (docs/compliance.md says how).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "baas",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("signers", sa.Text(), nullable=False),
        sa.Column("reminder_days", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_baas_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_baas")),
    )
    op.create_index("ix_baas_tenant_kind_status", "baas", ["tenant_id", "kind", "status"])


def downgrade() -> None:
    op.drop_index("ix_baas_tenant_kind_status", table_name="baas")
    op.drop_table("baas")

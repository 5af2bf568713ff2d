"""exports: bulk exports requested by one person, approved by a second

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 14:00:00

The table of ``callvault.lifecycle.exports``. No column holds PHI.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("parts", sa.String(length=64), nullable=False),
        sa.Column("originals", sa.Boolean(), nullable=False),
        sa.Column("selection", sa.Text(), nullable=False),
        sa.Column("call_ids", sa.Text(), nullable=False),
        sa.Column("permissions", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("key_header", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("blob_key", sa.String(length=200), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("link_hash", sa.String(length=64), nullable=True),
        sa.Column("link_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_exports_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
        sa.UniqueConstraint("link_hash", name=op.f("uq_exports_link_hash")),
    )
    op.create_index("ix_exports_tenant_status", "exports", ["tenant_id", "status"])
    op.create_index(
        "ix_exports_requester", "exports", ["tenant_id", "requested_by", "requested_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_exports_requester", table_name="exports")
    op.drop_index("ix_exports_tenant_status", table_name="exports")
    op.drop_table("exports")

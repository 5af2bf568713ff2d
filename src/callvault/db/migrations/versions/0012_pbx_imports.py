"""pbx_imports: what Asterisk and FreeSWITCH imports have brought in already

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:30:00

The table of ``callvault.integrations.pbx_models``. (0011 gave ``calls`` an
``external_source``/``external_id`` pair for Twilio; this table, written beside it,
could move into those columns in a later migration.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pbx_imports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recording_attached_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_pbx_imports_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pbx_imports")),
        sa.UniqueConstraint(
            "tenant_id", "source", "external_id", name=op.f("uq_pbx_imports_tenant_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("pbx_imports")

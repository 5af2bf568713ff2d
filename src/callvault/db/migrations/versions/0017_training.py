"""training: workforce training records, each user's training expiry, and the tenants'
training policies

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:00:00

Existing tenants get no policy row, which reads as not required (their users have no
records yet: requiring it would suspend every PHI permission at once);
docs/compliance.md says how to opt in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_records",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("course", sa.String(length=200), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_training_records_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_training_records_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_records")),
    )
    op.create_index(op.f("ix_training_records_tenant_id"), "training_records", ["tenant_id"])
    op.create_index(op.f("ix_training_records_user_id"), "training_records", ["user_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("training_valid_until", sa.Date(), nullable=True))
    op.create_table(
        "training_policies",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_training_policies_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_training_policies")),
    )


def downgrade() -> None:
    op.drop_table("training_policies")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("training_valid_until")
    op.drop_index(op.f("ix_training_records_user_id"), table_name="training_records")
    op.drop_index(op.f("ix_training_records_tenant_id"), table_name="training_records")
    op.drop_table("training_records")

"""lifecycle: retention policies, retention changes, legal holds

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 11:00:00

New tables of ``callvault.lifecycle.models``. ``calls``: the caller number's ciphertext
and blind index become nullable (a call whose PHI retention or an erasure shredded
keeps its other columns) and ``phi_shredded_at`` says when. ``call_objects`` gains
``ciphertext_sha256``, the hash a deletion certificate names (NULL for older objects,
whose hash the sweeper computes when it shreds them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_policies",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("data_type", sa.String(length=32), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_retention_policies_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_policies")),
        sa.UniqueConstraint("tenant_id", "data_type", name=op.f("uq_retention_policies_tenant_id")),
    )
    op.create_table(
        "retention_changes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("periods", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_retention_changes_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_changes")),
    )
    op.create_index(
        "ix_retention_changes_tenant_status", "retention_changes", ["tenant_id", "status"]
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("matter", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=True),
        sa.Column("caller_index", sa.String(length=64), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("campaign", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_legal_holds_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index("ix_legal_holds_tenant_released", "legal_holds", ["tenant_id", "released_at"])
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.alter_column("caller_number_enc", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.alter_column(
            "caller_number_index", existing_type=sa.String(length=64), nullable=True
        )
        batch_op.add_column(sa.Column("phi_shredded_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("call_objects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ciphertext_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_objects", schema=None) as batch_op:
        batch_op.drop_column("ciphertext_sha256")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("phi_shredded_at")
        batch_op.alter_column(
            "caller_number_index", existing_type=sa.String(length=64), nullable=False
        )
        batch_op.alter_column("caller_number_enc", existing_type=sa.LargeBinary(), nullable=False)
    op.drop_index("ix_legal_holds_tenant_released", table_name="legal_holds")
    op.drop_table("legal_holds")
    op.drop_index("ix_retention_changes_tenant_status", table_name="retention_changes")
    op.drop_table("retention_changes")
    op.drop_table("retention_policies")

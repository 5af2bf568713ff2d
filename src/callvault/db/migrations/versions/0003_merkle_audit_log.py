"""merkle audit log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:00:00

The interim ``audit_events`` table stays as it is (its rows are kept for retention);
new events go to the per-tenant Merkle log. Log heads are made on a tenant's first
append, because wrapping their secret needs the root key, which migrations never see.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
    )


def upgrade() -> None:
    op.create_table(
        "audit_log_events",
        sa.Column("id", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("source_ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=256), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("hashed_terms", sa.Text(), nullable=True),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("entry_mac", sa.LargeBinary(length=32), nullable=False),
        _tenant_fk("audit_log_events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log_events")),
        sa.UniqueConstraint("tenant_id", "seq", name=op.f("uq_audit_log_events_tenant_id")),
    )
    op.create_index(
        "ix_audit_log_events_actor", "audit_log_events", ["tenant_id", "actor_id", "seq"]
    )
    op.create_index(
        "ix_audit_log_events_resource", "audit_log_events", ["tenant_id", "resource_id", "seq"]
    )
    op.create_table(
        "audit_log_nodes",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        _tenant_fk("audit_log_nodes"),
        sa.PrimaryKeyConstraint("tenant_id", "level", "idx", name=op.f("pk_audit_log_nodes")),
    )
    op.create_table(
        "audit_logs",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("signed_size", sa.BigInteger(), nullable=False),
        sa.Column("signed_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("wrapped_secret", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("audit_logs"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_audit_logs")),
    )
    op.create_table(
        "audit_signing_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("wrapped_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("audit_signing_keys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_signing_keys")),
    )
    op.create_index(op.f("ix_audit_signing_keys_tenant_id"), "audit_signing_keys", ["tenant_id"])
    op.create_table(
        "audit_tree_heads",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        _tenant_fk("audit_tree_heads"),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["audit_signing_keys.id"],
            name=op.f("fk_audit_tree_heads_key_id_audit_signing_keys"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "tree_size", name=op.f("pk_audit_tree_heads")),
    )


def downgrade() -> None:
    op.drop_table("audit_tree_heads")
    op.drop_index(op.f("ix_audit_signing_keys_tenant_id"), table_name="audit_signing_keys")
    op.drop_table("audit_signing_keys")
    op.drop_table("audit_logs")
    op.drop_table("audit_log_nodes")
    op.drop_index("ix_audit_log_events_resource", table_name="audit_log_events")
    op.drop_index("ix_audit_log_events_actor", table_name="audit_log_events")
    op.drop_table("audit_log_events")

"""conversions: conversion destinations and the ledger of what each was sent

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 14:00:00

The tables of ``callvault.tracking.conversion_models``. Nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversion_destinations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("conversion_name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("min_duration_seconds", sa.Integer(), nullable=False),
        sa.Column("answered_only", sa.Boolean(), nullable=False),
        sa.Column("deidentified", sa.Boolean(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("measurement_id", sa.String(length=32), nullable=True),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_conversion_destinations_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversion_destinations")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_conversion_destinations_tenant_id")),
    )
    op.create_table(
        "conversion_sends",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("destination_id", sa.String(length=32), nullable=False),
        sa.Column("conversion_key", sa.String(length=700), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_conversion_sends_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["destination_id"],
            ["conversion_destinations.id"],
            name=op.f("fk_conversion_sends_destination_id_conversion_destinations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversion_sends")),
        sa.UniqueConstraint(
            "destination_id", "conversion_key", name=op.f("uq_conversion_sends_destination_id")
        ),
    )
    op.create_index(
        "ix_conversion_sends_tenant_destination",
        "conversion_sends",
        ["tenant_id", "destination_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_conversion_sends_tenant_destination", table_name="conversion_sends")
    op.drop_table("conversion_sends")
    op.drop_table("conversion_destinations")

"""twilio: per-tenant Twilio settings, stored recordings, and calls' external ids

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:30:00

New tables of ``callvault.integrations.models``. ``calls`` gains ``external_source``
and ``external_id`` (nullable: API calls have none), unique per tenant, so a repeated
provider webhook finds the call it already made.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "twilio_settings",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("account_sid", sa.String(length=64), nullable=False),
        sa.Column("auth_token_enc", sa.LargeBinary(), nullable=False),
        sa.Column("api_base", sa.String(length=200), nullable=False),
        sa.Column("disclosure", sa.Text(), nullable=True),
        sa.Column("forward_to", sa.String(length=20), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_twilio_settings_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_twilio_settings")),
    )
    op.create_table(
        "twilio_recordings",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("recording_sid", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_twilio_recordings_call_id_calls")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_twilio_recordings_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "recording_sid", name=op.f("pk_twilio_recordings")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_calls_tenant_external",
            ["tenant_id", "external_source", "external_id"],
            unique=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_tenant_external")
        batch_op.drop_column("external_id")
        batch_op.drop_column("external_source")
    op.drop_table("twilio_recordings")
    op.drop_table("twilio_settings")

"""dni: dynamic number insertion settings and visitor sessions, calls.dni_session_id

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 13:00:00

The tables of ``callvault.tracking.dni_models`` and ``calls.dni_session_id`` (the
visitor session a call is attributed to). Nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dni_settings",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("allowed_origins", sa.Text(), nullable=False),
        sa.Column("session_ttl_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_dni_settings_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_dni_settings")),
    )
    op.create_table(
        "dni_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("landing_path", sa.String(length=2000), nullable=False),
        sa.Column("referrer_host", sa.String(length=255), nullable=True),
        *(
            sa.Column(name, sa.String(length=200), nullable=True)
            for name in (
                "utm_source",
                "utm_medium",
                "utm_campaign",
                "utm_term",
                "utm_content",
                "gclid",
                "fbclid",
                "msclkid",
            )
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_dni_sessions_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dni_sessions")),
    )
    op.create_index(
        "ix_dni_sessions_tenant_number_created",
        "dni_sessions",
        ["tenant_id", "number", "created_at"],
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dni_session_id", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_calls_dni_session_id_dni_sessions"), "dni_sessions", ["dni_session_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_calls_dni_session_id_dni_sessions"), type_="foreignkey")
        batch_op.drop_column("dni_session_id")
    op.drop_index("ix_dni_sessions_tenant_number_created", table_name="dni_sessions")
    op.drop_table("dni_sessions")
    op.drop_table("dni_settings")

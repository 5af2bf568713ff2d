"""playback links

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00

``playback_links`` of ``callvault.calls.models``: short-lived URLs that play a call's
scrubbed recording, stored as the SHA-256 of their token with the principal (and
session) that made them. New table only; nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "playback_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_playback_links_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_playback_links_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playback_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_playback_links_token_hash")),
    )
    op.create_index(op.f("ix_playback_links_tenant_id"), "playback_links", ["tenant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_playback_links_tenant_id"), table_name="playback_links")
    op.drop_table("playback_links")

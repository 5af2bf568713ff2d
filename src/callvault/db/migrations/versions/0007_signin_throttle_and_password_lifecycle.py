"""sign-in throttle and password lifecycle

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:00:00

``auth_throttle`` holds one GCRA time per throttle key (a keyed hash of a source
address or an e-mail, never the value); ``auth_throttle_keys`` the wrapped HMAC key
those hashes use (``callvault.identity.signin.throttle``). Users gain the state of an admin
password reset: a pending change and the temporary password's expiry and one use.
Existing users have no pending change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("tat", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_auth_throttle")),
    )
    op.create_index(op.f("ix_auth_throttle_tat"), "auth_throttle", ["tat"])
    op.create_table(
        "auth_throttle_keys",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_throttle_keys")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "password_change_required",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("temp_password_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("temp_password_used_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("temp_password_used_at")
        batch_op.drop_column("temp_password_expires_at")
        batch_op.drop_column("password_change_required")
    op.drop_table("auth_throttle_keys")
    op.drop_index(op.f("ix_auth_throttle_tat"), table_name="auth_throttle")
    op.drop_table("auth_throttle")

"""consent: each call's recording consent state and the paused stretches of its recording

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 13:30:00

``callvault.calls.consent`` (docs/compliance.md, "Recording consent"). Calls stored
before this keep ``consent`` NULL ("not recorded"): their recordings were taken in
under whatever the operator had arranged, and nothing is guessed for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("consent", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("recording_pauses", sa.Text(), nullable=True))
        batch.add_column(sa.Column("pauses_applied_to", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("pauses_applied_to")
        batch.drop_column("recording_pauses")
        batch.drop_column("consent")

"""job queue: procrastinate's schema (PostgreSQL) and the cluster-wide schedules

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 16:00:00

On PostgreSQL the recording pipeline's jobs are carried by procrastinate
(``callvault.jobs.queue``). Its tables, types and functions are created here, in a
schema of their own (``procrastinate``), so they never mix with ours: the queue's
connections set ``search_path`` to it. The SQL is the installed procrastinate's own
``schema.sql`` (3.10 in requirements.lock); a later procrastinate upgrade that changes
its schema needs a migration applying its own migration files. On SQLite nothing of
procrastinate's is created: the embedded default keeps its in-process runner.

``job_schedules`` (both databases) holds when each cluster-wide schedule last ran and
is next due (``callvault.jobs.schedules``). No column holds PHI.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

QUEUE_SCHEMA = "procrastinate"  # callvault.jobs.queue.QUEUE_SCHEMA, frozen here


def upgrade() -> None:
    op.create_table(
        "job_schedules",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_schedules")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _create_queue_schema()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(f"DROP SCHEMA IF EXISTS {QUEUE_SCHEMA} CASCADE"))
    op.drop_table("job_schedules")


def _create_queue_schema() -> None:
    from procrastinate.schema import SchemaManager

    op.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {QUEUE_SCHEMA}"))
    # procrastinate's SQL names its objects without a schema: create them with the
    # search path on ours for this transaction only, then put it back, so Alembic's
    # own bookkeeping (alembic_version) still lands where it always has.
    raw = op.get_bind().connection.driver_connection
    assert raw is not None
    previous = raw.execute("SELECT current_setting('search_path')").fetchone()
    assert previous is not None
    raw.execute(f"SET LOCAL search_path TO {QUEUE_SCHEMA}")
    raw.execute(SchemaManager.get_schema())  # no parameters: '%' is left alone
    raw.execute("SELECT set_config('search_path', %s, true)", (previous[0],))

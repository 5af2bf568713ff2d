"""recording pipeline jobs

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 09:00:00

The job queue of ``callvault.pipeline.models``: one row per call with a recording.

Recordings stored before this revision were stored as sent under the kind
``recording`` (what is played): they were never scrubbed. This migration renames
them to ``recording_orig`` (so nothing plays until the pipeline scrubbed it) and
queues a job for each, due at once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    jobs = op.create_table(
        "recording_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("recording_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_recording_jobs_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_recording_jobs_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_jobs")),
        sa.UniqueConstraint("call_id", name=op.f("uq_recording_jobs_call_id")),
    )
    op.create_index("ix_recording_jobs_due", "recording_jobs", ["state", "next_attempt_at"])
    op.create_index(op.f("ix_recording_jobs_tenant_id"), "recording_jobs", ["tenant_id"])
    _queue_existing(jobs)


def _queue_existing(jobs: sa.Table) -> None:
    objects = sa.table(
        "call_objects",
        sa.column("id", sa.String),
        sa.column("tenant_id", sa.String),
        sa.column("call_id", sa.String),
        sa.column("kind", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(objects.c.id, objects.c.tenant_id, objects.c.call_id).where(
            objects.c.kind == "recording"
        )
    ).all()
    now = datetime.now(UTC)
    for object_id, tenant_id, call_id in rows:
        bind.execute(
            objects.update().where(objects.c.id == object_id).values(kind="recording_orig")
        )
        bind.execute(
            jobs.insert().values(
                id=uuid.uuid4().hex,
                tenant_id=tenant_id,
                call_id=call_id,
                recording_id=object_id,
                state="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_recording_jobs_tenant_id"), table_name="recording_jobs")
    op.drop_index("ix_recording_jobs_due", table_name="recording_jobs")
    op.drop_table("recording_jobs")

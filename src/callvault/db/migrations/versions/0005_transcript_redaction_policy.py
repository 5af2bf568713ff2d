"""transcript redaction policy

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00

The redaction settings of ``tenant_policies`` (``callvault.redaction.policy``).
Existing rows get the safe defaults: no unredacted original kept, ``[LABEL]``
replacements, no medical-entity mode, no clinic names or numbers.

Transcripts stored before this revision were stored as sent (unredacted); this
migration cannot redact them (it holds no keys): see docs/transcripts.md.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("keep_original_transcripts", sa.Boolean(), sa.false()),
    ("redaction_operator", sa.String(length=16), sa.text("'label'")),
    ("redact_medical", sa.Boolean(), sa.false()),
    ("clinic_names", sa.Text(), sa.text("'[]'")),
    ("clinic_phones", sa.Text(), sa.text("'[]'")),
)


def upgrade() -> None:
    with op.batch_alter_table("tenant_policies", schema=None) as batch_op:
        for name, type_, default in _COLUMNS:
            batch_op.add_column(sa.Column(name, type_, server_default=default, nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("tenant_policies", schema=None) as batch_op:
        for name, _, _ in reversed(_COLUMNS):
            batch_op.drop_column(name)

"""Official commune codes on facilities, proposals and offices (issue 20).

The free-text commune stays (it is the official name once matched); the code is
NULL until the text is matched to the official list or the user picks the unit.

Revision ID: 0011_commune_codes
Revises: 0010_rules
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_commune_codes"
down_revision = "0010_rules"
branch_labels = None
depends_on = None

_TABLES = ("facility", "office", "proposal")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("commune_code", sa.String(length=5), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{table}_commune_code"), ["commune_code"], unique=False
            )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy: with foreign keys on, copying
    # ``proposal`` and dropping the original fails (or cascades to its child rows).
    for table in reversed(_TABLES):
        op.drop_index(op.f(f"ix_{table}_commune_code"), table_name=table)
        op.drop_column(table, "commune_code")

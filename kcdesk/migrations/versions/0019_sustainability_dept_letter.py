"""Sustainability in section 8 of the proposal; the Department's tờ trình number and
date on the catalogue version (issue 17).

Revision ID: 0019_sustainability_dept_letter
Revises: 0018_merge
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_sustainability_dept_letter"
down_revision = "0018_merge"
# At most 32 characters: alembic_version.version_num is VARCHAR(32) on PostgreSQL.
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "proposal", sa.Column("sustainability", sa.Text(), nullable=False, server_default="")
    )
    op.add_column(
        "catalogue_version",
        sa.Column("department_letter_no", sa.String(length=64), nullable=True),
    )
    op.add_column(
        "catalogue_version", sa.Column("department_letter_date", sa.Date(), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("catalogue_version", "department_letter_date")
    op.drop_column("catalogue_version", "department_letter_no")
    op.drop_column("proposal", "sustainability")

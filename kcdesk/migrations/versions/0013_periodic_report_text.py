"""Typed sections of the periodic report, kept with it (issue 17).

Revision ID: 0013_periodic_report_text
Revises: 0011_commune_codes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_periodic_report_text"
down_revision = "0011_commune_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "periodic_report_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_code", sa.String(length=32), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periodic_report_text")),
        sa.UniqueConstraint(
            "programme_code",
            "date_from",
            "date_to",
            "section",
            name=op.f("uq_periodic_report_text_programme_code"),
        ),
    )


def downgrade() -> None:
    op.drop_table("periodic_report_text")

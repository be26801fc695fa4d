"""Programme dashboard and reports (issue 6): covering indexes, the output summary.

Revision ID: 0005_programme_dashboard
Revises: 0004_appraisal
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The trigger text lives with the model it maintains; a later change to it needs a
# new migration that drops and recreates the triggers.
from kcdesk.models.dashboard import SUMMARY_REBUILD, SUMMARY_TRIGGER_NAMES, SUMMARY_TRIGGERS

revision = "0005_programme_dashboard"
down_revision = "0004_appraisal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_output_sum",
        sa.Column("activity", sa.String(length=48), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("achieved", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "activity", "plan_year", "status", "measure", name=op.f("pk_dashboard_output_sum")
        ),
    )
    if op.get_bind().dialect.name == "sqlite":
        # Other databases aggregate live (kcdesk.services.dashboard_summary).
        for statement in (*SUMMARY_TRIGGERS, *SUMMARY_REBUILD):
            op.execute(statement)
    # Plain CREATE INDEX: no table rebuild is needed for an index, even on SQLite.
    op.create_index(
        "ix_proposal_dashboard",
        "proposal",
        [
            "plan_year",
            "status",
            "activity",
            "commune",
            "funding_source",
            "approved_support",
            "disbursed",
        ],
        unique=False,
    )
    op.create_index(
        "ix_output_measure_dashboard",
        "output_measure",
        ["proposal_id", "measure", "planned", "achieved"],
        unique=False,
    )
    op.create_index(
        "ix_status_change_dashboard",
        "status_change",
        ["to_status", "proposal_id", "at"],
        unique=False,
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SUMMARY_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("dashboard_output_sum")
    op.drop_index("ix_status_change_dashboard", table_name="status_change")
    op.drop_index("ix_output_measure_dashboard", table_name="output_measure")
    op.drop_index("ix_proposal_dashboard", table_name="proposal")

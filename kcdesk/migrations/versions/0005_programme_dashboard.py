"""Programme dashboard and reports (issue 6): covering indexes for the aggregates.

Revision ID: 0005_programme_dashboard
Revises: 0004_appraisal
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op

revision = "0005_programme_dashboard"
down_revision = "0004_appraisal"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    op.drop_index("ix_status_change_dashboard", table_name="status_change")
    op.drop_index("ix_output_measure_dashboard", table_name="output_measure")
    op.drop_index("ix_proposal_dashboard", table_name="proposal")

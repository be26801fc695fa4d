"""Indexes for what reloads after a save (issue 24, second pass).

- ``ix_proposal_status_year_received`` (status, plan_year, received_date): the
  "cần chú ý" panel's late dossiers are a range of it per open status and year, so
  only the late ones are read (the year's code order read every open dossier of the
  year when fewer than the panel's limit were late: 0.3 s at 100,000 proposals).
- ``ix_proposal_dashboard_money`` (programme, plan_year, status and the grouped and
  summed columns): the dashboard's money groups read from the index alone, not from
  every row of the programme's proposals (0.37–0.44 s at 100,000 proposals, mostly
  reading the wide proposal rows).

Revision ID: 0031_reload_indexes
Revises: 0027_facility_name_index
"""

from __future__ import annotations

from alembic import op

revision = "0031_reload_indexes"
down_revision = "0027_facility_name_index"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_proposal_status_year_received": ["status", "plan_year", "received_date"],
    "ix_proposal_dashboard_money": [
        "programme",
        "plan_year",
        "status",
        "activity",
        "commune_code",
        "commune",
        "funding_source",
        "approved_support",
        "disbursed",
    ],
}


def upgrade() -> None:
    # IF NOT EXISTS: the benchmark's cached databases get the migrations' indexes before
    # they are migrated (bench/common.reconcile_indexes).
    for name, columns in INDEXES.items():
        op.create_index(name, "proposal", columns, unique=False, if_not_exists=True)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="proposal")

"""Index for the catalogue section's first opening (issue 24).

``ix_proposal_catalogue`` (plan_year, funding_source, status, activity, code and the
amounts, id): the draft catalogue's outline — which proposals of a year and source it
holds, their groups, order and totals (``services.catalogue.outline``) — is one range
per status of it, read from the index alone. Through ``ix_proposal_status_year_code``
every such proposal's wide row was read (11,744 rows at 100,000 proposals).

Revision ID: 0033_catalogue_outline_index
Revises: 0032_agenda_choice_index
"""

from __future__ import annotations

from alembic import op

revision = "0033_catalogue_outline_index"
down_revision = "0032_agenda_choice_index"
branch_labels = None
depends_on = None

NAME = "ix_proposal_catalogue"
COLUMNS = [
    "plan_year",
    "funding_source",
    "status",
    "activity",
    "code",
    "total_cost",
    "support",
    "approved_support",
    "counterpart",
    "other_funds",
    "id",
]


def upgrade() -> None:
    # IF NOT EXISTS: the benchmark's cached databases get the migrations' indexes before
    # they are migrated (bench/common.reconcile_indexes).
    op.create_index(NAME, "proposal", COLUMNS, if_not_exists=True)


def downgrade() -> None:
    op.drop_index(NAME, table_name="proposal")

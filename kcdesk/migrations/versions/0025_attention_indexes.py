"""An index for the "cần chú ý" panel (issue 24): it reloads after every save.

``ix_proposal_status_changed`` (status, status_changed_at): "waiting too long" reads,
for each waiting status, the oldest changes first and stops at the panel's limit,
instead of sorting every waiting proposal. (An index on (plan_year, received_date) for
the late dossiers was tried and left out: SQLite then chose it for every query on one
plan year and sorted the whole year, where ``ix_proposal_plan_year_code`` stops early.)

Revision ID: 0025_attention_indexes
Revises: 0024_child_indexes
"""

from __future__ import annotations

from alembic import op

revision = "0025_attention_indexes"
down_revision = "0024_child_indexes"
branch_labels = None
depends_on = None

INDEXES = (("ix_proposal_status_changed", ["status", "status_changed_at"]),)


def upgrade() -> None:
    for name, columns in INDEXES:
        # IF NOT EXISTS: the benchmark's cached databases get the migrations' indexes
        # before they are migrated (bench/common.reconcile_indexes).
        op.create_index(name, "proposal", columns, unique=False, if_not_exists=True)


def downgrade() -> None:
    for name, _columns in INDEXES:
        op.drop_index(name, table_name="proposal")

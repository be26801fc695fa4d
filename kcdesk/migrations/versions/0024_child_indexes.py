"""Indexes on ``proposal_id`` of the proposal's budget lines and schedule (issue 24).

Opening one proposal (view, wizard, its PDF) loads its dự toán and tiến độ lines; without
these indexes each load scanned the whole ``budget_line`` and ``schedule_item`` tables,
so opening a proposal grew with the database. The other child tables of ``proposal``
already have theirs.

Revision ID: 0024_child_indexes
Revises: 0023_catalogue_origin
"""

from __future__ import annotations

from alembic import op

revision = "0024_child_indexes"
down_revision = "0023_catalogue_origin"
branch_labels = None
depends_on = None

# (index, table); named as the models' naming convention names ``index=True``.
INDEXES = (
    ("ix_budget_line_proposal_id", "budget_line"),
    ("ix_schedule_item_proposal_id", "schedule_item"),
)


def upgrade() -> None:
    for name, table in INDEXES:
        # IF NOT EXISTS (SQLite and PostgreSQL): the benchmark's cached databases get the
        # migrations' indexes before they are migrated (bench/common.reconcile_indexes).
        op.create_index(name, table, ["proposal_id"], unique=False, if_not_exists=True)


def downgrade() -> None:
    for name, table in INDEXES:
        op.drop_index(name, table_name=table)

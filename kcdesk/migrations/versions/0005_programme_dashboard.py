"""Programme dashboard and reports (issue 6): covering indexes, the output summary.

Revision ID: 0005_programme_dashboard
Revises: 0004_appraisal
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_programme_dashboard"
down_revision = "0004_appraisal"
branch_labels = None
depends_on = None

# The trigger text as this revision created it, frozen here: the model's current text
# (kcdesk.models.dashboard) is for the current schema, which 0010 changed (targets).
# fmt: off
SUMMARY_TRIGGER_NAMES = ('dashboard_output_insert', 'dashboard_output_delete', 'dashboard_output_update', 'dashboard_proposal_update', 'dashboard_proposal_delete')
SUMMARY_TRIGGERS = (
    'CREATE TRIGGER dashboard_output_insert AFTER INSERT ON output_measure BEGIN INSERT INTO dashboard_output_sum (activity, plan_year, status, measure, planned, achieved) SELECT p.activity, p.plan_year, p.status, NEW.measure, NEW.planned, coalesce(NEW.achieved, 0) FROM proposal p WHERE p.id = NEW.proposal_id ON CONFLICT (activity, plan_year, status, measure) DO UPDATE SET planned = planned + excluded.planned, achieved = achieved + excluded.achieved; END',
    'CREATE TRIGGER dashboard_output_delete AFTER DELETE ON output_measure BEGIN UPDATE dashboard_output_sum SET planned = planned - OLD.planned, achieved = achieved - coalesce(OLD.achieved, 0) WHERE measure = OLD.measure AND (activity, plan_year, status) = (SELECT p.activity, p.plan_year, p.status FROM proposal p WHERE p.id = OLD.proposal_id); END',
    'CREATE TRIGGER dashboard_output_update AFTER UPDATE OF proposal_id, measure, planned, achieved ON output_measure BEGIN UPDATE dashboard_output_sum SET planned = planned - OLD.planned, achieved = achieved - coalesce(OLD.achieved, 0) WHERE measure = OLD.measure AND (activity, plan_year, status) = (SELECT p.activity, p.plan_year, p.status FROM proposal p WHERE p.id = OLD.proposal_id); INSERT INTO dashboard_output_sum (activity, plan_year, status, measure, planned, achieved) SELECT p.activity, p.plan_year, p.status, NEW.measure, NEW.planned, coalesce(NEW.achieved, 0) FROM proposal p WHERE p.id = NEW.proposal_id ON CONFLICT (activity, plan_year, status, measure) DO UPDATE SET planned = planned + excluded.planned, achieved = achieved + excluded.achieved; END',
    'CREATE TRIGGER dashboard_proposal_update AFTER UPDATE OF plan_year, status, activity ON proposal WHEN OLD.plan_year IS NOT NEW.plan_year OR OLD.status IS NOT NEW.status OR OLD.activity IS NOT NEW.activity BEGIN UPDATE dashboard_output_sum SET planned = planned - (SELECT o.planned FROM output_measure o WHERE o.proposal_id = OLD.id AND o.measure = dashboard_output_sum.measure), achieved = achieved - (SELECT coalesce(o.achieved, 0) FROM output_measure o WHERE o.proposal_id = OLD.id AND o.measure = dashboard_output_sum.measure) WHERE activity = OLD.activity AND plan_year = OLD.plan_year AND status = OLD.status AND measure IN (SELECT measure FROM output_measure WHERE proposal_id = OLD.id); INSERT INTO dashboard_output_sum (activity, plan_year, status, measure, planned, achieved) SELECT NEW.activity, NEW.plan_year, NEW.status, o.measure, o.planned, coalesce(o.achieved, 0) FROM output_measure o WHERE o.proposal_id = NEW.id ON CONFLICT (activity, plan_year, status, measure) DO UPDATE SET planned = planned + excluded.planned, achieved = achieved + excluded.achieved; END',
    'CREATE TRIGGER dashboard_proposal_delete BEFORE DELETE ON proposal BEGIN DELETE FROM output_measure WHERE proposal_id = OLD.id; END',
)
SUMMARY_REBUILD = (
    'DELETE FROM dashboard_output_sum',
    'INSERT INTO dashboard_output_sum (activity, plan_year, status, measure, planned, achieved) SELECT p.activity, p.plan_year, p.status, o.measure, sum(o.planned), sum(coalesce(o.achieved, 0)) FROM proposal p JOIN output_measure o ON o.proposal_id = p.id GROUP BY p.activity, p.plan_year, p.status, o.measure',
)
# fmt: on


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

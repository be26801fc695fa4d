"""Register, workflow, amendments, audit (issue 4).

Revision ID: 0003_register_amendments
Revises: 0002_wizard_drafts

The SQLite full-text index of the register search is not created here: it is an
accelerator that ``kcdesk.services.search.ensure_index`` builds (and rebuilds when a
later batch migration drops its triggers), so the schema compared with the models
stays exactly the mapped tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_register_amendments"
down_revision = "0002_wizard_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("request_no", sa.String(length=64), nullable=False),
        sa.Column("request_date", sa.Date(), nullable=True),
        sa.Column("authority", sa.String(length=16), nullable=False),
        sa.Column("authority_reasons", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decision_no", sa.String(length=64), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("origin_office", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_amendment_proposal_id_proposal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment")),
        sa.UniqueConstraint("uuid", name=op.f("uq_amendment_uuid")),
    )
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendment_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_amendment_state"), ["state"], unique=False)
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index("ix_document_proposal_id", ["proposal_id"], unique=False)
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index("ix_proposal_plan_year_code", ["plan_year", "code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_plan_year_code")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_proposal_id")
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_state"))
        batch_op.drop_index(batch_op.f("ix_amendment_proposal_id"))
    op.drop_table("amendment")

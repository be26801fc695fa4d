"""Wizard drafts (issue 3).

Revision ID: 0002_wizard_drafts
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_wizard_drafts"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposal_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("proposal_code", sa.String(length=32), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_draft")),
        sa.UniqueConstraint("uuid", name=op.f("uq_proposal_draft_uuid")),
    )
    with op.batch_alter_table("proposal_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_draft_proposal_code"), ["proposal_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_proposal_draft_username"), ["username"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("proposal_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_draft_username"))
        batch_op.drop_index(batch_op.f("ix_proposal_draft_proposal_code"))
    op.drop_table("proposal_draft")

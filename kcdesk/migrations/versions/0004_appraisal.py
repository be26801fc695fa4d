"""Appraisal councils and score sheets (issue 5).

Revision ID: 0004_appraisal
Revises: 0003_register_amendments
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_appraisal"
down_revision = "0003_register_amendments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appraisal_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("decision_no", sa.String(length=64), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("criteria_code", sa.String(length=48), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("origin_office", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_session")),
        sa.UniqueConstraint("uuid", name=op.f("uq_appraisal_session_uuid")),
    )
    with op.batch_alter_table("appraisal_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appraisal_session_plan_year"), ["plan_year"], unique=False
        )

    op.create_table(
        "appraisal_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.Column("average", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("conclusion", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_appraisal_item_proposal_id_proposal")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["appraisal_session.id"],
            name=op.f("fk_appraisal_item_session_id_appraisal_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_item")),
        sa.UniqueConstraint("session_id", "proposal_id", name=op.f("uq_appraisal_item_session_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_appraisal_item_uuid")),
    )
    with op.batch_alter_table("appraisal_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appraisal_item_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_appraisal_item_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "council_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("post", sa.Text(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "chair", "secretary", "member", name="memberrole", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["appraisal_session.id"],
            name=op.f("fk_council_member_session_id_appraisal_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_member")),
        sa.UniqueConstraint("uuid", name=op.f("uq_council_member_uuid")),
    )
    with op.batch_alter_table("council_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_member_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "score_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("conflict", sa.Boolean(), nullable=False),
        sa.Column("conflict_reason", sa.Text(), nullable=False),
        sa.Column("conclusion", sa.String(length=48), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["appraisal_item.id"],
            name=op.f("fk_score_sheet_item_id_appraisal_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["council_member.id"],
            name=op.f("fk_score_sheet_member_id_council_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheet")),
        sa.UniqueConstraint("member_id", "item_id", name=op.f("uq_score_sheet_member_id")),
    )
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheet_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_sheet_member_id"), ["member_id"], unique=False)

    op.create_table(
        "criterion_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=48), nullable=False),
        sa.Column("points", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["score_sheet.id"],
            name=op.f("fk_criterion_score_sheet_id_score_sheet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_score")),
        sa.UniqueConstraint("sheet_id", "criterion", name=op.f("uq_criterion_score_sheet_id")),
    )
    with op.batch_alter_table("criterion_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterion_score_sheet_id"), ["sheet_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("criterion_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_score_sheet_id"))

    op.drop_table("criterion_score")
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_sheet_member_id"))
        batch_op.drop_index(batch_op.f("ix_score_sheet_item_id"))

    op.drop_table("score_sheet")
    with op.batch_alter_table("council_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_member_session_id"))

    op.drop_table("council_member")
    with op.batch_alter_table("appraisal_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appraisal_item_session_id"))
        batch_op.drop_index(batch_op.f("ix_appraisal_item_proposal_id"))

    op.drop_table("appraisal_item")
    with op.batch_alter_table("appraisal_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appraisal_session_plan_year"))

    op.drop_table("appraisal_session")

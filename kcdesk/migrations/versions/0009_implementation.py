"""Implementation tracking (issue 10).

Revision ID: 0009_implementation
Revises: 0008_security
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009_implementation"
down_revision = "0008_security"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _synced() -> list[sa.Column[Any]]:
    return [
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("origin_office", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def _proposal_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["proposal_id"],
        ["proposal.id"],
        name=op.f(f"fk_{table}_proposal_id_proposal"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("minutes_no", sa.String(length=64), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        *_synced(),
        _proposal_fk("acceptance"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_acceptance_proposal_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_acceptance_uuid")),
    )
    op.create_table(
        "disbursement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("advance", "settlement", name="disbursementkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("voucher", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_synced(),
        _proposal_fk("disbursement"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursement")),
        sa.UniqueConstraint("uuid", name=op.f("uq_disbursement_uuid")),
    )
    with op.batch_alter_table("disbursement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disbursement_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "evidence_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("received", sa.Boolean(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("file_hash", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _proposal_fk("evidence_item"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_item")),
        sa.UniqueConstraint("proposal_id", "code", name=op.f("uq_evidence_item_proposal_id")),
    )
    with op.batch_alter_table("evidence_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_item_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "progress_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        *_synced(),
        _proposal_fk("progress_entry"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_entry")),
        sa.UniqueConstraint("uuid", name=op.f("uq_progress_entry_uuid")),
    )
    with op.batch_alter_table("progress_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_progress_entry_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "settlement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("final_amount", MONEY, nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("refund_due", MONEY, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_synced(),
        _proposal_fk("settlement"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_settlement_proposal_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_settlement_uuid")),
    )


def downgrade() -> None:
    op.drop_table("settlement")
    with op.batch_alter_table("progress_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_entry_proposal_id"))
    op.drop_table("progress_entry")
    with op.batch_alter_table("evidence_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_item_proposal_id"))
    op.drop_table("evidence_item")
    with op.batch_alter_table("disbursement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disbursement_proposal_id"))
    op.drop_table("disbursement")
    op.drop_table("acceptance")

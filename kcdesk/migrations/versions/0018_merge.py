"""Merging another Centre's database (issue 25): merge records, the merged audit
segments, and the origin of merged proposals and programmes.

Revision ID: 0018_merge
Revises: 0016_signed_documents
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_merge"
down_revision = "0016_signed_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "merge_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("origin_province", sa.String(length=64), nullable=False),
        sa.Column("origin_label", sa.String(length=96), nullable=False),
        sa.Column("code_prefix", sa.String(length=16), nullable=False),
        sa.Column("segment_head", sa.String(length=64), nullable=False),
        sa.Column("segment_events", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_record")),
        sa.UniqueConstraint("source_key", name=op.f("uq_merge_record_source_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_merge_record_uuid")),
    )
    op.create_table(
        "merged_audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("office_code", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=48), nullable=False),
        sa.Column("entity_uuid", sa.String(length=36), nullable=False),
        sa.Column("entity_label", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["merge_id"],
            ["merge_record.id"],
            name=op.f("fk_merged_audit_event_merge_id_merge_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merged_audit_event")),
        sa.UniqueConstraint("merge_id", "uuid", name=op.f("uq_merged_audit_event_merge_id")),
    )
    op.create_index(
        op.f("ix_merged_audit_event_merge_id"), "merged_audit_event", ["merge_id"], unique=False
    )
    # Plain ADD COLUMN, not a batch copy: a batch rebuild of ``proposal`` on SQLite
    # would drop the dashboard's triggers on it (models/dashboard.py).
    op.add_column(
        "programme", sa.Column("origin", sa.String(length=96), nullable=False, server_default="")
    )
    op.add_column(
        "proposal", sa.Column("origin", sa.String(length=96), nullable=False, server_default="")
    )
    op.create_index(op.f("ix_proposal_origin"), "proposal", ["origin"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_proposal_origin"), table_name="proposal")
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy: with foreign keys on, a
    # batch rebuild cannot drop ``proposal``, which other tables reference.
    op.drop_column("proposal", "origin")
    op.drop_column("programme", "origin")
    op.drop_index(op.f("ix_merged_audit_event_merge_id"), table_name="merged_audit_event")
    op.drop_table("merged_audit_event")
    op.drop_table("merge_record")

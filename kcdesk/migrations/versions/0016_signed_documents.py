"""Signed documents attached to a catalogue or an amendment (issue 22).

Revision ID: 0016_signed_documents
Revises: 0014_server_mode
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_signed_documents"
down_revision = "0014_server_mode"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signed_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("owner_key", sa.String(length=64), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("attached_at", sa.DateTime(), nullable=False),
        sa.Column("attached_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_document")),
        sa.UniqueConstraint("uuid", name=op.f("uq_signed_document_uuid")),
    )
    op.create_index(
        "ix_signed_document_owner", "signed_document", ["owner_kind", "owner_key"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_signed_document_owner", table_name="signed_document")
    op.drop_table("signed_document")

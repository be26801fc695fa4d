"""Users, roles, backups (issue 9).

Revision ID: 0008_security
Revises: 0007_exchange
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_security"
down_revision = "0007_exchange"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backup_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_log")),
    )
    with op.batch_alter_table("backup_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_backup_log_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("backup_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backup_log_at"))
    op.drop_table("backup_log")

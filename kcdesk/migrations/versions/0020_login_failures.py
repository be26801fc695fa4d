"""Failed log-ins counted per account and source (issue 19 §3): ``login_failure``.

Revision ID: 0020_login_failures
Revises: 0019_sustainability_dept_letter
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_login_failures"
down_revision = "0019_sustainability_dept_letter"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=160), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_login_failure_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
        sa.UniqueConstraint("user_id", "source", name=op.f("uq_login_failure_user_id")),
    )
    op.create_index(op.f("ix_login_failure_user_id"), "login_failure", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failure_user_id"), table_name="login_failure")
    op.drop_table("login_failure")

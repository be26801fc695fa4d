"""Server mode (issue 21): shared attachments, drafts per workstation, trigram search.

- ``attachment_blob``: attached files kept in the database, content-addressed, so
  every workstation of a server reads them (docs/server.md).
- ``proposal_draft.workstation``: a draft belongs to a user on one PC.
- PostgreSQL only: the ``pg_trgm`` extension and a GIN index over the folded search
  text, so the register's LIKE search uses an index (SQLite has its FTS5 index).

Revision ID: 0014_server_mode
Revises: 0013_periodic_report_text
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_server_mode"
down_revision = "0013_periodic_report_text"
branch_labels = None
depends_on = None

TRGM_INDEX = "ix_proposal_search_text_trgm"


def upgrade() -> None:
    op.create_table(
        "attachment_blob",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_attachment_blob")),
    )
    with op.batch_alter_table("proposal_draft") as batch:
        batch.add_column(
            sa.Column("workstation", sa.String(length=255), server_default="", nullable=False)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON proposal "
            "USING gin (search_text gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
    with op.batch_alter_table("proposal_draft") as batch:
        batch.drop_column("workstation")
    op.drop_table("attachment_blob")

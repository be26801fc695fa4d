"""Users, roles, backups (issue 9).

Revision ID: 0008_security
Revises: 0007_exchange
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0008_security"
down_revision = "0007_exchange"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

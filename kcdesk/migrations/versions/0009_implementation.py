"""Implementation tracking (issue 10).

Revision ID: 0009_implementation
Revises: 0008_security
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0009_implementation"
down_revision = "0008_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""Programme dashboard and reports (issue 6).

Revision ID: 0005_programme_dashboard
Revises: 0004_appraisal
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005_programme_dashboard"
down_revision = "0004_appraisal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

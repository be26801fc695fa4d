"""Appraisal councils and score sheets (issue 5).

Revision ID: 0004_appraisal
Revises: 0003_register_amendments
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_appraisal"
down_revision = "0003_register_amendments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

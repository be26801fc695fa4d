"""Register, workflow, amendments, audit (issue 4).

Revision ID: 0003_register_amendments
Revises: 0002_wizard_drafts
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_register_amendments"
down_revision = "0002_wizard_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

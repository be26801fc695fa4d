"""The origin of a merged Centre's catalogue (issue 25): one catalogue per plan year,
funding source *and origin*, so the old province's catalogue of a year and source this
Centre also has is kept beside it, labelled ("tỉnh Hải Dương (cũ)"), never mixed in.

Revision ID: 0023_catalogue_origin
Revises: 0020_login_failures
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_catalogue_origin"
down_revision = "0020_login_failures"
branch_labels = None
depends_on = None

# What references ``catalogue``: SQLite rebuilds the table to change its unique key, and
# with foreign keys on, dropping the old table deletes these (ON DELETE CASCADE). They
# are kept aside in the same transaction and put back, ids and all.
_DEPENDENTS = ("catalogue_version", "catalogue_row")


def _rebuild(change: object) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for table in _DEPENDENTS:
            op.execute(f"CREATE TEMP TABLE _keep_{table} AS SELECT * FROM {table}")
    with op.batch_alter_table("catalogue") as batch:
        change(batch)  # type: ignore[operator]
    if sqlite:
        for table in reversed(_DEPENDENTS):
            op.execute(f"DELETE FROM {table}")
        for table in _DEPENDENTS:
            op.execute(f"INSERT INTO {table} SELECT * FROM _keep_{table}")
            op.execute(f"DROP TABLE _keep_{table}")


def upgrade() -> None:
    def change(batch: object) -> None:
        batch.add_column(  # type: ignore[attr-defined]
            sa.Column("origin", sa.String(length=96), nullable=False, server_default="")
        )
        batch.drop_constraint("uq_catalogue_plan_year", type_="unique")  # type: ignore[attr-defined]
        batch.create_unique_constraint(  # type: ignore[attr-defined]
            "uq_catalogue_plan_year", ["plan_year", "funding_source", "origin"]
        )

    _rebuild(change)


def downgrade() -> None:
    # Fails (and changes nothing) while a merged catalogue shares a year and source
    # with one of this Centre's: there is no one-catalogue-per-year form for both.
    def change(batch: object) -> None:
        batch.drop_constraint("uq_catalogue_plan_year", type_="unique")  # type: ignore[attr-defined]
        batch.create_unique_constraint(  # type: ignore[attr-defined]
            "uq_catalogue_plan_year", ["plan_year", "funding_source"]
        )
        batch.drop_column("origin")  # type: ignore[attr-defined]

    _rebuild(change)

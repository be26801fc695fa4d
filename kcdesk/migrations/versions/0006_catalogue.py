"""Catalogue and its versions (issue 7).

Revision ID: 0006_catalogue
Revises: 0005_programme_dashboard
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_catalogue"
down_revision = "0005_programme_dashboard"
branch_labels = None
depends_on = None

_MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _synced() -> list[sa.Column]:
    return [
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("origin_office", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "catalogue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("funding_source", sa.String(length=32), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "amended",
                name="cataloguestate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decision_no", sa.String(length=64), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("letter_no", sa.String(length=64), nullable=True),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue")),
        sa.UniqueConstraint("plan_year", "funding_source", name=op.f("uq_catalogue_plan_year")),
        sa.UniqueConstraint("uuid", name=op.f("uq_catalogue_uuid")),
    )
    with op.batch_alter_table("catalogue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalogue_plan_year"), ["plan_year"], unique=False)

    op.create_table(
        "catalogue_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalogue_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("decision_no", sa.String(length=64), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("frozen_at", sa.DateTime(), nullable=False),
        sa.Column("frozen_by", sa.String(length=64), nullable=False),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["catalogue_id"],
            ["catalogue.id"],
            name=op.f("fk_catalogue_version_catalogue_id_catalogue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_version")),
        sa.UniqueConstraint(
            "catalogue_id", "number", name=op.f("uq_catalogue_version_catalogue_id")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_catalogue_version_uuid")),
    )
    with op.batch_alter_table("catalogue_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_version_catalogue_id"), ["catalogue_id"], unique=False
        )

    op.create_table(
        "catalogue_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("proposal_uuid", sa.String(length=36), nullable=False),
        sa.Column("proposal_code", sa.String(length=32), nullable=False),
        sa.Column("activity", sa.String(length=48), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("implementing_unit", sa.Text(), nullable=False),
        sa.Column("beneficiary", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("total_cost", _MONEY, nullable=False),
        sa.Column("support", _MONEY, nullable=False),
        sa.Column("counterpart", _MONEY, nullable=False),
        sa.Column("other_funds", _MONEY, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalogue_version.id"],
            name=op.f("fk_catalogue_row_version_id_catalogue_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_row")),
    )
    with op.batch_alter_table("catalogue_row", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_row_proposal_uuid"), ["proposal_uuid"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_catalogue_row_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "imported_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("proposal_uuid", sa.String(length=36), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_row")),
        sa.UniqueConstraint("key", name=op.f("uq_imported_row_key")),
    )
    with op.batch_alter_table("imported_row", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_imported_row_proposal_uuid"), ["proposal_uuid"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("imported_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imported_row_proposal_uuid"))
    op.drop_table("imported_row")
    with op.batch_alter_table("catalogue_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_row_version_id"))
        batch_op.drop_index(batch_op.f("ix_catalogue_row_proposal_uuid"))
    op.drop_table("catalogue_row")
    with op.batch_alter_table("catalogue_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_version_catalogue_id"))
    op.drop_table("catalogue_version")
    with op.batch_alter_table("catalogue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_plan_year"))
    op.drop_table("catalogue")

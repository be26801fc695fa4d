"""Offline exchange packs (issue 8).

Revision ID: 0007_exchange
Revises: 0006_catalogue
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_exchange"
down_revision = "0006_catalogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("pack_uuid", sa.String(length=36), nullable=False),
        sa.Column("sender_code", sa.String(length=32), nullable=False),
        sa.Column("local", sa.JSON(), nullable=False),
        sa.Column("incoming", sa.JSON(), nullable=False),
        sa.Column("incoming_hash", sa.String(length=64), nullable=False),
        sa.Column("incoming_revision", sa.Integer(), nullable=False),
        sa.Column("local_revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=False),
        sa.Column("resolution", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_conflict")),
    )
    with op.batch_alter_table("exchange_conflict", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_conflict_record_uuid"), ["record_uuid"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exchange_conflict_status"), ["status"], unique=False)
    op.create_table(
        "exchange_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_uuid", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sender_code", sa.String(length=32), nullable=False),
        sa.Column("office_code", sa.String(length=32), nullable=False),
        sa.Column("pack_kind", sa.String(length=16), nullable=False),
        sa.Column("pack_created_at", sa.DateTime(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_import")),
    )
    with op.batch_alter_table("exchange_import", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_import_imported_at"), ["imported_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_import_pack_uuid"), ["pack_uuid"], unique=False
        )
    op.create_table(
        "exchange_remote_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("office_code", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=48), nullable=False),
        sa.Column("entity_uuid", sa.String(length=36), nullable=False),
        sa.Column("entity_label", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("origin_hash", sa.String(length=64), nullable=False),
        sa.Column("pack_uuid", sa.String(length=36), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_remote_event")),
        sa.UniqueConstraint("uuid", name=op.f("uq_exchange_remote_event_uuid")),
    )
    with op.batch_alter_table("exchange_remote_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_remote_event_entity_uuid"), ["entity_uuid"], unique=False
        )
    op.create_table(
        "exchange_sync_state",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("line_hash", sa.String(length=64), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_exchange_sync_state")),
    )
    with op.batch_alter_table("exchange_sync_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_sync_state_line_hash"), ["line_hash"], unique=False
        )
    op.create_table(
        "exchange_watermark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_code", sa.String(length=32), nullable=False),
        sa.Column("last_export_at", sa.DateTime(), nullable=False),
        sa.Column("last_pack_uuid", sa.String(length=36), nullable=False),
        sa.Column("last_counts", sa.JSON(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_watermark")),
        sa.UniqueConstraint("peer_code", name=op.f("uq_exchange_watermark_peer_code")),
    )

    op.create_table(
        "exchange_appraisal_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_uuid", sa.String(length=36), nullable=False),
        sa.Column("proposal_uuid", sa.String(length=36), nullable=False),
        sa.Column("session_name", sa.Text(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("decision_no", sa.String(length=64), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("average", sa.String(length=16), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("conclusion", sa.String(length=48), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.Column("pack_uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_appraisal_result")),
        sa.UniqueConstraint("item_uuid", name=op.f("uq_exchange_appraisal_result_item_uuid")),
    )
    with op.batch_alter_table("exchange_appraisal_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_appraisal_result_proposal_uuid"),
            ["proposal_uuid"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("exchange_appraisal_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_appraisal_result_proposal_uuid"))
    op.drop_table("exchange_appraisal_result")
    op.drop_table("exchange_watermark")
    with op.batch_alter_table("exchange_sync_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_sync_state_line_hash"))
    op.drop_table("exchange_sync_state")
    with op.batch_alter_table("exchange_remote_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_remote_event_entity_uuid"))
    op.drop_table("exchange_remote_event")
    with op.batch_alter_table("exchange_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_import_pack_uuid"))
        batch_op.drop_index(batch_op.f("ix_exchange_import_imported_at"))
    op.drop_table("exchange_import")
    with op.batch_alter_table("exchange_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_conflict_status"))
        batch_op.drop_index(batch_op.f("ix_exchange_conflict_record_uuid"))
    op.drop_table("exchange_conflict")

"""Writing a merge plan (hợp nhất): one transaction, recorded in the audit.

The attachments are copied into the content-addressed store first and checked by
their SHA-256 (a file that lands there without its record is harmless: it is
named by its content). Then every planned row is inserted with a new integer id and
its own UUID, its foreign keys following their parents; the other Centre's audit
trail is kept as a segment (``MergedAuditEvent``) whose head hash goes into this
database's own chain with the merge event. All of it commits at once: a merge
killed half-way leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from kcdesk.models import Base, new_uuid, utcnow
from kcdesk.models.merge import MergedAuditEvent, MergeRecord
from kcdesk.services.core import audit
from kcdesk.services.merge.plan import MergePlan
from kcdesk.services.merge.source import MergeRefused
from kcdesk.services.merge.tables import TABLES
from kcdesk.services.proposals import attachments
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import RESTORE, require


def _fk_target(table: Table, column: str) -> str:
    (fk,) = table.c[column].foreign_keys
    return str(fk.column.table.name)


def copy_attachments(plan: MergePlan) -> int:
    """Carry the planned files into this store, each checked by its hash."""
    for digest, path in plan.attachments_to_copy.items():
        stored = attachments.store_file(Path(path))
        if stored.hash != digest or not attachments.verify(digest):
            raise MergeRefused(
                f"Không hợp nhất: tệp đính kèm {Path(path).name} không khớp mã SHA-256 "
                "sau khi chép. Không có gì bị thay đổi."
            )
    return len(plan.attachments_to_copy)


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows``; their new ids in the same order.

    SQLite: ids given here, after the largest one, and one executemany — RETURNING
    in parameter order makes SQLAlchemy send one statement per row there, five times
    slower at 10,000 proposals (bench/bench_merge.py). The merge's transaction
    holds the write lock from its first insert, and a writer that slipped in between
    makes the insert fail and the whole merge roll back. Other engines: RETURNING,
    so their sequences stay right.
    """
    if session.get_bind().dialect.name == "sqlite":
        start = int(session.scalar(select(func.max(table.c.id))) or 0)
        ids = list(range(start + 1, start + 1 + len(rows)))
        session.execute(insert(table), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
        return ids
    result = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [r[0] for r in result]


def _insert_rows(session: Session, plan: MergePlan) -> dict[str, dict[int, int]]:
    new_ids: dict[str, dict[int, int]] = {}
    for spec in TABLES:
        table_plan = plan.tables[spec.name]
        table = Base.metadata.tables[spec.name]
        mapping: dict[int, int] = {}
        new_ids[spec.name] = mapping
        if not table_plan.rows:
            continue
        rows: list[dict[str, Any]] = []
        for source_row in table_plan.rows:
            row = {k: v for k, v in source_row.items() if k != "id"}
            for column in (*spec.owners, *spec.refs):
                value = row[column]
                if value is None:
                    continue
                parent = _fk_target(table, column)
                if value in new_ids[parent]:
                    row[column] = new_ids[parent][value]
                else:
                    row[column] = plan.tables[parent].existing.get(value)
            rows.append(row)
        ids = _insert(session, table, rows)
        mapping.update(zip((r["id"] for r in table_plan.rows), ids, strict=True))
    return new_ids


def apply_plan(session: Session, actor: Actor, plan: MergePlan) -> MergeRecord:
    """Write ``plan`` in the caller's transaction (commit once, at the end)."""
    require(actor, RESTORE)
    if session.scalars(
        select(MergeRecord).where(MergeRecord.source_key == plan.source_key)
    ).first():
        raise MergeRefused("Không hợp nhất: dữ liệu này đã được hợp nhất. Không có gì bị thay đổi.")
    copy_attachments(plan)
    _insert_rows(session, plan)
    summary = {
        "counts": plan.counts(),
        "tables": plan.table_counts(),
        "code_changes": [{"old": o, "new": n} for o, n in plan.code_changes],
        "programme_code_changes": [{"old": o, "new": n} for o, n in plan.programme_code_changes],
        "communes": [m.as_dict() for m in plan.communes],
        "offices_rejoin": plan.offices_rejoin,
        "user_conflicts": plan.user_conflicts,
        "users_without_office": plan.users_without_office,
        "catalogue_conflicts": plan.catalogue_conflicts,
        "attachments_missing": plan.attachments_missing,
    }
    record = MergeRecord(
        uuid=new_uuid(),
        at=utcnow(),
        username=actor.username,
        source_name=plan.source_name,
        source_key=plan.source_key,
        origin_province=plan.origin_province,
        origin_label=plan.origin_label,
        code_prefix=plan.code_prefix,
        segment_head=plan.chain_head,
        segment_events=len(plan.audit_events),
        summary=summary,
    )
    session.add(record)
    session.flush()
    if plan.audit_events:
        session.execute(
            insert(MergedAuditEvent),
            [
                {
                    **{k: v for k, v in event.items() if k != "id"},
                    "original_id": event["id"],
                    "merge_id": record.id,
                }
                for event in plan.audit_events
            ],
        )
    # The head of the other chain goes into ours: altering the kept segment afterwards
    # breaks either the segment's own chain or this link (services/merge/segment.py).
    audit.record(
        session,
        actor,
        entity="merge",
        entity_uuid=record.uuid,
        entity_label=plan.origin_label,
        action="merge",
        changes={
            "source": {"old": None, "new": plan.source_name},
            "segment_head": {"old": None, "new": plan.chain_head},
            "segment_events": {"old": None, "new": len(plan.audit_events)},
            "counts": {"old": None, "new": plan.counts()},
        },
    )
    return record

"""Verifying the merged Centres' audit trails kept here (đoạn nhật ký đã niêm phong).

Each merged trail is checked as it was checked before the merge: every event's hash
over its content and the previous hash, the links unbroken, the ids without holes;
and its head must be the one this database's own chain recorded with the merge.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent
from kcdesk.models.merge import MergedAuditEvent, MergeRecord
from kcdesk.services.core import audit


@dataclass(frozen=True)
class SegmentProblem:
    merge_label: str
    message: str


def _sealed_head(session: Session, record: MergeRecord) -> str | None:
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "merge", AuditEvent.entity_uuid == record.uuid
        )
    ).first()
    if event is None:
        return None
    return str((event.changes.get("segment_head") or {}).get("new") or "")


def verify_segment(session: Session, record: MergeRecord) -> SegmentProblem | None:
    label = record.origin_label
    prev = ""
    expected: int | None = None
    count = 0
    # A Centre's trail is keyed from its "key switched on" event with its own key: with
    # that key imported here ('kcdesk audit key import') its hashes are checked too,
    # without it the links and the head sealed by the merge still are.
    keys = audit.ChainKeys(missing_ok=True)
    for kept in session.scalars(
        select(MergedAuditEvent)
        .where(MergedAuditEvent.merge_id == record.id)
        .order_by(MergedAuditEvent.original_id)
    ):
        event = AuditEvent(
            id=kept.original_id,
            uuid=kept.uuid,
            at=kept.at,
            username=kept.username,
            office_code=kept.office_code,
            entity=kept.entity,
            entity_uuid=kept.entity_uuid,
            entity_label=kept.entity_label,
            action=kept.action,
            changes=kept.changes,
            prev_hash=kept.prev_hash,
            hash=kept.hash,
        )
        if expected is not None and kept.original_id != expected:
            return SegmentProblem(label, f"Nhật ký của {label}: thiếu sự kiện #{expected}.")
        if event.prev_hash != prev or keys.digest(event) != event.hash:
            return SegmentProblem(
                label, f"Nhật ký của {label}: sự kiện #{kept.original_id} đã bị sửa sau khi ghi."
            )
        prev = event.hash
        expected = kept.original_id + 1
        count += 1
    if count != record.segment_events or prev != record.segment_head:
        return SegmentProblem(label, f"Nhật ký của {label}: bị cắt bớt hoặc bị thay.")
    if _sealed_head(session, record) != record.segment_head:
        return SegmentProblem(
            label, f"Nhật ký của {label} không còn khớp với lần hợp nhất đã ghi trong nhật ký."
        )
    return None


def verify_segments(session: Session) -> list[SegmentProblem]:
    problems = []
    for record in session.scalars(select(MergeRecord).order_by(MergeRecord.id)):
        problem = verify_segment(session, record)
        if problem is not None:
            problems.append(problem)
    return problems

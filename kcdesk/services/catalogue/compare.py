"""Compare two catalogue versions row by row (so sánh các phiên bản danh mục).

Rows are matched by the proposal's UUID, so a renamed or renumbered proposal is
still the same row; the result says which rows were added, removed or changed and,
for a changed row, every field with its old and new value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from kcdesk.services.catalogue.build import ENTRY_FIELDS, Entry

DiffKind = Literal["added", "removed", "changed", "same"]

FIELD_LABELS = {
    "activity": "Nội dung hoạt động",
    "title": "Tên đề án",
    "implementing_unit": "Đơn vị thực hiện",
    "beneficiary": "Đơn vị thụ hưởng",
    "location": "Địa điểm",
    "period": "Thời gian thực hiện",
    "total_cost": "Tổng kinh phí",
    "support": "Kinh phí khuyến công hỗ trợ",
    "counterpart": "Vốn đối ứng",
    "other_funds": "Nguồn khác",
    "note": "Ghi chú",
}


@dataclass(frozen=True)
class RowDiff:
    kind: DiffKind
    proposal_code: str
    title: str
    changes: dict[str, tuple[str | int, str | int]] = field(default_factory=dict)
    old: Entry | None = None
    new: Entry | None = None


def compare_entries(old: Sequence[Entry], new: Sequence[Entry]) -> list[RowDiff]:
    """Row-by-row differences, in the new version's order then the removed rows."""
    old_by = {e.proposal_uuid: e for e in old}
    new_by = {e.proposal_uuid: e for e in new}
    out: list[RowDiff] = []
    for entry in new:
        before = old_by.get(entry.proposal_uuid)
        if before is None:
            out.append(RowDiff("added", entry.proposal_code, entry.title, new=entry))
            continue
        changes = {
            name: (before.value(name), entry.value(name))
            for name in ENTRY_FIELDS
            if before.value(name) != entry.value(name)
        }
        kind: DiffKind = "changed" if changes else "same"
        out.append(RowDiff(kind, entry.proposal_code, entry.title, changes, before, entry))
    for entry in old:
        if entry.proposal_uuid not in new_by:
            out.append(RowDiff("removed", entry.proposal_code, entry.title, old=entry))
    return out


def diff_dict(diff: RowDiff) -> dict[str, object]:
    return {
        "kind": diff.kind,
        "code": diff.proposal_code,
        "title": diff.title,
        "changes": {k: {"old": o, "new": n} for k, (o, n) in diff.changes.items()},
    }

"""One line of the "cần chú ý" panel (việc cần chú ý) and the names of its kinds."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

KIND_LABELS: dict[str, str] = {
    "late_dossier": "Hồ sơ nộp muộn",
    "long_wait": "Chờ quá lâu",
    "missing_documents": "Thiếu giấy tờ",
    "settlement_overdue": "Quá hạn quyết toán",
    "catalogue_deadline": "Hạn phê duyệt danh mục",
    "target_unassigned": "Kết quả chưa gắn chỉ tiêu",
}


@dataclass(frozen=True)
class AttentionItem:
    """One line of the panel; ``code`` is the proposal to open ('' if none)."""

    kind: str  # late_dossier, long_wait, missing_documents, or a provider's own
    code: str
    message: str
    since: date | None = None
    severity: int = 1  # 1 = note, 2 = warning, 3 = overdue

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        return data

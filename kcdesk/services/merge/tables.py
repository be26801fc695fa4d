"""Which tables of the other Centre's database are merged, in what order, and how.

Each table is read whole and its rows copied with new integer ids; a row keeps its
UUID. ``owners`` are the foreign keys that make a row part of its parent (a budget
line of a proposal): such a row comes in only with its parent, so a record already
here is never given a second copy of its parts. ``refs`` point to something the
row uses (the facility of a proposal, a user's office): they follow the parent to
whatever it became here — the new copy, the record already here, or nothing.

Not merged: the exchange bookkeeping and drafts (local to each PC), the backup log,
the failed log-in counters (``login_failure``, per account and source of this Centre),
settings (the new province's are asked for once), and the dashboard's sums (kept
by triggers as proposals and outputs are inserted, models/dashboard.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    name: str
    group: str
    owners: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()


TABLES: tuple[TableSpec, ...] = (
    TableSpec("office", "offices"),
    TableSpec("user_account", "users", refs=("office_id",)),
    TableSpec("facility", "facilities"),
    TableSpec("programme", "programmes"),
    TableSpec("target", "targets", owners=("programme_id",)),
    TableSpec("proposal", "proposals"),
    TableSpec(
        "proposal_facility", "proposal_parts", owners=("proposal_id",), refs=("facility_id",)
    ),
    TableSpec("budget_line", "proposal_parts", owners=("proposal_id",)),
    TableSpec("schedule_item", "proposal_parts", owners=("proposal_id",)),
    TableSpec("output_measure", "proposal_parts", owners=("proposal_id",)),
    TableSpec("document", "proposal_parts", owners=("proposal_id",)),
    TableSpec("status_change", "status_history", owners=("proposal_id",)),
    TableSpec("amendment", "amendments", owners=("proposal_id",)),
    TableSpec("progress_entry", "implementation", owners=("proposal_id",)),
    TableSpec("evidence_item", "implementation", owners=("proposal_id",)),
    TableSpec("acceptance", "implementation", owners=("proposal_id",)),
    TableSpec("disbursement", "payments", owners=("proposal_id",)),
    TableSpec("settlement", "settlements", owners=("proposal_id",)),
    TableSpec("appraisal_session", "councils"),
    TableSpec("council_member", "council_members", owners=("session_id",)),
    TableSpec("appraisal_item", "agenda_items", owners=("session_id",), refs=("proposal_id",)),
    TableSpec("score_sheet", "scores", owners=("member_id", "item_id")),
    TableSpec("criterion_score", "criterion_scores", owners=("sheet_id",)),
    TableSpec("catalogue", "catalogues"),
    TableSpec("catalogue_version", "catalogue_versions", owners=("catalogue_id",)),
    TableSpec("catalogue_row", "catalogue_rows", owners=("version_id",)),
    TableSpec("imported_row", "imported_rows"),
)

# What the preview shows, in this order (Vietnamese labels; internal keys never shown).
GROUP_LABELS: dict[str, str] = {
    "programmes": "Chương trình khuyến công",
    "targets": "Chỉ tiêu của chương trình",
    "proposals": "Đề án",
    "proposal_parts": "Dòng dự toán, tiến độ, sản phẩm, hồ sơ, cơ sở của đề án",
    "status_history": "Bước chuyển trạng thái (lịch sử đề án)",
    "facilities": "Cơ sở thụ hưởng",
    "councils": "Hội đồng thẩm định",
    "council_members": "Thành viên hội đồng",
    "agenda_items": "Đề án đưa ra hội đồng",
    "scores": "Phiếu chấm điểm",
    "criterion_scores": "Điểm theo tiêu chí",
    "catalogues": "Danh mục đề án",
    "catalogue_versions": "Phiên bản danh mục (trình, phê duyệt, điều chỉnh)",
    "catalogue_rows": "Dòng của các phiên bản danh mục",
    "amendments": "Điều chỉnh đề án",
    "implementation": "Tiến độ, minh chứng, nghiệm thu",
    "payments": "Tạm ứng, thanh toán",
    "settlements": "Quyết toán",
    "offices": "Đơn vị (văn phòng) và khóa trao đổi",
    "users": "Người dùng",
    "imported_rows": "Dòng Excel cũ đã nhập",
    "attachments": "Tệp đính kèm",
    "audit_events": "Sự kiện nhật ký thao tác",
}

# Columns holding the SHA-256 of an attached file in the content-addressed store.
FILE_COLUMNS: dict[str, str] = {
    "document": "file_hash",
    "progress_entry": "file_hash",
    "evidence_item": "file_hash",
}

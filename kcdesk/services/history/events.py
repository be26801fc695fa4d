"""Audit events and status changes as sentences: "Sửa đề án", "Dự toán: 2 → 3 dòng"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from kcdesk.services.history.values import (
    format_value,
    format_when,
    humanise_text,
    status_label,
    user_label,
)

ACTIONS = {
    "create": "Tạo",
    "update": "Sửa",
    "import": "Nhập từ Excel",
    "status": "Chuyển trạng thái",
    "state": "Chuyển trạng thái",
    "amend": "Đề nghị điều chỉnh",
    "decide": "Quyết định điều chỉnh",
    "delete": "Xóa",
    "restore": "Khôi phục",
    "export": "Xuất",
    "register": "Đăng ký",
    "join": "Tham gia",
    "resolve_conflict": "Xử lý xung đột",
    "demo-data": "Tạo dữ liệu trình diễn",
    "append": "Thêm",
    "scores": "Ghi điểm",
    "record": "Ghi",
    "login": "Đăng nhập",
    "member-add": "Thêm thành viên",
    "member-update": "Sửa thành viên",
    "member-remove": "Bỏ thành viên",
    "agenda-add": "Thêm đề án vào",
    "agenda-remove": "Bỏ đề án khỏi",
    "agenda-move": "Đổi thứ tự đề án trong",
    "conflict-declare": "Ghi xung đột lợi ích trong",
    "conflict-clear": "Bỏ xung đột lợi ích trong",
    "results": "Ghi kết quả",
    "login_failed": "Đăng nhập sai",
    "key_on": "Bật khóa",
    "key_import": "Nhập khóa",
    "results-undo": "Huỷ kết quả đã ghi",
    "key_restart": "Bắt đầu khóa mới",
}
ENTITIES = {
    "proposal": "đề án",
    "facility": "cơ sở",
    "programme": "chương trình",
    "office": "đơn vị",
    "exchange_pack": "gói trao đổi",
    "catalogue": "danh mục",
    "backup": "bản sao lưu",
    "amendment": "điều chỉnh",
    "user": "người dùng",
    "settlement": "quyết toán",
    "setting": "thiết lập",
    "progress": "báo cáo tiến độ",
    "evidence": "tài liệu nghiệm thu",
    "disbursement": "khoản chi",
    "acceptance": "nghiệm thu",
    "demo": "dữ liệu trình diễn",
    "appraisal_session": "phiên thẩm định",
    "council": "hội đồng thẩm định",
    "audit": "nhật ký",
}
# Labels of fields that are not on the proposal template.
_FIELDS = {
    "commune_code": "Mã xã",
    "status": "Trạng thái",
    "approved_support": "Kinh phí được duyệt",
    "disbursed": "Đã giải ngân",
    "budget_lines": "Dự toán",
    "schedule": "Kế hoạch thực hiện",
    "documents": "Hồ sơ",
    "outputs": "Chỉ tiêu kết quả",
    "facilities": "Đơn vị thụ hưởng",
    "kind": "Loại hình",
    "tax_code": "Mã số thuế",
    "address": "Địa chỉ",
    "province": "Tỉnh",
    "representative": "Người đại diện",
    "phone": "Điện thoại",
    "sector": "Ngành nghề",
    "workers": "Số lao động",
    "woman_owned": "Do phụ nữ làm chủ",
    "ethnic_minority_owned": "Do người dân tộc thiểu số làm chủ",
    "craft_village": "Trong làng nghề",
    "name": "Tên",
    "reason": "Lý do",
    "decision_no": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "received_date": "Ngày nhận hồ sơ",
    "plan_year": "Năm kế hoạch",
    "scores": "Điểm",
    "conclusion": "Kết luận",
    "value": "Giá trị",
    "role": "Vai trò",
    "active": "Đang dùng",
    "full_name": "Họ tên",
    "key_id": "Mã khóa nhật ký",
    "covered_to": "Kiểm tra theo liên kết và mốc đến sự kiện",
    "seal": "Dấu niêm phong các sự kiện trước",
    "source": "Máy và giao diện đăng nhập",
    "failed_logins": "Số lần nhập sai liên tiếp",
    "locked_until": "Tạm khóa đến",
    "proposals": "Đề án",
    "count": "Số lượng",
    "file": "Tệp",
    "path": "Tệp",
    "criteria": "Bộ tiêu chí",
    "member": "Thành viên",
    "proposal": "Đề án",
    "meeting_date": "Ngày họp",
    "place": "Địa điểm họp",
    "note": "Ghi chú",
    "state": "Tình trạng",
}
_SNAKE = re.compile(r"^[a-z][a-z0-9_.]*$")


@cache
def _template_labels() -> dict[str, str]:
    try:
        from kcdesk.services.proposals.template import load_template

        return {key: spec.label for key, spec in load_template().fields.items()}
    except Exception:  # a broken province template must not hide the history
        return {}


def field_label(key: str) -> str:
    known = _template_labels().get(key) or _FIELDS.get(key) or setting_label(key)
    if known:
        return known
    # Some events key a change by what it is about ("ĐA-2027-001 / Nguyễn Văn A"):
    # that is already words; a code nobody labelled is not shown.
    return "Thông tin khác" if _SNAKE.match(key) else humanise_text(key)


def setting_label(key: str) -> str | None:
    """The label of a setting ("app.demo" → "Cơ sở dữ liệu trình diễn")."""
    from kcdesk.services.core.settings import SPECS

    return next((spec.label for spec in SPECS if spec.key == key), None)


@dataclass(frozen=True)
class EventText:
    when: str
    who: str
    what: str  # "Sửa đề án ĐA-2027-001"
    subject: str  # what the event is about: "ĐA-2027-001", "Tỉnh" (a setting)
    changes: str  # "Dự toán: 2 → 3 dòng; Địa điểm: Thôn A → Thôn B"


def action_sentence(action: str, entity: str, label: str = "") -> str:
    verb = ACTIONS.get(action, "Thao tác")
    noun = ENTITIES.get(entity, "dữ liệu")
    if entity == "setting":
        label = f"«{setting_label(label) or 'khác'}»"
    if action == "demo-data":
        return verb
    return f"{verb} {noun} {humanise_text(label)}".strip()


def subject_text(entity: str, label: str) -> str:
    if entity == "setting":
        return setting_label(label) or "Thiết lập khác"
    return humanise_text(label)


def _change(key: str, change: Any, *, created: bool) -> str:
    label = field_label(key)
    if not isinstance(change, dict):
        return label
    old, new = change.get("old"), change.get("new")
    if isinstance(new, list) and not all(isinstance(v, str) for v in new):
        if created or old is None:
            return f"{label}: {len(new)} dòng"
        return f"{label}: {len(old) if isinstance(old, list) else 0} → {len(new)} dòng"
    if created:
        return f"{label}: {format_value(key, new)}"
    return f"{label}: {format_value(key, old)} → {format_value(key, new)}"


def changes_text(changes: dict[str, Any] | None, *, created: bool = False, limit: int = 12) -> str:
    """The changed fields as "Nhãn: cũ → mới" (a creation lists the values it set)."""
    items = [
        _change(k, v, created=created)
        for k, v in (changes or {}).items()
        # a creation lists what was typed, not every empty field
        if not (created and isinstance(v, dict) and v.get("new") in (None, "", [], {}))
    ]
    more = f"; … và {len(items) - limit} mục khác" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


def describe_event(event: dict[str, Any]) -> EventText:
    """An audit event (``audit.event_dict``) in words."""
    created = event.get("action") == "create"
    return EventText(
        when=format_when(event.get("at")),
        who=user_label(event.get("user")),
        what=action_sentence(
            str(event.get("action", "")), str(event.get("entity", "")), event.get("label") or ""
        ),
        subject=subject_text(str(event.get("entity", "")), event.get("label") or ""),
        changes=changes_text(event.get("changes"), created=created),
    )


def status_change_text(change: dict[str, Any]) -> str:
    """A status change (``detail_dict()["history"]`` item): "Tiếp nhận → Đã chuyển Sở"."""
    old = change.get("from")
    new = status_label(change.get("to"))
    return f"{status_label(old)} → {new}" if old else new

"""Settings of one database: the organisation's names, signers, deadlines, limits.

Every printed document reads the organisation from here: nothing is hard-coded to
one province (docs/architecture.md#organisation-settings-and-demo-data). Unset keys
fall back to DEFAULTS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Setting
from kcdesk.services.core import audit
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import SETTINGS_EDIT, require


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any
    help: str = ""


SPECS: tuple[SettingSpec, ...] = (
    # The organisation (cơ quan, đơn vị) is the user's own: nothing province-specific
    # has a default, and a document refuses to print while one it needs is unset
    # (kcdesk.services.core.organisation). Names are typed as written in a sentence;
    # letterheads print them in capitals.
    SettingSpec("org.province", "Tỉnh", "", "Ví dụ: Cao Bằng"),
    SettingSpec("org.place_name", "Địa danh ghi ngày tháng", "", "Ví dụ: Cao Bằng"),
    SettingSpec(
        "org.province_committee",
        "Ủy ban nhân dân tỉnh",
        "",
        "Ví dụ: Ủy ban nhân dân tỉnh Cao Bằng",
    ),
    SettingSpec("org.department_name", "Tên Sở", "Sở Công Thương"),
    SettingSpec(
        "org.department_parent", "Cơ quan chủ quản của Sở", "", "Ví dụ: UBND tỉnh Cao Bằng"
    ),
    SettingSpec("org.department_abbrev", "Viết tắt của Sở (số văn bản)", "SCT"),
    SettingSpec(
        "org.centre_name",
        "Tên Trung tâm",
        "",
        "Ví dụ: Trung tâm Khuyến công và Xúc tiến thương mại",
    ),
    SettingSpec(
        "org.centre_parent",
        "Cơ quan chủ quản của Trung tâm",
        "",
        "Ví dụ: Sở Công Thương tỉnh Cao Bằng",
    ),
    SettingSpec("org.centre_abbrev", "Viết tắt của Trung tâm (số văn bản)", "TTKC"),
    SettingSpec("signer.centre_post", "Chức vụ người ký (Trung tâm)", "Giám đốc"),
    SettingSpec("signer.centre_name", "Họ tên người ký (Trung tâm)", ""),
    SettingSpec("signer.department_post", "Chức vụ người ký (Sở)", "Giám đốc"),
    SettingSpec("signer.department_name", "Họ tên người ký (Sở)", ""),
    SettingSpec("signer.committee_post", "Chức vụ người ký (UBND tỉnh)", "Chủ tịch"),
    SettingSpec("signer.committee_name", "Họ tên người ký (UBND tỉnh)", ""),
    SettingSpec("office.code", "Đơn vị của máy này (mã)", "TTKC"),
    SettingSpec("office.level_label", "Cấp đơn vị địa phương", "UBND cấp xã"),
    SettingSpec("deadline.dossier", "Hạn nộp hồ sơ (ngày-tháng, năm trước năm kế hoạch)", "30-06"),
    SettingSpec("deadline.catalogue", "Hạn phê duyệt danh mục (ngày-tháng, năm trước)", "30-10"),
    SettingSpec("deadline.settlement", "Hạn nộp hồ sơ quyết toán (ngày-tháng, năm sau)", "22-01"),
    SettingSpec("deadline.status_days", "Số ngày tối đa ở một trạng thái", 60),
    SettingSpec("rule.duplicate_support_years", "Số năm xét hỗ trợ trùng", 3),
    SettingSpec("attachment.max_mb", "Dung lượng tối đa mỗi tệp đính kèm (MB)", 25),
    SettingSpec("app.single_user", "Chế độ một người dùng (không đăng nhập)", True),
    SettingSpec("app.demo", "Cơ sở dữ liệu trình diễn", False),
)

DEFAULTS: dict[str, Any] = {spec.key: spec.default for spec in SPECS}
_SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


def spec(key: str) -> SettingSpec | None:
    return _SPEC_BY_KEY.get(key)


def parse_value(key: str, text: str) -> Any:
    """A typed value from text (the CLI): numbers, yes/no switches, text as NFC."""
    import unicodedata

    found = _SPEC_BY_KEY.get(key)
    if found is None:
        raise ValidationError(f"Không có cài đặt «{key}» (xem: kcdesk settings list).")
    default = found.default
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered in ("1", "true", "yes", "có", "co", "bật", "bat"):
            return True
        if lowered in ("0", "false", "no", "không", "khong", "tắt", "tat"):
            return False
        raise ValidationError(f"Cài đặt «{found.label}» nhận có/không (yes/no).")
    if isinstance(default, int):
        try:
            return int(text.strip())
        except ValueError as exc:
            raise ValidationError(f"Cài đặt «{found.label}» cần một số nguyên.") from exc
    return unicodedata.normalize("NFC", text).strip()


def get_all(session: Session) -> dict[str, Any]:
    values = dict(DEFAULTS)
    for row in session.scalars(select(Setting)):
        values[row.key] = row.value
    return values


def get(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    if row is not None:
        return row.value
    if key not in DEFAULTS:
        raise KeyError(key)
    return DEFAULTS[key]


def put(session: Session, actor: Actor, key: str, value: Any) -> None:
    """Store one setting (audited), for a role that may edit settings."""
    require(actor, SETTINGS_EDIT)
    put_trusted(session, actor, key, value)


def put_trusted(session: Session, actor: Actor, key: str, value: Any) -> None:
    """Store one setting without a role check: only for callers that are themselves the
    check — first-run set-up, joining an office (OFFICES_ADMIN), the first
    administrator turning single-user mode off. Never reached from user input alone."""
    spec = _SPEC_BY_KEY.get(key)
    if spec is not None and spec.default is not None and not isinstance(value, type(spec.default)):
        raise ValidationError(
            f"Cài đặt '{spec.label}' cần giá trị kiểu {type(spec.default).__name__}."
        )
    row = session.get(Setting, key)
    old = row.value if row is not None else DEFAULTS.get(key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    audit.record(
        session,
        actor,
        entity="setting",
        entity_uuid="",
        entity_label=key,
        action="update",
        changes=audit.diff({key: old}, {key: value}),
    )


def day_month(text: str) -> tuple[int, int]:
    """Parse a 'dd-mm' deadline setting."""
    try:
        day, month = (int(part) for part in text.split("-"))
    except ValueError as exc:
        raise ValidationError(f"Hạn '{text}' phải có dạng ngày-tháng, ví dụ 30-06.") from exc
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValidationError(f"Hạn '{text}' không phải ngày-tháng hợp lệ.")
    return day, month

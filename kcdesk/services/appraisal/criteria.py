"""Appraisal criteria sets (bộ tiêu chí thẩm định) from ``forms/appraisal_criteria.toml``.

The province's copy in the data folder wins over the shipped file (see
``kcdesk.services.forms.load``). Every problem is reported in Vietnamese with the set
and criterion it concerns, so whoever edits the file can fix it without help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kcdesk.services.forms.load import FormsError, forms_file, load_toml_form

FORM_NAME = "appraisal_criteria"
_CODE = re.compile(r"^[a-z0-9_]{1,48}$")


@dataclass(frozen=True)
class Criterion:
    """Tiêu chí: what is judged and its maximum points."""

    code: str
    label: str
    max_points: int
    help: str = ""


@dataclass(frozen=True)
class Conclusion:
    """Kết luận a member may tick (e.g. "Đề nghị hỗ trợ")."""

    code: str
    label: str


@dataclass(frozen=True)
class CriteriaSet:
    """Bộ tiêu chí: criteria, pass mark and conclusions (most favourable first)."""

    code: str
    label: str
    sheet_title: str
    legal_basis: str
    default_scale: bool
    note: str
    pass_mark: int
    criteria: tuple[Criterion, ...]
    conclusions: tuple[Conclusion, ...]

    @property
    def total(self) -> int:
        return sum(c.max_points for c in self.criteria)

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)

    def conclusion_label(self, code: str | None) -> str:
        for c in self.conclusions:
            if c.code == code:
                return c.label
        return ""

    def to_dict(self) -> dict[str, Any]:
        """The snapshot kept in ``AppraisalSession.criteria``."""
        return {
            "code": self.code,
            "label": self.label,
            "sheet_title": self.sheet_title,
            "legal_basis": self.legal_basis,
            "default_scale": self.default_scale,
            "note": self.note,
            "pass_mark": self.pass_mark,
            "criteria": [
                {"code": c.code, "label": c.label, "max_points": c.max_points, "help": c.help}
                for c in self.criteria
            ],
            "conclusions": [{"code": c.code, "label": c.label} for c in self.conclusions],
        }


def _text(raw: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise FormsError(f"{where}: «{key}» phải là chữ (đặt trong dấu ngoặc kép).")
    value = value.strip()
    if required and not value:
        raise FormsError(f"{where}: thiếu «{key}».")
    return value


def _positive_int(raw: dict[str, Any], key: str, where: str) -> int:
    value = raw.get(key)
    # bool is an int in Python; "true" is never a number of points.
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormsError(
            f"{where}: «{key}» phải là số nguyên dương (ví dụ 20), không phải «{value}»."
        )
    if value <= 0:
        raise FormsError(f"{where}: «{key}» phải lớn hơn 0 (đang là {value}).")
    return value


def parse_set(raw: Any, where: str) -> CriteriaSet:
    """One ``[[set]]`` (or a session's snapshot) → CriteriaSet; FormsError if wrong."""
    if not isinstance(raw, dict):
        raise FormsError(f"{where}: mỗi bộ tiêu chí phải là một bảng [[set]].")
    code = _text(raw, "code", where)
    if not _CODE.match(code):
        raise FormsError(f"{where}: mã «{code}» chỉ gồm chữ thường không dấu, số và dấu _.")
    where = f"{where} «{code}»"
    label = _text(raw, "label", where)
    raw_criteria = raw.get("criteria", [])
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise FormsError(f"{where}: cần ít nhất một tiêu chí [[set.criteria]].")
    criteria: list[Criterion] = []
    for index, item in enumerate(raw_criteria, start=1):
        cwhere = f"{where}, tiêu chí {index}"
        if not isinstance(item, dict):
            raise FormsError(f"{cwhere}: phải là một bảng [[set.criteria]].")
        ccode = _text(item, "code", cwhere)
        if not _CODE.match(ccode):
            raise FormsError(f"{cwhere}: mã «{ccode}» chỉ gồm chữ thường không dấu, số và dấu _.")
        if any(c.code == ccode for c in criteria):
            raise FormsError(f"{cwhere}: mã «{ccode}» bị trùng.")
        criteria.append(
            Criterion(
                code=ccode,
                label=_text(item, "label", cwhere),
                max_points=_positive_int(item, "max_points", cwhere),
                help=_text(item, "help", cwhere, required=False),
            )
        )
    pass_mark = _positive_int(raw, "pass_mark", where)
    total = sum(c.max_points for c in criteria)
    if pass_mark > total:
        raise FormsError(
            f"{where}: điểm đạt {pass_mark} lớn hơn tổng điểm tối đa {total} của các tiêu chí."
        )
    raw_conclusions = raw.get("conclusions", [])
    if not isinstance(raw_conclusions, list):
        raise FormsError(f"{where}: «conclusions» phải là một danh sách.")
    conclusions: list[Conclusion] = []
    for index, item in enumerate(raw_conclusions, start=1):
        kwhere = f"{where}, kết luận {index}"
        if not isinstance(item, dict):
            raise FormsError(f'{kwhere}: ghi dạng {{ code = "…", label = "…" }}.')
        kcode = _text(item, "code", kwhere)
        if any(c.code == kcode for c in conclusions):
            raise FormsError(f"{kwhere}: mã «{kcode}» bị trùng.")
        conclusions.append(Conclusion(kcode, _text(item, "label", kwhere)))
    default_scale = raw.get("default_scale", False)
    if not isinstance(default_scale, bool):
        raise FormsError(f"{where}: «default_scale» phải là true hoặc false.")
    return CriteriaSet(
        code=code,
        label=label,
        sheet_title=_text(raw, "sheet_title", where, required=False) or label,
        legal_basis=_text(raw, "legal_basis", where, required=False),
        default_scale=default_scale,
        note=_text(raw, "note", where, required=False),
        pass_mark=pass_mark,
        criteria=tuple(criteria),
        conclusions=tuple(conclusions),
    )


def parse_sets(data: dict[str, Any], where: str) -> dict[str, CriteriaSet]:
    raw_sets = data.get("set")
    if not isinstance(raw_sets, list) or not raw_sets:
        raise FormsError(f"{where}: không có bộ tiêu chí nào ([[set]]).")
    out: dict[str, CriteriaSet] = {}
    for index, raw in enumerate(raw_sets, start=1):
        spec = parse_set(raw, f"{where}, bộ tiêu chí {index}")
        if spec.code in out:
            raise FormsError(f"{where}: mã bộ tiêu chí «{spec.code}» bị trùng.")
        out[spec.code] = spec
    return out


def load_criteria_sets() -> dict[str, CriteriaSet]:
    """Every criteria set in force (the province's file if present), in file order."""
    path = forms_file(FORM_NAME)
    return parse_sets(load_toml_form(FORM_NAME), f"Tệp «{path.name}»")


def get_criteria_set(code: str) -> CriteriaSet:
    sets = load_criteria_sets()
    if code not in sets:
        names = ", ".join(sets)
        raise FormsError(f"Không có bộ tiêu chí «{code}». Các bộ hiện có: {names}.")
    return sets[code]


def default_set_code() -> str:
    return next(iter(load_criteria_sets()))

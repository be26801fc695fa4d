"""Disbursement rules read from ``forms/disbursement_rules.toml`` (quy tắc tạm ứng).

The defaults follow Thông tư 36/2013/TT-BCT; a province overrides the file in its
own forms folder. Percentages are whole numbers so every comparison is exact
integer arithmetic on đồng.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kcdesk.services.forms.load import FormsError, forms_file, load_toml_form

RULES_FORM = "disbursement_rules"

_SECTIONS = {
    "advance": {"max_percent", "source", "by_activity", "after_progress", "progress_source"},
    "settlement": {"requires_acceptance", "source"},
    "total": {"source"},
}


@dataclass(frozen=True)
class DisbursementRules:
    """Quy tắc giải ngân: advance ceiling, settlement after acceptance, total ceiling."""

    advance_percent: int
    advance_source: str
    settlement_requires_acceptance: bool
    settlement_source: str
    total_source: str
    advance_by_activity: dict[str, int] = field(default_factory=dict)
    # Khoản 1, điểm d khoản 2 Điều 13 TT 36/2013: for these activities an advance needs a
    # progress report showing MORE than this % of the work (investment) done.
    advance_after_progress: dict[str, int] = field(default_factory=dict)
    advance_progress_source: str = ""

    def advance_percent_for(self, activity: str) -> int:
        return self.advance_by_activity.get(activity, self.advance_percent)

    def progress_needed_for(self, activity: str) -> int | None:
        return self.advance_after_progress.get(activity)


def _percent(value: Any, where: str, path: str) -> int:
    # bool is an int subclass: `true` must not read as 1 %.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise FormsError(
            f"Tệp «{path}»: {where} phải là số nguyên phần trăm từ 0 đến 100 (ví dụ 70), "
            f"không phải {value!r}."
        )
    return value


def _text(value: Any, where: str, path: str) -> str:
    if not isinstance(value, str):
        raise FormsError(f"Tệp «{path}»: {where} phải là chữ trong ngoặc kép.")
    return value.strip()


def parse_rules(data: dict[str, Any], path: str = RULES_FORM) -> DisbursementRules:
    """Check and convert the TOML table; ``FormsError`` names the field to fix."""
    for key in data:
        if key not in _SECTIONS:
            raise FormsError(
                f"Tệp «{path}»: mục [{key}] không có. Các mục: "
                + ", ".join(f"[{s}]" for s in _SECTIONS)
                + "."
            )
    for section, allowed in _SECTIONS.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise FormsError(f"Tệp «{path}»: thiếu mục [{section}].")
        for key in table:
            if key not in allowed:
                raise FormsError(
                    f"Tệp «{path}»: trường «{key}» trong [{section}] không có. "
                    f"Các trường: {', '.join(sorted(allowed))}."
                )
    advance, settlement, total = data["advance"], data["settlement"], data["total"]
    if "max_percent" not in advance:
        raise FormsError(f"Tệp «{path}»: [advance] thiếu max_percent.")
    by_activity_raw = advance.get("by_activity", {})
    if not isinstance(by_activity_raw, dict):
        raise FormsError(f"Tệp «{path}»: [advance.by_activity] phải là bảng mã = phần trăm.")
    by_activity = {
        str(code): _percent(value, f"[advance.by_activity] {code}", path)
        for code, value in by_activity_raw.items()
    }
    after_raw = advance.get("after_progress", {})
    if not isinstance(after_raw, dict):
        raise FormsError(f"Tệp «{path}»: [advance.after_progress] phải là bảng mã = phần trăm.")
    after_progress = {
        str(code): _percent(value, f"[advance.after_progress] {code}", path)
        for code, value in after_raw.items()
    }
    requires = settlement.get("requires_acceptance", True)
    if not isinstance(requires, bool):
        raise FormsError(f"Tệp «{path}»: [settlement] requires_acceptance phải là true hoặc false.")
    return DisbursementRules(
        advance_percent=_percent(advance["max_percent"], "[advance] max_percent", path),
        advance_source=_text(advance.get("source", ""), "[advance] source", path),
        settlement_requires_acceptance=requires,
        settlement_source=_text(settlement.get("source", ""), "[settlement] source", path),
        total_source=_text(total.get("source", ""), "[total] source", path),
        advance_by_activity=by_activity,
        advance_after_progress=after_progress,
        advance_progress_source=_text(
            advance.get("progress_source", ""), "[advance] progress_source", path
        ),
    )


def load_rules() -> DisbursementRules:
    """The province's rules if it has its own copy, else the shipped defaults."""
    return parse_rules(load_toml_form(RULES_FORM), str(forms_file(RULES_FORM)))

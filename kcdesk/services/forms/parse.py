"""Turn the parsed TOML of ``forms/`` into specs, checking every field (kiểm tra biểu mẫu).

Provinces edit these files by hand, so every rule breach becomes a ``FormsError``
that names the file, the entry and the fix, in Vietnamese. Unknown keys are
refused too: a misspelt ``requried`` would otherwise silently mean "optional".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from kcdesk.services.forms.spec import (
    CAP_UNITS,
    ActivitySpec,
    ChecklistItem,
    FormsError,
    FundingSource,
    MeasureSpec,
    SupportCap,
)

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?$")

_ACTIVITY_KEYS = {
    "code",
    "label",
    "short_label",
    "group_order",
    "legal_basis",
    "requires_beneficiary",
    "multi_year",
    "outputs",
    "cap",
    "document",
    "evidence",
}
_CAP_KEYS = {
    "percent",
    "amount",
    "line_multiplier",
    "source",
    "funding",
    "kind",
    "kind_label",
    "per",
    "verified",
}
_ITEM_KEYS = {"code", "label", "required", "source"}
_ITEM_NAMES = {"document": "giấy tờ hồ sơ", "evidence": "tài liệu nghiệm thu"}


class _Where:
    """Formats the location part of a message: file, then entry."""

    def __init__(self, path: Path, entry: str = "") -> None:
        self.path = path
        self.entry = entry

    def at(self, entry: str) -> _Where:
        return _Where(self.path, f"{self.entry}, {entry}" if self.entry else entry)

    def error(self, problem: str, fix: str) -> FormsError:
        where = f" — {self.entry}" if self.entry else ""
        return FormsError(f"Tệp biểu mẫu «{self.path}»{where}: {problem}. {fix}")


def _check_keys(raw: Mapping[str, Any], allowed: set[str], where: _Where) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise where.error(
            f"có trường không hợp lệ {', '.join(repr(k) for k in unknown)}",
            f"Chỉ dùng các trường: {', '.join(sorted(allowed))} (kiểm tra lỗi chính tả).",
        )


def _text(raw: Mapping[str, Any], key: str, where: _Where, *, default: str | None = None) -> str:
    value = raw.get(key)
    if value is None:
        if default is not None:
            return default
        raise where.error(f"thiếu trường «{key}»", f'Hãy thêm dòng {key} = "…".')
    if not isinstance(value, str):
        raise where.error(f"trường «{key}» phải là chữ", f'Hãy viết trong ngoặc kép: {key} = "…".')
    value = value.strip()
    if not value and default is None:
        raise where.error(f"trường «{key}» đang để trống", "Hãy điền nội dung.")
    return value


def _code(raw: Mapping[str, Any], where: _Where) -> str:
    code = _text(raw, "code", where)
    if not _CODE.match(code):
        raise where.error(
            f"mã «{code}» không hợp lệ",
            "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, ví dụ may_moc_thiet_bi.",
        )
    return code


def _flag(raw: Mapping[str, Any], key: str, where: _Where, *, default: bool | None) -> bool:
    value = raw.get(key, default)
    if value is None:
        raise where.error(f"thiếu trường «{key}»", f"Hãy thêm dòng {key} = true hoặc false.")
    if not isinstance(value, bool):
        raise where.error(f"trường «{key}» phải là true hoặc false", "Viết không có ngoặc kép.")
    return value


def _whole(raw: Mapping[str, Any], key: str, where: _Where, *, money: bool = False) -> int | None:
    """An integer field; floats are refused because money is whole đồng."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, float):
        if money:
            raise where.error(
                f"số tiền «{key}» = {value} là số thập phân",
                f"Số tiền phải là số nguyên đồng, ví dụ {key} = 300_000_000 (không có dấu chấm).",
            )
        raise where.error(f"«{key}» = {value} phải là số nguyên", f"Ví dụ {key} = 50.")
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"«{key}» phải là số nguyên", "Viết số không có ngoặc kép.")
    return value


def _multiplier(raw: Mapping[str, Any], where: _Where) -> Fraction | None:
    value = raw.get("line_multiplier")
    if value is None:
        return None
    # Floats would make the ceiling inexact; the file writes the factor as text.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise where.error(
            "hệ số «line_multiplier» phải viết trong ngoặc kép",
            'Ví dụ line_multiplier = "1.5".',
        )
    text = str(value).strip()
    if not _DECIMAL.match(text) or Fraction(text) <= 0:
        raise where.error(
            f"hệ số «line_multiplier» = «{text}» không hợp lệ",
            'Viết số dương, dùng dấu chấm thập phân, ví dụ line_multiplier = "1.5".',
        )
    return Fraction(text)


def _cap(raw: object, where: _Where) -> SupportCap:
    if not isinstance(raw, Mapping):
        raise where.error("«cap» phải là một bảng", "Viết [[activity.cap]] rồi các dòng bên dưới.")
    _check_keys(raw, _CAP_KEYS, where)
    percent = _whole(raw, "percent", where)
    amount = _whole(raw, "amount", where, money=True)
    verified = _flag(raw, "verified", where, default=True)
    kind = _text(raw, "kind", where, default="")
    if kind and not _CODE.match(kind):
        raise where.error(
            f"mã «kind» = «{kind}» không hợp lệ",
            "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới.",
        )
    # A choice whose figure could not be checked may be declared without one: the UI
    # then says the cap is unset ("chưa đối chiếu") rather than enforcing a guess.
    if percent is None and amount is None and verified:
        raise where.error(
            "mức hỗ trợ không có «percent» lẫn «amount»",
            "Điền ít nhất một trong hai; nếu chưa đối chiếu được mức thì ghi verified = false, "
            "hoặc xoá cả bảng khi chưa có mức.",
        )
    if percent is not None and not 0 < percent <= 100:
        raise where.error(f"«percent» = {percent} nằm ngoài 1–100", "Hãy sửa tỷ lệ phần trăm.")
    if amount is not None and amount <= 0:
        raise where.error(f"«amount» = {amount} phải lớn hơn 0", "Hãy sửa số tiền.")
    per = _text(raw, "per", where, default="de_an") or "de_an"
    if per not in CAP_UNITS:
        raise where.error(
            f"đơn vị «per» = «{per}» không hợp lệ", f"Chọn một trong: {', '.join(CAP_UNITS)}."
        )
    funding = raw.get("funding", [])
    if not isinstance(funding, list) or not all(isinstance(c, str) for c in funding):
        raise where.error(
            "«funding» phải là danh sách mã nguồn kinh phí", 'Ví dụ funding = ["quoc_gia"].'
        )
    return SupportCap(
        percent=percent,
        amount=amount,
        line_multiplier=_multiplier(raw, where),
        source=_text(raw, "source", where),
        funding=tuple(funding),
        kind=kind,
        kind_label=_text(raw, "kind_label", where, default=""),
        per=per,
        verified=verified,
    )


def _caps(
    raw: object, where: _Where, sources: Mapping[str, object] | None
) -> tuple[SupportCap, ...]:
    """One ``[activity.cap]`` table (older copies) or a list of ``[[activity.cap]]``."""
    if raw is None:
        return ()
    entries = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(entries, list):
        raise where.error("«cap» phải là bảng", "Viết mỗi mức bắt đầu bằng [[activity.cap]].")
    caps = []
    for index, entry in enumerate(entries, start=1):
        here = where.at(f"mức thứ {index}") if len(entries) > 1 else where
        cap = _cap(entry, here)
        unknown = [c for c in cap.funding if sources is not None and c not in sources]
        if unknown:
            raise here.error(
                f"«funding» dùng mã nguồn «{unknown[0]}» không có trong funding_sources.toml",
                f"Chọn trong các mã: {', '.join(sources or {})}.",
            )
        caps.append(cap)
    keys = [(c.kind, source) for c in caps for source in (c.funding or ("*",))]
    _unique((f"{k or 'chính'}/{s}" for k, s in keys), "mức cho nguồn", where)
    return tuple(caps)


def _main_cap(caps: tuple[SupportCap, ...]) -> SupportCap | None:
    """The activity's main cap for khuyến công quốc gia (None when not set)."""
    for cap in caps:
        if not cap.kind and cap.applies_to("quoc_gia") and (cap.percent or cap.amount):
            return cap
    return None


def _table_list(raw: object, key: str, where: _Where) -> list[Mapping[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
        raise where.error(
            f"«{key}» phải là danh sách bảng", f"Viết mỗi mục bắt đầu bằng [[{key}]]."
        )
    return raw


def _unique(codes: Iterable[str], what: str, where: _Where) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise where.error(f"{what} «{code}» bị trùng", "Mỗi mã chỉ được khai báo một lần.")
        seen.add(code)


def _items(raw: object, key: str, where: _Where) -> tuple[ChecklistItem, ...]:
    items = []
    for index, entry in enumerate(_table_list(raw, key, where), start=1):
        here = where.at(f"{key} thứ {index}")
        _check_keys(entry, _ITEM_KEYS, here)
        items.append(
            ChecklistItem(
                code=_code(entry, here),
                label=_text(entry, "label", here),
                required=_flag(entry, "required", here, default=None),
                source=_text(entry, "source", here, default=""),
            )
        )
    _unique((item.code for item in items), f"mã {_ITEM_NAMES[key]}", where)
    return tuple(items)


def _outputs(
    raw: Mapping[str, Any], measures: Mapping[str, MeasureSpec], where: _Where
) -> tuple[str, ...]:
    value = raw.get("outputs", [])
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise where.error(
            "«outputs» phải là danh sách mã", 'Ví dụ outputs = ["facilities", "jobs"].'
        )
    for code in value:
        if code not in measures:
            raise where.error(
                f"«outputs» dùng mã đo «{code}» không có trong measures.toml",
                f"Chọn trong các mã: {', '.join(measures)}.",
            )
    _unique(value, "mã kết quả", where)
    return tuple(value)


def parse_activities(
    data: Mapping[str, Any],
    path: Path,
    measures: Mapping[str, MeasureSpec],
    sources: Mapping[str, object] | None = None,
) -> dict[str, ActivitySpec]:
    """Build the activity specs, ordered by ``group_order``."""
    where = _Where(path)
    _check_keys(data, {"activity"}, where)
    entries = _table_list(data.get("activity"), "activity", where)
    if not entries:
        raise where.error("không có hoạt động nào", "Mỗi hoạt động bắt đầu bằng [[activity]].")
    specs: list[ActivitySpec] = []
    for index, raw in enumerate(entries, start=1):
        here = where.at(f"hoạt động thứ {index}" + (f" «{raw['code']}»" if "code" in raw else ""))
        _check_keys(raw, _ACTIVITY_KEYS, here)
        label = _text(raw, "label", here)
        order = _whole(raw, "group_order", here)
        if order is None:
            raise here.error("thiếu trường «group_order»", "Hãy thêm group_order = <số thứ tự>.")
        caps = _caps(raw.get("cap"), here.at("mức hỗ trợ"), sources)
        specs.append(
            ActivitySpec(
                code=_code(raw, here),
                label=label,
                short_label=_text(raw, "short_label", here, default=label) or label,
                group_order=order,
                legal_basis=_text(raw, "legal_basis", here),
                requires_beneficiary=_flag(raw, "requires_beneficiary", here, default=None),
                multi_year=_flag(raw, "multi_year", here, default=False),
                outputs=_outputs(raw, measures, here),
                cap=_main_cap(caps),
                documents=_items(raw.get("document"), "document", here),
                evidence=_items(raw.get("evidence"), "evidence", here),
                caps=caps,
            )
        )
    _unique((spec.code for spec in specs), "mã hoạt động", where)
    _unique((str(spec.group_order) for spec in specs), "thứ tự group_order", where)
    specs.sort(key=lambda spec: spec.group_order)
    return {spec.code: spec for spec in specs}


def parse_measures(data: Mapping[str, Any], path: Path) -> dict[str, MeasureSpec]:
    where = _Where(path)
    _check_keys(data, {"measure"}, where)
    specs = []
    for index, raw in enumerate(_table_list(data.get("measure"), "measure", where), start=1):
        here = where.at(f"đơn vị đo thứ {index}")
        _check_keys(raw, {"code", "label", "unit"}, here)
        specs.append(
            MeasureSpec(
                code=_code(raw, here),
                label=_text(raw, "label", here),
                unit=_text(raw, "unit", here),
            )
        )
    if not specs:
        raise where.error("không có đơn vị đo nào", "Mỗi đơn vị đo bắt đầu bằng [[measure]].")
    _unique((spec.code for spec in specs), "mã đơn vị đo", where)
    return {spec.code: spec for spec in specs}


def parse_funding_sources(data: Mapping[str, Any], path: Path) -> dict[str, FundingSource]:
    where = _Where(path)
    _check_keys(data, {"source"}, where)
    specs = []
    for index, raw in enumerate(_table_list(data.get("source"), "source", where), start=1):
        here = where.at(f"nguồn kinh phí thứ {index}")
        _check_keys(raw, {"code", "label", "short_label"}, here)
        label = _text(raw, "label", here)
        short = _text(raw, "short_label", here) if "short_label" in raw else label
        specs.append(FundingSource(code=_code(raw, here), label=label, short_label=short))
    if not specs:
        raise where.error("không có nguồn kinh phí nào", "Mỗi nguồn bắt đầu bằng [[source]].")
    _unique((spec.code for spec in specs), "mã nguồn kinh phí", where)
    return {spec.code: spec for spec in specs}

"""Reading the cells of old Excel lists: amounts, periods, years, group and total rows.

Amounts come as numbers or as text ("1.500.000", "1.500.000 đ", "-" for nothing);
a unit note ("Đơn vị tính: triệu đồng") scales them. Group rows ("I. Hỗ trợ ứng
dụng máy móc…") name an activity, matched against the activity labels by folded
words. Total rows ("Tổng cộng", "Cộng") are recognised and skipped.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from kcdesk.formatting import parse_money
from kcdesk.models import FacilityKind
from kcdesk.services.forms.load import ActivitySpec
from kcdesk.text import fold, fold_words, nfc

_ROMAN = re.compile(r"^(?=[ivxlc]+\b)(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_GROUP_PREFIX = re.compile(r"^\s*([IVXLC]+)\s*[.):-]?\s+(.+)$", re.IGNORECASE)
_TOTAL = re.compile(r"^(tong cong|tong so|tong kinh phi|tong|cong)\b")
_YEAR_IN_TITLE = re.compile(r"\bnam\s+(20\d\d|19\d\d)\b")
_MONTH_YEAR = re.compile(r"(\d{1,2})\s*/\s*(\d{4})")
_MONTH_RANGE = re.compile(
    r"(?:thang\s*)?(\d{1,2})\s*(?:-|–|den)\s*(?:thang\s*)?(\d{1,2})\s*/\s*(\d{4})"
)
_QUARTER = re.compile(r"quy\s*(i{1,3}|iv|[1-4])\s*/\s*(\d{4})")
_COMMUNE = re.compile(r"\b(xa|phuong|thi tran)\s+([^,;()\-]+)")
_STOP_WORDS = frozenset(
    {"va", "cac", "cho", "de", "cua", "ho", "tro", "cong", "nghiep", "san", "xuat"}
)


def is_roman(text: str) -> bool:
    t = fold(text).strip().rstrip(".")
    return bool(t) and bool(_ROMAN.match(t))


def text_value(value: object) -> str:
    """A cell as NFC text with single spaces ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(nfc(str(value)).split())


def unit_multiplier(text: str) -> int:
    """'Đơn vị tính: triệu đồng' → 1 000 000; 'nghìn đồng' → 1 000; else 1."""
    folded = fold(text)
    if "trieu dong" in folded or "tr.d" in folded or "trd" in folded.split():
        return 1_000_000
    if "nghin dong" in folded or "ngan dong" in folded or "1.000 dong" in folded:
        return 1_000
    return 1


def _decimal_text(text: str) -> Decimal:
    """'1,5' or '1.5' or '1.234,5' → Decimal (amounts in millions may have decimals)."""
    body = re.sub(r"[^\d.,]", "", text)
    if "," in body and "." in body:
        body = body.replace(".", "").replace(",", ".")
    elif "," in body:
        body = body.replace(",", ".") if body.count(",") == 1 else body.replace(",", "")
    elif body.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", body):
        body = body.replace(".", "")
    return Decimal(body)


def read_amount(value: object, multiplier: int = 1) -> int | None:
    """An amount cell → int đồng, None when empty; ValueError with a Vietnamese reason."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("ô số tiền chứa giá trị đúng/sai")
    if isinstance(value, int):
        amount = Decimal(value) * multiplier
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("số tiền không hợp lệ")
        amount = Decimal(str(value)) * multiplier
    else:
        text = text_value(value)
        if text in ("", "-", "–", "—"):
            return None if text == "" else 0
        if multiplier == 1:
            return parse_money(text)
        try:
            amount = _decimal_text(text) * multiplier
        except InvalidOperation as exc:
            raise ValueError(f"«{text}» không phải số tiền") from exc
    if amount < 0:
        raise ValueError("số tiền âm")
    if amount != amount.to_integral_value():
        raise ValueError("số tiền có phần lẻ dưới một đồng")
    return int(amount)


_FULL_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")


def _month(year: int, month: int) -> date | None:
    """The first day of that month; a month that does not exist is an error at the row
    ("Tháng 3-13/2027"), never silently dropped or read as another month."""
    if not 1 <= month <= 12:
        raise ValueError(f"không có tháng {month}")
    return date(year, month, 1) if 1900 < year < 2200 else None


def _check_full_dates(folded: str) -> None:
    """A day/month/year that does not exist ("31/02/2027") is an error, not February."""
    for day, month, year in _FULL_DATE.findall(folded):
        try:
            date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"ngày {day}/{month}/{year} không có thật") from exc


def read_period(value: object) -> tuple[date | None, date | None]:
    """'Tháng 3-10/2026', '03/2026 - 10/2026', 'Quý II/2026', a date cell → first months.

    Raises ValueError (the row's error) for a month or a day that does not exist."""
    if isinstance(value, datetime | date):
        d = value.date() if isinstance(value, datetime) else value
        return date(d.year, d.month, 1), date(d.year, d.month, 1)
    folded = fold(text_value(value))
    if not folded:
        return None, None
    _check_full_dates(folded)
    ranged = _MONTH_RANGE.search(folded)
    if ranged:
        year = int(ranged.group(3))
        return _month(year, int(ranged.group(1))), _month(year, int(ranged.group(2)))
    pairs = _MONTH_YEAR.findall(folded)
    if pairs:
        months = [_month(int(y), int(m)) for m, y in pairs]
        return months[0], months[-1]
    quarter = _QUARTER.search(folded)
    if quarter:
        q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(quarter.group(1)) or int(quarter.group(1))
        year = int(quarter.group(2))
        return _month(year, 3 * q - 2), _month(year, 3 * q)
    return None, None


def year_in_text(text: str) -> int | None:
    """'KẾ HOẠCH KHUYẾN CÔNG NĂM 2026' → 2026 (the last 'năm YYYY' in the text)."""
    found = _YEAR_IN_TITLE.findall(fold(text))
    return int(found[-1]) if found else None


def read_year(value: object) -> int | None:
    if isinstance(value, int) and 1900 < value < 2200:
        return value
    if isinstance(value, float) and value.is_integer():
        return read_year(int(value))
    match = re.search(r"\b(19\d\d|20\d\d)\b", text_value(value))
    return int(match.group(1)) if match else None


def group_label(first_cell: object, label_cell: object) -> str | None:
    """The label of a group row ('I' + label, or 'I. label' in one cell), else None."""
    first = text_value(first_cell)
    if first and is_roman(first):
        label = text_value(label_cell)
        return label or None
    match = _GROUP_PREFIX.match(first) or _GROUP_PREFIX.match(text_value(label_cell))
    if match and is_roman(match.group(1)):
        return match.group(2).strip()
    return None


def is_total(texts: list[str]) -> bool:
    """A total row: its first text reads 'Tổng cộng', 'Tổng số', 'Cộng'…"""
    first = next((t for t in texts if t), "")
    return bool(_TOTAL.match(fold(first)))


def match_activity(label: str, activities: dict[str, ActivitySpec]) -> str | None:
    """The activity whose label shares most folded words with ``label`` (≥ 60 %)."""
    words = {w for w in fold_words(label) if w not in _STOP_WORDS} or set(fold_words(label))
    if not words:
        return None
    best: tuple[float, str] | None = None
    for code, spec in activities.items():
        if fold(label) in (fold(spec.label), fold(spec.short_label), code):
            return code
        theirs = set(fold_words(spec.label)) | set(fold_words(spec.short_label))
        score = len(words & theirs) / len(words)
        if best is None or score > best[0]:
            best = (score, code)
    return best[1] if best is not None and best[0] >= 0.6 else None


def facility_kind(name: str) -> FacilityKind:
    """Guess the kind of a beneficiary from its name (Công ty…, HTX…, hộ kinh doanh…)."""
    folded = fold(name)
    if folded.startswith(("lien hiep htx", "lien hiep hop tac xa")):
        return FacilityKind.COOPERATIVE_UNION
    if folded.startswith(("htx", "hop tac xa")):
        return FacilityKind.COOPERATIVE
    if folded.startswith("to hop tac"):
        return FacilityKind.COOPERATIVE_GROUP
    if folded.startswith(("cong ty", "cty", "doanh nghiep", "dntn")):
        return FacilityKind.SME
    return FacilityKind.HOUSEHOLD_BUSINESS


def split_name_address(text: str) -> tuple[str, str]:
    """'Công ty A (Thôn B, xã C)' → ('Công ty A', 'Thôn B, xã C')."""
    match = re.match(r"^(.*?)\s*\((.+)\)\s*$", text)
    if match and match.group(1):
        return match.group(1).strip(), match.group(2).strip()
    return text, ""


def commune_of(address: str) -> str:
    """'Thôn B, xã Minh Khai, huyện X' → 'Xã Minh Khai'."""
    text = nfc(address)
    # Fold character by character so positions in the folded text match the original.
    folded = "".join(fold(ch) or ch for ch in text)
    match = _COMMUNE.search(folded) if len(folded) == len(text) else None
    if not match:
        return ""
    kind = text[match.start(1) : match.end(1)]
    name = text[match.start(2) : match.end(2)].strip()
    return f"{kind[:1].upper()}{kind[1:].lower()} {name}"


def tax_code(value: object) -> str:
    """Tax codes typed as numbers lose their leading zero: give it back (10 digits)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        return text.zfill(10) if len(text) == 9 else text
    return re.sub(r"\s+", "", text_value(value))

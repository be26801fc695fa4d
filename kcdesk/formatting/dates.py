"""Dates as written on Vietnamese documents (định dạng ngày tháng).

Official dates follow Nghị định 30/2020/NĐ-CP (Phụ lục I, thể thức văn bản):
a day below 10 and the months 1 and 2 get a leading zero, so nobody can turn
"1" into "11" or "12" by hand; months 3 to 12 are written as they are. The
seeds show the same practice: "ngày 09 tháng 02 năm 2026",
"ngày 27 tháng 8 năm 2025".
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "format_date",
    "format_month",
    "format_official_date",
    "format_place_date",
    "parse_date",
]

_DMY = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_HINT = "Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/01/2027."


def _check_date(d: object) -> date:
    if not isinstance(d, date):
        raise TypeError(f"expected datetime.date, got {type(d).__name__}")
    return d


def format_date(d: date) -> str:
    """Short form for tables and fields: "05/01/2027"."""
    d = _check_date(d)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_official_date(d: date) -> str:
    """Date line of an official document: "ngày 05 tháng 01 năm 2027".

    Leading zero for days below 10 and for months 1 and 2 only (NĐ 30/2020).
    """
    d = _check_date(d)
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def format_place_date(place: str, d: date) -> str:
    """Place and date line (địa danh, ngày tháng): "Cao Bằng, ngày 05 tháng 01 năm 2027"."""
    name = unicodedata.normalize("NFC", " ".join(place.split()))
    if not name:
        raise ValueError("place (địa danh) must not be empty")
    return f"{name}, {format_official_date(d)}"


def format_month(year: int, month: int) -> str:
    """A month for reports and headings: (2027, 1) -> "01/2027"."""
    for value in (year, month):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"expected int, got {type(value).__name__}")
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    if not 1 <= year <= 9999:
        raise ValueError(f"year must be 1-9999, got {year}")
    return f"{month:02d}/{year:04d}"


def parse_date(text: str) -> date:
    """Read a date typed by a user: "05/01/2027", "5/1/2027" or "2027-01-05".

    Day first, as everywhere in Vietnam; "-" and "." also work between the
    parts of a day-first date. Raises ValueError with a Vietnamese message.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_date reads text, got {type(text).__name__}")
    cleaned = unicodedata.normalize("NFC", text).strip()
    if not cleaned:
        raise ValueError(f"Chưa nhập ngày. {_HINT}")
    if match := _DMY.fullmatch(cleaned):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _ISO.fullmatch(cleaned):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise ValueError(f"Không đọc được ngày «{cleaned}». {_HINT}")
    if not 1 <= month <= 12:
        raise ValueError(f"Tháng {month} không có: tháng phải từ 1 đến 12. {_HINT}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Ngày {day}/{month}/{year} không có trong lịch. {_HINT}") from None

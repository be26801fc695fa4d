"""Money and percentages for display and input (định dạng số tiền, tỷ lệ phần trăm).

Money is always an ``int`` number of đồng. Display uses Babel's ``vi_VN``
grouping ("36.383.000.000"); input accepts the ways people in the Centre
actually type amounts and refuses anything that could be misread.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache

from babel import Locale
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

__all__ = ["format_dong", "format_money", "format_percent", "parse_money"]


@cache
def _locale() -> Locale:
    """vi_VN, parsed once: given as text, Babel parses it again at every call (a third
    of a formatting's time; the dashboard formats some 140 amounts at its opening)."""
    return Locale.parse("vi_VN")


# Currency words people append after the number, compared case-folded.
_CURRENCY_SUFFIXES = ("vnđ", "vnd", "đồng", "đ", "₫")
# Every kind of space a pasted amount may contain (Excel and Word like NBSP).
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007]+")
_MINUS = re.compile(r"^[-\u2212\u2013]")

_EXAMPLE = "ví dụ 1.500.000 hoặc 1.500.000 đ"
_MSG_EMPTY = f"Chưa nhập số tiền. Hãy nhập số đồng, {_EXAMPLE}."
_MSG_NEGATIVE = f"Số tiền không được âm. Hãy nhập số đồng không có dấu trừ, {_EXAMPLE}."
_MSG_DECIMAL = (
    "Số tiền phải là số đồng chẵn, không có phần lẻ thập phân "
    "(nhập 1.500.000, không nhập 1.500,5 hay 1,5 triệu)."
)
_MSG_GARBAGE = (
    "Không đọc được số tiền «{text}». Hãy nhập chữ số, có thể tách nhóm ba chữ số "
    f"bằng dấu chấm, dấu phẩy hoặc dấu cách, {_EXAMPLE}."
)


def _check_int(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money is an int number of đồng, got {type(amount).__name__}")
    return amount


def format_money(amount: int) -> str:
    """Format đồng with "." thousands: 36383000000 -> "36.383.000.000"; -1500 -> "-1.500".

    The grouping Vietnamese documents print, and CLDR's for vi_VN: groups of three
    digits joined by "." — written out here, not asked of Babel at each call (8 µs a
    call, a pack import's report names ~6,000 amounts; ``tests/test_formatting_money.py`` checks it
    against Babel's vi_VN format).
    """
    amount = _check_int(amount)
    text = f"{abs(amount):,}".replace(",", ".")
    return f"-{text}" if amount < 0 else text


def format_dong(amount: int) -> str:
    """An amount in a sentence: "1.234.000 đồng" (the one "… đồng" formatter)."""
    return f"{format_money(amount)} đồng"


def _strip_currency(text: str) -> str:
    folded = text.casefold()
    for suffix in _CURRENCY_SUFFIXES:
        if folded.endswith(suffix):
            return text[: len(text) - len(suffix)].strip()
    return text


def _looks_decimal(body: str) -> bool:
    """True when the digits carry a fractional part ("1.500,5", "1,5", "2.50")."""
    separators = set(re.sub(r"[0-9]", "", body))
    if len(separators) > 1 and separators <= {".", ","}:
        return True
    if re.fullmatch(r"0[.,][0-9]+", body):
        return True  # "0.500" can only be a fraction: groupings never start with 0
    return bool(re.fullmatch(r"[0-9]+(?:[.,][0-9]{3})*[.,](?:[0-9]{1,2}|[0-9]{4,})", body))


def parse_money(text: str) -> int:
    """Read an amount typed by a user (nhập số tiền) into an int of đồng.

    Accepts "1.500.000", "1.500.000 đ", "1.500.000đ", "1 500 000", "1500000",
    "1,500,000", with an optional "đ", "đồng", "VNĐ" or "VND" after it.
    Refuses empty input, decimals, negatives and anything ambiguous with a
    Vietnamese message telling the user what to type.

    A single "." or "," followed by exactly three digits is a thousands
    separator, as Vietnamese users write it: "123.456" is 123456 đồng.
    "0.500" and "1.5" cannot be groupings and are refused as decimals.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_money reads text, got {type(text).__name__}")
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not cleaned:
        raise ValueError(_MSG_EMPTY)
    body = _strip_currency(cleaned)
    if not body:
        raise ValueError(_MSG_EMPTY)
    if _MINUS.match(body):
        raise ValueError(_MSG_NEGATIVE)
    if re.fullmatch(r"[0-9]+", body):
        return int(body)
    # One separator kind, first group 1-3 digits (no leading zero), then groups of three.
    for separator in (".", ",", " "):
        pattern = rf"[1-9][0-9]{{0,2}}(?:{re.escape(separator)}[0-9]{{3}})+"
        if re.fullmatch(pattern, body):
            return int(body.replace(separator, ""))
    if _looks_decimal(body):
        raise ValueError(_MSG_DECIMAL)
    raise ValueError(_MSG_GARBAGE.format(text=text.strip()))


def format_percent(value: float | int, digits: int = 1) -> str:
    """A percentage for display with a decimal comma: 45.5 -> "45,5 %".

    ``value`` is already in percent (45.5 means 45,5 %). Display only: never
    use a percentage to compute money. Halves round up, as people expect.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError("digits must be a non-negative int")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("percentage must be a finite number")
    # str() gives the shortest repr, so 45.25 rounds to 45,3 rather than
    # suffering the binary representation error.
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    exact = Decimal(str(value))
    with localcontext() as context:
        # Enough precision that quantize never fails on large values.
        context.prec = max(28, exact.adjusted() + digits + 2)
        rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        if rounded == 0:
            rounded = abs(rounded)  # never show "-0,0 %"
        text = format_decimal(rounded, format=pattern, locale=_locale())
    group, decimal = get_group_symbol(_locale()), get_decimal_symbol(_locale())
    # Swap via a placeholder so the normalisation holds whatever CLDR ships.
    text = text.replace(group, "\0").replace(decimal, ",").replace("\0", ".")
    text = text.replace("\u2212", "-")
    return f"{text} %"

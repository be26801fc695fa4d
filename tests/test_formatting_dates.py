"""Dates as written on Vietnamese documents (định dạng ngày tháng)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcdesk.formatting import (
    format_date,
    format_month,
    format_official_date,
    format_place_date,
    parse_date,
)

PROPERTY_SETTINGS = settings(max_examples=1000, derandomize=True, deadline=None)
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2027, 1, 5), "05/01/2027"),
        (date(2026, 12, 31), "31/12/2026"),
        (date(2025, 10, 9), "09/10/2025"),
        (date(2024, 2, 29), "29/02/2024"),
    ],
)
def test_format_date(d: date, expected: str) -> None:
    assert format_date(d) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2027, 1, 5), "ngày 05 tháng 01 năm 2027"),
        (date(2026, 2, 9), "ngày 09 tháng 02 năm 2026"),
        # NĐ 30/2020: only months 1 and 2 take a leading zero.
        (date(2018, 3, 28), "ngày 28 tháng 3 năm 2018"),
        (date(2025, 8, 27), "ngày 27 tháng 8 năm 2025"),
        (date(2025, 9, 1), "ngày 01 tháng 9 năm 2025"),
        (date(2012, 12, 28), "ngày 28 tháng 12 năm 2012"),
        (date(2020, 11, 19), "ngày 19 tháng 11 năm 2020"),
        (date(2025, 10, 10), "ngày 10 tháng 10 năm 2025"),
    ],
)
def test_format_official_date(d: date, expected: str) -> None:
    assert format_official_date(d) == expected


def test_format_place_date() -> None:
    assert format_place_date("Cao Bằng", date(2027, 1, 5)) == "Cao Bằng, ngày 05 tháng 01 năm 2027"
    # Decomposed input and stray spaces come out NFC and tidy.
    decomposed = unicodedata.normalize("NFD", "  Lạng   Sơn ")
    result = format_place_date(decomposed, date(2025, 6, 16))
    assert result == unicodedata.normalize("NFC", "Lạng Sơn, ngày 16 tháng 6 năm 2025")
    assert unicodedata.is_normalized("NFC", result)


def test_format_place_date_needs_a_place() -> None:
    with pytest.raises(ValueError):
        format_place_date("  ", date(2027, 1, 5))


@pytest.mark.parametrize("bad", ["2027-01-05", None, 20270105])
def test_formatters_refuse_non_dates(bad: object) -> None:
    for formatter in (format_date, format_official_date):
        with pytest.raises(TypeError):
            formatter(bad)  # type: ignore[arg-type]


def test_datetime_is_formatted_by_its_date() -> None:
    assert format_date(datetime(2027, 1, 5, 23, 59)) == "05/01/2027"


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [(2027, 1, "01/2027"), (2026, 12, "12/2026"), (2025, 6, "06/2025")],
)
def test_format_month(year: int, month: int, expected: str) -> None:
    assert format_month(year, month) == expected


@pytest.mark.parametrize(
    ("year", "month", "error"),
    [
        (2027, 0, ValueError),
        (2027, 13, ValueError),
        (0, 1, ValueError),
        (2027, True, TypeError),
        ("2027", 1, TypeError),
    ],
)
def test_format_month_refuses(year: object, month: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        format_month(year, month)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/01/2027", date(2027, 1, 5)),
        ("5/1/2027", date(2027, 1, 5)),
        ("2027-01-05", date(2027, 1, 5)),
        ("2027-1-5", date(2027, 1, 5)),
        (" 31/12/2026 ", date(2026, 12, 31)),
        ("29/02/2024", date(2024, 2, 29)),
        ("05-01-2027", date(2027, 1, 5)),
        ("05.01.2027", date(2027, 1, 5)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "31/02/2027",  # no such day
        "29/02/2025",  # not a leap year
        "05/13/2027",  # month-first (US) order is not accepted
        "00/01/2027",
        "5/1/27",  # two-digit year is ambiguous
        "05/01-2027",  # mixed separators
        "2027/01/05",
        "ngày 5 tháng 1",
        "hôm nay",
        "05012027",
        "2027-13-01",
        "5 / 1 / 2027",
    ],
)
def test_parse_date_refuses_with_vietnamese_message(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(text)
    message = str(info.value)
    assert "ví dụ 05/01/2027" in message
    assert unicodedata.is_normalized("NFC", message)


def test_parse_date_refuses_non_text() -> None:
    with pytest.raises(TypeError):
        parse_date(date(2027, 1, 5))  # type: ignore[arg-type]


@PROPERTY_SETTINGS
@given(dates)
def test_date_round_trips(d: date) -> None:
    assert parse_date(format_date(d)) == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.day}/{d.month}/{d.year}") == d


@PROPERTY_SETTINGS
@given(dates)
def test_official_date_shape(d: date) -> None:
    words = format_official_date(d).split(" ")
    assert words[0::2] == ["ngày", "tháng", "năm"]
    day, month, year = words[1], words[3], words[5]
    assert len(day) == 2 and int(day) == d.day
    assert int(month) == d.month and int(year) == d.year
    # A leading zero exactly where NĐ 30/2020 asks for one.
    assert month.startswith("0") == (d.month <= 2)

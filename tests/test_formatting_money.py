"""Money display and input, and percentages (định dạng số tiền)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcdesk.formatting import format_money, format_percent, parse_money

PROPERTY_SETTINGS = settings(max_examples=1500, derandomize=True, deadline=None)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0"),
        (5, "5"),
        (999, "999"),
        (1_000, "1.000"),
        (1_500, "1.500"),
        (12_345, "12.345"),
        (100_000, "100.000"),
        (1_500_000, "1.500.000"),
        (36_383_000_000, "36.383.000.000"),
        (1_000_000_000_000, "1.000.000.000.000"),
        (-1_500, "-1.500"),
        (-1, "-1"),
        (-36_383_050_000, "-36.383.050.000"),
        (10**30, "1" + ".000" * 10),
    ],
)
def test_format_money(amount: int, expected: str) -> None:
    assert format_money(amount) == expected


@pytest.mark.parametrize("bad", [True, False, 1.0, 1500.0, Decimal("1500"), "1500", None])
def test_format_money_refuses_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_money(bad)  # type: ignore[arg-type]


@PROPERTY_SETTINGS
@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_format_money_is_babels_vi_vn_grouping(amount: int) -> None:
    """Written out without Babel (issue 24: 8 µs a call), the text is Babel's vi_VN
    format with its group symbol printed as "." (what Vietnamese documents print)."""
    from decimal import localcontext

    from babel.numbers import format_decimal, get_group_symbol

    with localcontext() as context:
        context.prec = 60
        expected = format_decimal(abs(amount), locale="vi_VN").replace(
            get_group_symbol("vi_VN"), "."
        )
    assert format_money(amount) == (f"-{expected}" if amount < 0 else expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500.000", 1_500_000),
        ("1.500.000 đ", 1_500_000),
        ("1.500.000đ", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1500000", 1_500_000),
        (" 1.500.000 đồng ", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1.500.000 VNĐ", 1_500_000),
        ("1.500.000 vnd", 1_500_000),
        ("1.500.000VND", 1_500_000),
        ("1.500.000 vnđ", 1_500_000),
        ("1.500.000 ₫", 1_500_000),
        ("1.500.000 Đồng", 1_500_000),
        ("1.500", 1_500),
        ("1,500", 1_500),
        ("0", 0),
        ("0 đ", 0),
        ("36.383.000.000", 36_383_000_000),
        ("1\u00a0500\u00a0000", 1_500_000),  # pasted from Word or Excel
        ("1\u202f500\u202f000 đ", 1_500_000),
        ("\t2.025\n", 2_025),
        # Decomposed "đồng" (NFD, as some keyboards send it) is accepted too.
        ("1.500 đo\u0302\u0300ng", 1_500),
    ],
)
def test_parse_money_accepts(text: str, expected: int) -> None:
    assert parse_money(text) == expected


def _message(text: str) -> str:
    with pytest.raises(ValueError) as info:
        parse_money(text)
    return str(info.value)


@pytest.mark.parametrize("text", ["", "   ", "đ", " đồng ", "VNĐ"])
def test_parse_money_empty(text: str) -> None:
    assert "Chưa nhập số tiền" in _message(text)


@pytest.mark.parametrize(
    "text", ["1.500,5", "1,5", "1.5", "2.50", "1.500.000,00", "1,500.50", "0.500", "0,5"]
)
def test_parse_money_refuses_decimals(text: str) -> None:
    message = _message(text)
    assert "thập phân" in message
    assert "1.500.000" in message  # says what to type instead


@pytest.mark.parametrize("text", ["-1.500", "-1500 đ", "\u22121.500", "- 1500"])
def test_parse_money_refuses_negative(text: str) -> None:
    assert "không được âm" in _message(text)


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1,5 triệu",
        "một triệu",
        "1.500.000 USD",
        "1 500.000",
        "1.5000.000",
        "01.500",
        "1..500",
        ".500",
        "1.500.",
        "1 2",
        "12 34 56",
        "đ 1.500",
        "1e6",
        "0x10",
        "١٢٣",  # Arabic-Indic digits: int() would take them, we do not
        "１２３",  # full-width digits
        "1_500",
        "+1500",
    ],
)
def test_parse_money_refuses_garbage(text: str) -> None:
    message = _message(text)
    assert "ví dụ 1.500.000" in message


@pytest.mark.parametrize("bad", [1500, 1500.0, None, b"1500"])
def test_parse_money_refuses_non_text(bad: object) -> None:
    with pytest.raises(TypeError):
        parse_money(bad)  # type: ignore[arg-type]


amounts = st.integers(min_value=0, max_value=10**18)


@PROPERTY_SETTINGS
@given(amounts)
def test_money_round_trip(amount: int) -> None:
    text = format_money(amount)
    assert re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})*", text)
    assert parse_money(text) == amount
    assert parse_money(text + " đ") == amount
    assert parse_money(text.replace(".", ",")) == amount
    assert parse_money(text.replace(".", " ") + "đ") == amount
    assert parse_money(text.replace(".", "")) == amount


@PROPERTY_SETTINGS
@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_format_money_groups_digits(amount: int) -> None:
    text = format_money(amount)
    assert text.startswith("-") == (amount < 0)
    assert int(text.replace(".", "")) == amount


def _not_a_grouping(text: str) -> bool:
    # "123.456" is one hundred twenty-three thousand four hundred fifty-six
    # đồng in Vietnamese, so a float that looks exactly like a grouping is
    # legitimately read as one; every other float text must be refused.
    whole, _, fraction = text.partition(".")
    return "e" not in text and (len(fraction) != 3 or len(whole) > 3 or whole == "0")


@PROPERTY_SETTINGS
@given(
    st.floats(min_value=0.001, max_value=1e12, allow_nan=False).filter(
        lambda x: x != int(x) and _not_a_grouping(repr(x))
    )
)
def test_parse_money_refuses_any_float_text(value: float) -> None:
    # A float typed with a decimal comma or point is never silently truncated.
    for text in (repr(value), repr(value).replace(".", ",")):
        with pytest.raises(ValueError):
            parse_money(text)


@pytest.mark.parametrize(("whole", "fraction"), [(1, "5"), (12, "05"), (1234, "567"), (7, "0001")])
def test_parse_money_refuses_decimal_forms(whole: int, fraction: str) -> None:
    for separator in (".", ","):
        with pytest.raises(ValueError):
            parse_money(f"{whole}{separator}{fraction}")


@PROPERTY_SETTINGS
@given(st.text(alphabet=st.characters(exclude_categories=["Nd"]), min_size=1, max_size=12))
def test_parse_money_refuses_text_without_digits(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (45.5, 1, "45,5 %"),
        (45, 1, "45,0 %"),
        (45.25, 1, "45,3 %"),  # halves round up
        (45.24, 1, "45,2 %"),
        (0.05, 1, "0,1 %"),
        (100, 0, "100 %"),
        (49.5, 0, "50 %"),
        (12.345, 2, "12,35 %"),
        (1234.5, 1, "1.234,5 %"),
        (-12.5, 1, "-12,5 %"),
        (-0.01, 1, "0,0 %"),
        (0, 2, "0,00 %"),
    ],
)
def test_format_percent(value: float, digits: int, expected: str) -> None:
    assert format_percent(value, digits) == expected


def test_format_percent_default_digits() -> None:
    assert format_percent(70) == "70,0 %"


@pytest.mark.parametrize(
    ("value", "digits", "error"),
    [
        (True, 1, TypeError),
        ("45", 1, TypeError),
        (Decimal("45"), 1, TypeError),
        (float("nan"), 1, ValueError),
        (float("inf"), 1, ValueError),
        (45.0, -1, ValueError),
    ],
)
def test_format_percent_refuses(value: object, digits: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        format_percent(value, digits)  # type: ignore[arg-type]


def test_format_dong_is_the_sentence_form() -> None:
    from kcdesk.formatting import format_dong

    assert format_dong(36_383_000_000) == "36.383.000.000 đồng"
    assert format_dong(0) == "0 đồng"


def test_parsed_locale_formats_as_the_locale_name_did() -> None:
    """Issue 24: Babel is given vi_VN parsed once; the texts are those it gave for the
    locale's name, parsed at every call."""
    from decimal import localcontext

    from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

    group, decimal = get_group_symbol("vi_VN"), get_decimal_symbol("vi_VN")
    for amount in (0, 7, 999, 1_000, 1_500_000, 36_383_000_000, 10**30 + 7):
        with localcontext() as context:
            context.prec = 60
            expected = format_decimal(amount, locale="vi_VN").replace(group, ".")
        assert format_money(amount) == expected
        assert format_money(-amount) == (f"-{expected}" if amount else expected)
    for value, digits in ((45.25, 1), (0.5, 0), (1234.5678, 2), (100, 1)):
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        text = format_decimal(
            Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP),
            format=pattern,
            locale="vi_VN",
        )
        text = text.replace(group, "\0").replace(decimal, ",").replace("\0", ".")
        assert format_percent(value, digits) == f"{text} %"

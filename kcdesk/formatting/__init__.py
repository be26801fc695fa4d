"""Vietnamese formatting of money, numbers in words and dates (định dạng tiếng Việt).

Qt-free: used by the UI, the reports and the CLI alike.
"""

from kcdesk.formatting.dates import (
    format_date,
    format_month,
    format_official_date,
    format_place_date,
    parse_date,
)
from kcdesk.formatting.money import format_dong, format_money, format_percent, parse_money
from kcdesk.formatting.words import amount_in_words, number_in_words

__all__ = [
    "amount_in_words",
    "format_date",
    "format_dong",
    "format_money",
    "format_month",
    "format_official_date",
    "format_percent",
    "format_place_date",
    "number_in_words",
    "parse_date",
    "parse_money",
]

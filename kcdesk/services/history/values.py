"""One stored value as the user reads it: dates dd/MM/yyyy, money 1.234.000, labels for codes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from kcdesk.formatting import format_money
from kcdesk.models import ProposalStatus
from kcdesk.services.communes.official import commune
from kcdesk.services.forms import load as forms

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

# Fields holding whole đồng, and fields that are the first day of a month.
MONEY_FIELDS = frozenset(
    {
        "support",
        "counterpart",
        "other_funds",
        "total",
        "total_cost",
        "approved_support",
        "disbursed",
        "amount",
        "unit_price",
    }
)
MONTH_FIELDS = frozenset({"start_month", "end_month"})

USERS = {"system": "Hệ thống", "demo": "Dữ liệu trình diễn"}


def user_label(username: str | None) -> str:
    """A user as shown: the built-in accounts by what they are."""
    if not username:
        return "—"
    return USERS.get(username, username)


def format_when(value: datetime | str | None) -> str:
    """dd/MM/yyyy HH:mm in this PC's time for a stored time (datetime or ISO text).

    Stored times are UTC without a zone (``models.base.utcnow``); a clerk in Hà Nội
    reads them seven hours later, as the backup and import logs show them."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if not _ISO_TIME.match(value):
            return humanise_text(format_plain(value))
        value = datetime.fromisoformat(value.replace(" ", "T"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


def format_plain(value: Any) -> str:
    """Dates, months and times in ISO form become dd/MM/yyyy, MM/yyyy."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if match := _ISO_DATE.match(text):
        y, m, d = match.groups()
        return f"{d}/{m}/{y}"
    if match := _ISO_MONTH.match(text):
        y, m = match.groups()
        return f"{m}/{y}"
    if _ISO_TIME.match(text):
        return format_when(text)
    return text


@cache
def _known_words() -> dict[str, str]:
    """Every form code a stored text may carry, with its label: criteria, conclusions,
    criteria sets, activities, sources, measures."""
    words: dict[str, str] = {}
    try:
        from kcdesk.services.appraisal.criteria import load_criteria_sets

        for code, spec in load_criteria_sets().items():
            words[code] = spec.label
            words.update({c.code: c.label for c in spec.criteria})
            words.update({c.code: c.label for c in spec.conclusions})
    except Exception:  # a broken province form must not hide the history
        pass
    words.update(_activity_labels())
    words.update(_source_labels())
    words.update(_measure_labels())
    words.update({s.value: s.label for s in ProposalStatus})
    return words


_CODE = re.compile(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b(=)?")


def humanise_text(text: str) -> str:
    """Codes inside a stored sentence ("phu_hop=14,5") replaced by their labels."""
    words = _known_words()

    def swap(match: re.Match[str]) -> str:
        label = words.get(match.group(1), "mục khác")
        return f"{label}: " if match.group(2) else label

    return _CODE.sub(swap, text)


@cache
def _activity_labels() -> dict[str, str]:
    try:
        return {code: spec.short_label for code, spec in forms.load_activities().items()}
    except Exception:  # a broken province form must not hide the history
        return {}


@cache
def _source_labels() -> dict[str, str]:
    try:
        return {code: s.label for code, s in forms.load_funding_sources().items()}
    except Exception:
        return {}


@cache
def _measure_labels() -> dict[str, str]:
    try:
        return {code: m.label for code, m in forms.load_measures().items()}
    except Exception:
        return {}


def measure_label(code: str) -> str:
    return _measure_labels().get(code, "chỉ tiêu khác")


def activity_label(code: str | None) -> str:
    if not code:
        return "—"
    return _activity_labels().get(code, "nội dung khác")


def source_label(code: str | None) -> str:
    if not code:
        return "—"
    return _source_labels().get(code, "nguồn khác")


def status_label(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return ProposalStatus(value).label
    except ValueError:
        return "trạng thái khác"


def format_value(field: str, value: Any) -> str:
    """``value`` of ``field`` as the user reads it ("—" for nothing)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if field in MONEY_FIELDS and isinstance(value, int):
        return f"{format_money(value)} đồng"
    if field == "activity":
        return activity_label(str(value))
    if field == "funding_source":
        return source_label(str(value))
    if field in {"status", "from", "to", "from_status", "to_status"}:
        return status_label(str(value))
    if field == "criteria":
        return _known_words().get(str(value), "bộ tiêu chí khác")
    if field == "commune_code":
        found = commune(str(value))
        return found.name if found else str(value)
    if field in MONTH_FIELDS:
        text = format_plain(value)
        return text[3:] if _ISO_DATE.match(str(value)) else text
    if field == "outputs" and isinstance(value, dict):
        return "; ".join(
            f"{measure_label(k)}: {format_money(int(v or 0))}" for k, v in value.items()
        )
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return f"{len(value)} dòng"
    if isinstance(value, dict):
        return f"{len(value)} mục"
    if isinstance(value, int):
        plain = "year" in field or field in {"number", "revision", "position", "workers"}
        return str(value) if plain else format_money(value)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return humanise_text(format_plain(value))

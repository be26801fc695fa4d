"""Check a requested support against the activity's cap (kiểm tra mức hỗ trợ tối đa).

Integer arithmetic only: money is whole đồng and a percent test done in floats
can let one đồng through or refuse an amount that sits exactly on the limit.
"""

from __future__ import annotations

from fractions import Fraction

from kcdesk.formatting import format_money
from kcdesk.services.forms.spec import ActivitySpec, SupportCap


def _whole_dong(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} is an int number of đồng, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative: {value}")
    return value


def _factor_text(factor: Fraction) -> str:
    """1.5 -> "1,5" (Vietnamese decimal comma); a non-terminating factor stays a/b."""
    whole, rest = divmod(factor.numerator, factor.denominator)
    if rest == 0:
        return str(whole)
    digits = ""
    for _ in range(6):
        rest *= 10
        digit, rest = divmod(rest, factor.denominator)
        digits += str(digit)
        if rest == 0:
            return f"{whole},{digits}"
    return f"{factor.numerator}/{factor.denominator}"


def support_ceiling(cap: SupportCap, *, whole_line: bool = False) -> int | None:
    """The ceiling in đồng, raised by the line multiplier for a whole technology line."""
    if cap.amount is None:
        return None
    if whole_line and cap.line_multiplier is not None:
        factor = cap.line_multiplier
        # Round down: the regulation sets a maximum, never a figure above it.
        return cap.amount * factor.numerator // factor.denominator
    return cap.amount


def cap_check(
    activity: ActivitySpec, total_cost: int, support: int, *, whole_line: bool = False
) -> list[str]:
    """Vietnamese messages for a support above the activity's cap; [] when within it.

    ``total_cost`` is the proposal's total cost and ``support`` the khuyến công
    support asked for, both in đồng. ``whole_line`` marks support for a whole
    technology line (dây chuyền công nghệ), whose ceiling may be raised.
    An activity with no cap set is never flagged: the UI says the cap is unset.
    """
    total_cost = _whole_dong(total_cost, "total_cost")
    support = _whole_dong(support, "support")
    cap = activity.cap
    if cap is None:
        return []
    problems: list[str] = []
    if cap.percent is not None and support * 100 > cap.percent * total_cost:
        allowed = cap.percent * total_cost // 100
        problems.append(
            f"Kinh phí hỗ trợ {format_money(support)} đồng vượt {cap.percent}% tổng chi phí "
            f"{format_money(total_cost)} đồng (tối đa {format_money(allowed)} đồng) "
            f"của nội dung «{activity.short_label}» — căn cứ: {cap.source}."
        )
    ceiling = support_ceiling(cap, whole_line=whole_line)
    if ceiling is not None and support > ceiling:
        if ceiling != cap.amount and cap.line_multiplier is not None and cap.amount is not None:
            limit = (
                f"mức tối đa {format_money(ceiling)} đồng cho cả dây chuyền công nghệ "
                f"({_factor_text(cap.line_multiplier)} lần mức {format_money(cap.amount)} đồng)"
            )
        else:
            limit = f"mức tối đa {format_money(ceiling)} đồng"
        problems.append(
            f"Kinh phí hỗ trợ {format_money(support)} đồng vượt {limit} "
            f"của nội dung «{activity.short_label}» — căn cứ: {cap.source}."
        )
    return problems


# The caps in forms/activities.toml are the national ones (Thông tư 28/2018/TT-BTC,
# amended by Thông tư 64/2024/TT-BTC, "khuyến công quốc gia"). A local source follows
# its province's own resolution (e.g. Nghị quyết 07/2025/NQ-HĐND Cao Bằng), not in the
# forms yet: no cap, and the documents say it is not checked ("chưa đối chiếu").
NATIONAL_SOURCES = frozenset({"quoc_gia"})


def cap_for_source(activity: ActivitySpec, funding_source: str) -> SupportCap | None:
    """The cap that binds a proposal of ``activity`` paid from ``funding_source``."""
    return activity.cap if funding_source in NATIONAL_SOURCES else None

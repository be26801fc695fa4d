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


# The national programme's code in funding_sources.toml: the figures of TT 28/2018/TT-BTC
# are for it; every other source follows the province's own resolution (docs/rules.md).
NATIONAL = "quoc_gia"
NO_PROVINCE_CAP = "chưa có mức tối đa của tỉnh cho nguồn này"
# Who sets the caps of local funds (docs/rules.md): the province's People's Committee.
PROVINCE_POWER = (
    "Điểm a khoản 3 Điều 6 Thông tư liên tịch 26/2014/TTLT-BTC-BCT "
    "(được thay thế bởi Thông tư 28/2018/TT-BTC)"
)
UNCHECKED = "chưa đối chiếu"


def select_cap(
    activity: ActivitySpec, funding_source: str = NATIONAL, cap_kind: str = ""
) -> SupportCap | None:
    """The cap for this funding source and cap choice; None when none is set."""
    for cap in activity.all_caps:
        if cap.kind == cap_kind and cap.applies_to(funding_source):
            return cap
    return None


def cap_units(cap: SupportCap, *, facilities: int = 1, classes: int = 0) -> int:
    """How many times ``amount`` a proposal may reach: per facility × its facilities
    (a group proposal, đề án nhóm), per class × its classes, otherwise once."""
    if cap.per == "co_so":
        return max(1, facilities)
    if cap.per == "lop":
        return max(1, classes)
    return 1


def support_ceiling(cap: SupportCap, *, whole_line: bool = False, units: int = 1) -> int | None:
    """The ceiling in đồng for ``units`` facilities (classes…), raised by the line
    multiplier for a whole technology line."""
    if cap.amount is None:
        return None
    amount = cap.amount
    if whole_line and cap.line_multiplier is not None:
        factor = cap.line_multiplier
        # Round down: the regulation sets a maximum, never a figure above it.
        amount = cap.amount * factor.numerator // factor.denominator
    return amount * max(1, units)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cite(cap: SupportCap) -> str:
    return cap.source + ("" if cap.verified else f" ({UNCHECKED})")


def cap_check(
    activity: ActivitySpec,
    total_cost: int,
    support: int,
    *,
    whole_line: bool = False,
    funding_source: str = NATIONAL,
    cap_kind: str = "",
    facilities: int = 1,
    classes: int = 0,
) -> list[str]:
    """Vietnamese messages for a support above the activity's cap; [] when within it.

    ``total_cost`` is the proposal's total cost and ``support`` the khuyến công
    support asked for, both in đồng. The cap is the one for ``funding_source`` and
    the cap choice ``cap_kind``; a cap "per facility" is multiplied by the number of
    ``facilities`` (a group proposal), one "per class" by its ``classes``.
    ``whole_line`` marks support for a whole technology line (dây chuyền công nghệ),
    whose ceiling may be raised. With no cap set nothing is flagged: the UI says so
    (:func:`cap_notice`).
    """
    total_cost = _whole_dong(total_cost, "total_cost")
    support = _whole_dong(support, "support")
    cap = select_cap(activity, funding_source, cap_kind)
    if cap is None:
        return []
    problems: list[str] = []
    if cap.percent is not None and support * 100 > cap.percent * total_cost:
        allowed = cap.percent * total_cost // 100
        problems.append(
            f"Kinh phí hỗ trợ {format_money(support)} đồng vượt {cap.percent}% tổng chi phí "
            f"{format_money(total_cost)} đồng (tối đa {format_money(allowed)} đồng) "
            f"của nội dung «{activity.short_label}» — căn cứ: {_cite(cap)}."
        )
    units = cap_units(cap, facilities=facilities, classes=classes)
    ceiling = support_ceiling(cap, whole_line=whole_line, units=units)
    if ceiling is not None and cap.amount is not None and support > ceiling:
        per = f"/{cap.unit_label}"
        raised = whole_line and cap.line_multiplier is not None
        each = support_ceiling(cap, whole_line=whole_line) or cap.amount
        if raised and cap.line_multiplier is not None:
            limit = (
                f"mức tối đa {format_money(each)} đồng{per} cho cả dây chuyền công nghệ "
                f"({_factor_text(cap.line_multiplier)} lần mức {format_money(cap.amount)} đồng)"
            )
        else:
            limit = f"mức tối đa {format_money(each)} đồng{per}"
        if units > 1:
            limit += f" × {units} {cap.unit_label} = {format_money(ceiling)} đồng"
        problems.append(
            f"Kinh phí hỗ trợ {format_money(support)} đồng vượt {limit} "
            f"của nội dung «{activity.short_label}» — căn cứ: {_cite(cap)}."
        )
    return problems


def cap_notice(activity: ActivitySpec, funding_source: str, cap_kind: str = "") -> str | None:
    """Why no cap (or no checked cap) is enforced for this source and choice; else None."""
    cap = select_cap(activity, funding_source, cap_kind)
    if cap is None:
        if funding_source != NATIONAL:
            return (
                # Said to a clerk: who sets the cap, not which file (the admin guide,
                # docs/huong-dan/quan-tri.md, names the file).
                f"{_sentence(NO_PROVINCE_CAP)} (quản trị viên điền mức theo nghị quyết của "
                "HĐND tỉnh vào quy định riêng của tỉnh): chương trình không kiểm tra mức hỗ trợ."
            )
        return "Chưa có mức hỗ trợ tối đa đã kiểm chứng cho nội dung này."
    if cap.percent is None and cap.amount is None:
        return f"Mức hỗ trợ tối đa {UNCHECKED} ({cap.source}): chương trình không kiểm tra mức này."
    return None


def cap_text(
    activity: ActivitySpec,
    funding_source: str = NATIONAL,
    *,
    whole_line: bool = False,
    cap_kind: str = "",
    facilities: int = 1,
) -> str:
    """The cap as printed and shown in the wizard, e.g. "Tối đa 50% tổng chi phí, không
    quá 300.000.000 đồng/cơ sở — căn cứ: Khoản 4 Điều 8 Thông tư 28/2018/TT-BTC".

    Stable entry point for printed documents: never prints a national figure on a
    proposal funded from another source (it prints :data:`NO_PROVINCE_CAP` instead).
    """
    notice = cap_notice(activity, funding_source, cap_kind)
    cap = select_cap(activity, funding_source, cap_kind)
    if cap is None or notice is not None:
        if cap is None and funding_source != NATIONAL:
            return f"{_sentence(NO_PROVINCE_CAP)}."
        return notice or ""
    parts = []
    if cap.percent is not None:
        parts.append(f"tối đa {cap.percent}% tổng chi phí")
    if cap.amount is not None:
        each = support_ceiling(cap, whole_line=whole_line) or cap.amount
        text = f"không quá {format_money(each)} đồng/{cap.unit_label}"
        if whole_line and cap.line_multiplier is not None:
            text += f" (cả dây chuyền công nghệ: {_factor_text(cap.line_multiplier)} lần mức)"
        units = cap_units(cap, facilities=facilities)
        if units > 1:
            total = support_ceiling(cap, whole_line=whole_line, units=units) or 0
            text += f", {units} {cap.unit_label}: {format_money(total)} đồng"
        parts.append(text)
    body = ", ".join(parts)
    label = f"{cap.kind_label}: " if cap.kind_label else ""
    return f"{label}{_sentence(body)} — căn cứ: {_cite(cap)}."

"""Consistency check of a programme's figures (kiểm tra số liệu chương trình khuyến công).

Published decisions do not always add up (Khánh Hòa's 524/QĐ-UBND states a total
300.000 đồng below the sum of its two sources). A preset must keep the document's
own numbers, so the check never raises and never corrects: it lists each
inconsistency as a :class:`ProgrammeWarning` whose Vietnamese message names the
figures, for the user to compare with the signed decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kcdesk.formatting import format_dong, format_money
from kcdesk.services.programmes.file import BudgetSpec, ProgrammeSpec, TargetSpec

__all__ = ["WARNING_KINDS", "ProgrammeWarning", "check_programme"]

WARNING_KINDS = frozenset(
    {
        "target_parts",
        "budget_sources",
        "budget_by_year",
        "budget_by_activity",
        "target_budget",
        "unknown_part",
        "period",
    }
)


@dataclass(frozen=True)
class ProgrammeWarning:
    """A figure of the programme that does not add up (cảnh báo số liệu)."""

    kind: str
    message: str


def _count(quantity: int) -> str:
    # Quantities use the same "." thousands grouping as money on Vietnamese documents.
    return format_money(quantity)


def _difference(found: int, stated: int) -> str:
    return f"chênh lệch {format_dong(abs(found - stated))}"


def check_programme(spec: ProgrammeSpec) -> list[ProgrammeWarning]:
    """Every inconsistency of ``spec``'s figures, in a stable order; [] when all add up."""
    warnings: list[ProgrammeWarning] = []
    if spec.end_year < spec.start_year:
        warnings.append(
            ProgrammeWarning(
                "period",
                f"Năm kết thúc giai đoạn ({spec.end_year}) đứng trước năm bắt đầu "
                f"({spec.start_year}); hãy kiểm tra «start_year» và «end_year».",
            )
        )
    warnings.extend(_check_parts(spec.targets))
    warnings.extend(_check_budget(spec.budget, spec.start_year, spec.end_year))
    warnings.extend(_check_target_budgets(spec.targets, spec.budget.total))
    return warnings


def _check_parts(targets: tuple[TargetSpec, ...]) -> Iterable[ProgrammeWarning]:
    by_code = {target.code: target for target in targets}
    for target in targets:
        if not target.parts:
            continue
        unknown = [code for code in target.parts if code not in by_code]
        for code in unknown:
            yield ProgrammeWarning(
                "unknown_part",
                f"Chỉ tiêu «{target.code}» liệt kê chỉ tiêu thành phần «{code}» "
                "không có trong chương trình.",
            )
        if unknown:
            continue
        parts = [by_code[code] for code in target.parts]
        missing = [part.code for part in parts if part.quantity is None]
        if target.quantity is None or missing:
            lacking = [target.code] if target.quantity is None else []
            lacking += missing
            yield ProgrammeWarning(
                "target_parts",
                f"Không cộng được các chỉ tiêu thành phần của «{target.code}»: "
                f"chưa có số lượng ở {', '.join(f'«{code}»' for code in lacking)}.",
            )
            continue
        total = sum(part.quantity or 0 for part in parts)
        if total != target.quantity:
            terms = " + ".join(f"{part.code} ({_count(part.quantity or 0)})" for part in parts)
            unit = f" {target.unit}" if target.unit else ""
            yield ProgrammeWarning(
                "target_parts",
                f"Chỉ tiêu «{target.code}» ghi {_count(target.quantity)}{unit}, nhưng các chỉ "
                f"tiêu thành phần {terms} cộng lại là {_count(total)}; "
                f"chênh lệch {_count(abs(total - target.quantity))}.",
            )


def _check_budget(budget: BudgetSpec, start_year: int, end_year: int) -> Iterable[ProgrammeWarning]:
    total = budget.total
    sources = (budget.national, budget.local, budget.other)
    if total is not None and any(amount is not None for amount in sources):
        national, local, other = (amount or 0 for amount in sources)
        found = national + local + other
        if found != total:
            yield ProgrammeWarning(
                "budget_sources",
                f"Tổng nguồn vốn (trung ương {format_money(national)} + địa phương "
                f"{format_money(local)} + khác {format_money(other)}) là {format_dong(found)}, "
                f"khác tổng kinh phí ghi trong quyết định {format_dong(total)}; "
                f"{_difference(found, total)}.",
            )
    # A reversed period is reported once as "period", not again for every year.
    in_order = start_year <= end_year
    for year in sorted(budget.by_year):
        if in_order and not start_year <= year <= end_year:
            yield ProgrammeWarning(
                "budget_by_year",
                f"Kinh phí năm {year} ({format_dong(budget.by_year[year])}) nằm ngoài giai đoạn "
                f"{start_year}-{end_year}.",
            )
    if total is not None and budget.by_year:
        found = sum(budget.by_year.values())
        if found != total:
            terms = " + ".join(
                f"{year}: {format_money(budget.by_year[year])}" for year in sorted(budget.by_year)
            )
            yield ProgrammeWarning(
                "budget_by_year",
                f"Tổng kinh phí theo năm ({terms}) là {format_dong(found)}, khác tổng kinh phí "
                f"ghi trong quyết định {format_dong(total)}; {_difference(found, total)}.",
            )
    if total is not None and budget.by_activity:
        found = sum(budget.by_activity.values())
        if found != total:
            terms = " + ".join(
                f"{code}: {format_money(amount)}" for code, amount in budget.by_activity.items()
            )
            yield ProgrammeWarning(
                "budget_by_activity",
                f"Tổng kinh phí theo nội dung hoạt động ({terms}) là {format_dong(found)}, khác "
                f"tổng kinh phí ghi trong quyết định {format_dong(total)}; "
                f"{_difference(found, total)}.",
            )


def _check_target_budgets(
    targets: tuple[TargetSpec, ...], total: int | None
) -> Iterable[ProgrammeWarning]:
    budgeted = [target for target in targets if target.budget is not None]
    if total is None or not budgeted:
        return
    found = sum(target.budget or 0 for target in budgeted)
    if found > total:
        yield ProgrammeWarning(
            "target_budget",
            f"Kinh phí của {len(budgeted)} chỉ tiêu cộng lại là {format_dong(found)}, vượt tổng "
            f"kinh phí ghi trong quyết định {format_dong(total)}; vượt {format_dong(found - total)}.",
        )

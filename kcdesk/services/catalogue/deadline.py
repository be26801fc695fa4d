"""The catalogue deadline (hạn phê duyệt danh mục đề án): 30/10 of the year before the
plan year by default (setting ``deadline.catalogue``, the province's procedure, seed
000 — docs/rules.md). A plan year's catalogue not yet approved is flagged from
``APPROACH_DAYS`` before the deadline, and as overdue after it.
"""

from __future__ import annotations

from datetime import date

from kcdesk.formatting import format_date
from kcdesk.models.catalogue import CatalogueState
from kcdesk.services.core import settings

APPROACH_DAYS = 30
DECIDED = (CatalogueState.APPROVED, CatalogueState.AMENDED)


def catalogue_deadline(setting: str, plan_year: int) -> date:
    """The deadline for ``plan_year``'s catalogue from the "dd-mm" setting."""
    day, month = settings.day_month(setting)
    return date(plan_year - 1, month, day)


def deadline_warning(
    setting: str, plan_year: int, state: CatalogueState | None, today: date
) -> tuple[str, int] | None:
    """(message, severity 2 approaching / 3 overdue) while the catalogue is undecided
    and its deadline is near or past; None otherwise."""
    if state in DECIDED:
        return None
    deadline = catalogue_deadline(setting, plan_year)
    days = (deadline - today).days
    if days > APPROACH_DAYS:
        return None
    if days >= 0:
        return (
            f"Danh mục đề án năm {plan_year} chưa được phê duyệt: hạn phê duyệt "
            f"{format_date(deadline)}, còn {days} ngày.",
            2,
        )
    return (
        f"Danh mục đề án năm {plan_year} chưa được phê duyệt: đã quá hạn "
        f"{format_date(deadline)} {-days} ngày.",
        3,
    )

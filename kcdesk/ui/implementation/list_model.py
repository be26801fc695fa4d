"""Table of proposals under implementation: status, latest progress, money (đồng)."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from kcdesk.formatting import format_date, format_money
from kcdesk.services.implementation.views import ImplementationRow
from kcdesk.ui.row_table import Column, RowTableModel


def _tooltip(row: ImplementationRow) -> str:
    tip = f"{row.code}: {row.title}\nHạn quyết toán: {format_date(row.settlement_due)}"
    if row.progress_date is not None:
        tip += f"\nBáo cáo tiến độ gần nhất: {format_date(row.progress_date)}"
    return tip


def _overpaid(row: ImplementationRow) -> QColor | None:
    return QColor("#c62828") if row.disbursed > row.approved else None


COLUMNS = (
    Column("Mã đề án", lambda r: r.code),
    Column("Tên đề án", lambda r: r.title),
    Column("Năm", lambda r: str(r.plan_year)),
    Column("Trạng thái", lambda r: r.status.label),
    Column(
        "Tiến độ",
        lambda r: "—" if r.progress_percent is None else f"{r.progress_percent} %",
        True,
    ),
    Column("Được duyệt", lambda r: format_money(r.approved), True),
    Column("Đã chi", lambda r: format_money(r.disbursed), True, _overpaid),
    Column(
        "Tỷ lệ chi",
        lambda r: f"{r.disbursed_percent:.0f} %" if r.approved else "—",
        True,
    ),
)
COL_CODE, COL_TITLE, COL_YEAR, COL_STATUS, COL_PROGRESS, COL_APPROVED, COL_DISBURSED, COL_RATE = (
    range(len(COLUMNS))
)


class ImplementationModel(RowTableModel):
    """One row per approved-or-later proposal; rows are set by the view's worker job."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, parent, tooltip=_tooltip)

    def row_of(self, code: str) -> int:
        for n, row in enumerate(self.rows):
            if row.code == code:
                return n
        return -1

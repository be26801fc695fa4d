"""Table of proposals under implementation: status, latest progress, money (đồng)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from kcdesk.formatting import format_date, format_money
from kcdesk.services.implementation.views import ImplementationRow

COLUMNS = (
    "Mã đề án",
    "Tên đề án",
    "Năm",
    "Trạng thái",
    "Tiến độ",
    "Được duyệt",
    "Đã chi",
    "Tỷ lệ chi",
)
COL_CODE, COL_TITLE, COL_YEAR, COL_STATUS, COL_PROGRESS, COL_APPROVED, COL_DISBURSED, COL_RATE = (
    range(len(COLUMNS))
)
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_Index = QModelIndex | QPersistentModelIndex


class ImplementationModel(QAbstractTableModel):
    """One row per approved-or-later proposal; rows are set by the view's worker job."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ImplementationRow] = []

    def set_rows(self, rows: list[ImplementationRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, code: str) -> int:
        for n, row in enumerate(self.rows):
            if row.code == code:
                return n
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Explicit values only: falling through to super() corrupts None
        # (docs/architecture.md#known-traps-of-the-stack).
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col in (COL_PROGRESS, COL_APPROVED, COL_DISBURSED, COL_RATE) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{row.code}: {row.title}\nHạn quyết toán: {format_date(row.settlement_due)}"
            if row.progress_date is not None:
                tip += f"\nBáo cáo tiến độ gần nhất: {format_date(row.progress_date)}"
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_DISBURSED:
            return QColor("#c62828") if row.disbursed > row.approved else None
        return None

    @staticmethod
    def _display(row: ImplementationRow, col: int) -> str:
        if col == COL_CODE:
            return row.code
        if col == COL_TITLE:
            return row.title
        if col == COL_YEAR:
            return str(row.plan_year)
        if col == COL_STATUS:
            return row.status.label
        if col == COL_PROGRESS:
            return "—" if row.progress_percent is None else f"{row.progress_percent} %"
        if col == COL_APPROVED:
            return format_money(row.approved)
        if col == COL_DISBURSED:
            return format_money(row.disbursed)
        if col == COL_RATE:
            return f"{row.disbursed_percent:.0f} %" if row.approved else "—"
        return ""

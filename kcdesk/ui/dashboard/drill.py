"""The proposals behind a number of the dashboard, in a non-modal window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money
from kcdesk.models import ProposalStatus
from kcdesk.services.dashboard.drill import DrillRow
from kcdesk.services.forms.load import load_activities

COLUMNS: tuple[str, ...] = ("Mã đề án", "Tên đề án", "Năm", "Nội dung", "Xã", "Trạng thái")
COLUMNS += ("Số lượng", "Hỗ trợ phê duyệt", "Đã giải ngân")

_Index = QModelIndex | QPersistentModelIndex
_STATUS_LABELS = {s.value: s.label for s in ProposalStatus}


class DrillModel(QAbstractTableModel):
    def __init__(self, rows: list[DrillRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows
        activities = load_activities()
        self._activity = {code: spec.short_label for code, spec in activities.items()}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            status = _STATUS_LABELS.get(r.status, r.status)
            values = (
                r.code,
                r.title,
                str(r.plan_year),
                self._activity.get(r.activity, r.activity),
                r.commune,
                status,
                "" if r.quantity is None else format_money(r.quantity),
                format_money(r.approved_support),
                format_money(r.disbursed),
            )
            return values[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DrillDialog(QDialog):
    """«Các đề án của …»: the list, its count and its totals."""

    def __init__(self, parent: QWidget | None, title: str, rows: list[DrillRow]) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard_drill")
        self.setWindowTitle(title)
        self.resize(980, 480)
        self.model = DrillModel(rows, self)
        self.table = QTableView()
        self.table.setObjectName("drill_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Money drill-downs (a bar) have no quantity: hide the empty column.
        self.table.setColumnHidden(6, all(r.quantity is None for r in rows))
        quantity = sum(r.quantity or 0 for r in rows)
        summary = f"{len(rows)} đề án"
        if any(r.quantity is not None for r in rows):
            summary += f"; cộng số lượng: {format_money(quantity)}"
        summary += (
            f"; hỗ trợ phê duyệt {format_money(sum(r.approved_support for r in rows))} đồng; "
            f"đã giải ngân {format_money(sum(r.disbursed for r in rows))} đồng."
        )
        self.summary = QLabel(summary)
        self.summary.setObjectName("drill_summary")
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText("Đóng")
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

"""The proposals behind a number of the dashboard, in a non-modal window.

Double-click or Enter on a row opens the proposal's view window, as in the register.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeyEvent
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
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.row_table import Column, RowTableModel
from kcdesk.ui.screen_fit import fit_window

_STATUS_LABELS = {s.value: s.label for s in ProposalStatus}
COL_QUANTITY = 6


def drill_columns() -> tuple[Column, ...]:
    activities = {code: spec.short_label for code, spec in load_activities().items()}
    return (
        Column("Mã đề án", lambda r: r.code),
        Column("Tên đề án", lambda r: r.title),
        Column("Năm", lambda r: str(r.plan_year)),
        Column("Nội dung", lambda r: activities.get(r.activity, r.activity)),
        Column("Xã", lambda r: r.commune),
        Column("Trạng thái", lambda r: _STATUS_LABELS.get(r.status, r.status)),
        Column("Số lượng", lambda r: "" if r.quantity is None else format_money(r.quantity), True),
        Column("Hỗ trợ phê duyệt", lambda r: format_money(r.approved_support), True),
        Column("Đã giải ngân", lambda r: format_money(r.disbursed), True),
    )


class DrillDialog(QDialog):
    """«Các đề án của …»: the list, its count and its totals."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        rows: list[DrillRow],
        ctx: AppContext | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.windows: list[QDialog] = []
        self.setObjectName("dashboard_drill")
        self.setWindowTitle(title)
        fit_window(self, 980, 480)
        self.model = RowTableModel(drill_columns(), self, rows=rows)
        self.table = QTableView()
        self.table.setObjectName("drill_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)
        # Enter (activated) and double-click open the row, as in the register.
        self.table.activated.connect(self._open_index)
        self.table.doubleClicked.connect(self._open_index)
        if ctx is not None:
            self.table.setToolTip("Nhấn đúp hoặc Enter để xem đề án.")
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Money drill-downs (a bar) have no quantity: hide the empty column.
        self.table.setColumnHidden(COL_QUANTITY, all(r.quantity is None for r in rows))
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
        self.table.setFocus()
        if rows:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter belongs to the list (it opens the row); QDialog would press a button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            event.accept()
            return
        super().keyPressEvent(event)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_proposal(self.model.rows[index.row()].code)

    def open_proposal(self, code: str) -> QDialog | None:
        """The proposal's view window (non-modal, kept while this list is open)."""
        if self.ctx is None:
            return None
        from kcdesk.ui.register.proposal_view import open_proposal_window

        return open_proposal_window(self.ctx, code, self, self.windows)

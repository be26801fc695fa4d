"""Read-only view of the programmes (chương trình) and their targets (chỉ tiêu)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money
from kcdesk.services import programmes
from kcdesk.ui.app_context import AppContext

TARGET_COLUMNS = ("Mã", "Nhóm", "Chỉ tiêu", "Số lượng", "Đơn vị", "Nội dung hoạt động", "Đo bằng")


class ProgrammeView(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("programme_view")
        self.chooser = QComboBox()
        self.chooser.setObjectName("programme_chooser")
        self.chooser.currentIndexChanged.connect(self._show_selected)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a4b00;")
        self.table = QTableWidget(0, len(TARGET_COLUMNS))
        self.table.setObjectName("target_table")
        self.table.setHorizontalHeaderLabels(list(TARGET_COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(QLabel("Chương trình:"))
        top.addWidget(self.chooser, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(self.table, 1)
        ctx.data_changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        current = self.chooser.currentData()
        with self.ctx.db.session() as session:
            rows = [(p.code, p.name) for p in programmes.list_programmes(session)]
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for code, name in rows:
            self.chooser.addItem(f"{code} — {name}", code)
        index = max(0, self.chooser.findData(current))
        self.chooser.blockSignals(False)
        if rows:
            self.chooser.setCurrentIndex(index)
            self._show_selected()
        else:
            self.summary.setText(
                "Chưa có chương trình nào. Chạy 'kcdesk init' để nạp chương trình mẫu."
            )

    def _on_changed(self, kind: str) -> None:
        if kind == "programme":
            self.reload()

    def _show_selected(self) -> None:
        code = self.chooser.currentData()
        if not code:
            return
        with self.ctx.db.session() as session:
            programme = programmes.get_programme(session, code)
            warnings = programmes.check(programme)
            targets = list(programme.targets)
            decision = (
                f"Quyết định số {programme.decision_no}"
                + (f" ngày {programme.decision_date:%d/%m/%Y}" if programme.decision_date else "")
                if programme.decision_no
                else "Chưa ghi số quyết định"
            )
            budget = (
                f"Tổng kinh phí: {format_money(programme.budget_total)} đồng"
                if programme.budget_total is not None
                else "Tổng kinh phí: chưa ghi"
            )
            self.summary.setText(
                f"<b>{programme.name}</b><br>Giai đoạn {programme.start_year}–{programme.end_year}; "
                f"{decision}; {budget}; {len(targets)} chỉ tiêu."
            )
        self.warnings.setText("\n".join(f"⚠ {w.message}" for w in warnings) if warnings else "")
        self.warnings.setVisible(bool(warnings))
        self.table.setRowCount(len(targets))
        for row, t in enumerate(targets):
            values = (
                t.code,
                t.group,
                t.name,
                "" if t.quantity is None else f"{t.quantity:,}".replace(",", "."),
                t.unit,
                ", ".join(t.activities or []),
                t.measure,
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(3)

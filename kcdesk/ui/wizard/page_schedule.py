"""Page 4 — Nội dung và tiến độ: editable rows (task, from month, to month, who)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kcdesk.services.proposals.draft import ProposalInput, ScheduleInput
from kcdesk.services.proposals.validation import Problem
from kcdesk.ui.wizard.common import (
    ERROR_STYLE,
    WizardHost,
    WizardPageBase,
    configure_table,
    format_month_text,
    parse_month,
)

COLUMNS = ("Nội dung công việc", "Từ tháng", "Đến tháng", "Người/đơn vị thực hiện")


class SchedulePage(WizardPageBase):
    key = "schedule"

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("schedule")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        configure_table(self.table)
        self.table.setColumnWidth(0, 300)
        self.table.itemChanged.connect(self._edited)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Thêm &dòng", self.add_row),
            ("Xó&a dòng", self.remove_row),
            ("&Kéo lên", lambda: self.move_row(-1)),
            ("X&uống", lambda: self.move_row(1)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.error = QLabel()
        self.error.setObjectName("error_schedule")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.field_widgets["schedule"] = self.table
        self.error_labels["schedule"] = self.error

    def _set_row(self, row: int, values: list[str]) -> None:
        for column, value in enumerate(values):
            self.table.setItem(row, column, QTableWidgetItem(value))

    def add_row(self) -> None:
        data = self.wiz.data
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._set_row(
            row, ["", format_month_text(data.start_month), format_month_text(data.end_month), ""]
        )
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.changed.emit()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def move_row(self, step: int) -> None:
        row, column = self.table.currentRow(), self.table.currentColumn()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        values = [self._text(row, c) for c in range(len(COLUMNS))]
        others = [self._text(target, c) for c in range(len(COLUMNS))]
        self._set_row(row, others)
        self._set_row(target, values)
        self.table.setCurrentCell(target, max(column, 0))
        self.changed.emit()

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def load(self, data: ProposalInput) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for item in data.schedule:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self._set_row(
                row,
                [
                    item.task,
                    format_month_text(item.start),
                    format_month_text(item.end),
                    item.responsible,
                ],
            )
        self.table.blockSignals(False)
        if not data.schedule:
            self.add_row()

    def store(self, data: ProposalInput) -> list[Problem]:
        problems: list[Problem] = []
        rows: list[ScheduleInput] = []
        for row in range(self.table.rowCount()):
            texts = [self._text(row, c) for c in range(len(COLUMNS))]
            if not any(t.strip() for t in texts):
                continue  # a blank row the user added and left
            item = ScheduleInput(task=texts[0], responsible=texts[3])
            for column, name in ((1, "start"), (2, "end")):
                try:
                    setattr(item, name, parse_month(texts[column]))
                except ValueError as exc:
                    problems.append(
                        Problem(f"schedule[{len(rows)}].{name}", f"Tiến độ, dòng {row + 1}: {exc}")
                    )
            rows.append(item)
        data.schedule = rows
        return problems

    def show_problems(self, problems: list[Problem]) -> None:
        messages = [p.message for p in problems if p.is_error and p.field.startswith("schedule")]
        self.error.setText("\n".join(messages))
        self.error.setVisible(bool(messages))

    def focus_field(self, field_key: str) -> None:
        self.table.setFocus()
        if field_key.startswith("schedule["):
            index = int(field_key[9:].split("]")[0])
            column = {"task": 0, "start": 1, "end": 2}.get(field_key.rpartition(".")[2], 0)
            self.table.setCurrentCell(min(index, self.table.rowCount() - 1), column)

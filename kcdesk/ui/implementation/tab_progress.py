"""Tab 'Tiến độ': the progress reports and a form to add one (with a file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kcdesk.formatting import format_date
from kcdesk.models import Proposal
from kcdesk.services.implementation import progress as impl
from kcdesk.services.proposals.attachments import store_file_in
from kcdesk.services.security.actor import Actor
from kcdesk.ui import file_dialogs
from kcdesk.ui.implementation.common import Write, date_edit, get_date, message_label


class ProgressTab(QWidget):
    def __init__(self, write: Write, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._write = write
        self.attachment: Path | None = None
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("progress_table")
        self.table.setHorizontalHeaderLabels(["Ngày", "Tiến độ", "Ghi chú", "Tệp"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(140)
        self.date = date_edit(self)
        self.percent = QSpinBox()
        self.percent.setObjectName("progress_percent")
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        self.note = QLineEdit()
        self.note.setObjectName("progress_note")
        self.file_label = QLabel("(không có tệp)")
        attach = QPushButton("Đính kèm tệp…")
        attach.clicked.connect(self._choose_file)
        self.add_button = QPushButton("Ghi tiến độ")
        self.add_button.setObjectName("progress_add")
        self.add_button.clicked.connect(self.add)
        self.message = message_label("progress_message")
        form = QFormLayout()
        form.addRow("Ngày báo cáo", self.date)
        form.addRow("Hoàn thành", self.percent)
        form.addRow("Ghi chú", self.note)
        files = QHBoxLayout()
        files.addWidget(self.file_label, 1)
        files.addWidget(attach)
        form.addRow("Tệp báo cáo", files)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.add_button)
        layout.addWidget(self.message)

    def show_data(self, data: dict[str, Any]) -> None:
        entries = data["progress"]
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            values = [
                format_date(date.fromisoformat(e["date"])),
                f"{e['percent']} %",
                e["note"],
                e["file"] or "",
            ]
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        open_ = data["status"] in ("approved", "implementing")
        self.add_button.setEnabled(open_)
        if entries:
            self.percent.setValue(entries[-1]["percent"])

    def _choose_file(self) -> None:
        picked = file_dialogs.open_file(self, "Chọn tệp báo cáo tiến độ")
        name = str(picked) if picked is not None else ""
        if name:
            self.set_attachment(Path(name))

    def set_attachment(self, path: Path | None) -> None:
        self.attachment = path
        self.file_label.setText(path.name if path else "(không có tệp)")

    def add(self) -> bool:
        on, percent, note = get_date(self.date), self.percent.value(), self.note.text()
        path = self.attachment

        def work(session: Session, actor: Actor, proposal: Proposal) -> object:
            stored = store_file_in(session, path) if path else None
            return impl.add_progress(
                session, actor, proposal, on=on, percent=percent, note=note, file=stored
            )

        ok = self._write(self.message, work, f"Đã ghi tiến độ {percent} %.")
        if ok:
            self.note.clear()
            self.set_attachment(None)
        return ok

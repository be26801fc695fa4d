"""Tab 'Nghiệm thu': the evidence checklist, the acceptance form, print the minutes.

Ticking an evidence item saves it at once (it is a fact about papers received);
the acceptance itself is refused, with the missing papers named, until every
required item is ticked.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
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
from kcdesk.services.implementation import acceptance
from kcdesk.services.implementation import progress as impl
from kcdesk.services.proposals.attachments import store_file_in
from kcdesk.services.security.actor import Actor
from kcdesk.ui import file_dialogs
from kcdesk.ui.implementation.common import (
    Write,
    date_edit,
    get_date,
    message_label,
    say,
    set_date,
)

CODE_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class AcceptanceTab(QWidget):
    """Emits ``print_requested`` when the user asks for the minutes PDF."""

    print_requested = Signal()

    def __init__(self, write: Write, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._write = write
        self._loading = False
        self._missing: list[str] = []
        self.status = ""

        self.evidence = QTableWidget(0, 3)
        self.evidence.setObjectName("evidence_table")
        self.evidence.setHorizontalHeaderLabels(["Tài liệu", "Bắt buộc", "Tệp"])
        self.evidence.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.evidence.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.evidence.verticalHeader().setVisible(False)
        self.evidence.setWordWrap(True)
        self.evidence.setMinimumHeight(170)
        self.evidence.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.evidence.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.evidence.itemChanged.connect(self._evidence_toggled)
        attach = QPushButton("Đính kèm bản quét cho tài liệu đang chọn…")
        attach.clicked.connect(self._choose_evidence_file)
        self.evidence_message = message_label("evidence_message")
        ev_box = QGroupBox("Hồ sơ, tài liệu nghiệm thu (đánh dấu tài liệu đã có)")
        ev_layout = QVBoxLayout(ev_box)
        ev_layout.addWidget(self.evidence, 1)
        ev_layout.addWidget(attach)
        ev_layout.addWidget(self.evidence_message)

        self.date = date_edit(self)
        self.minutes = QLineEdit()
        self.minutes.setObjectName("minutes_no")
        self.minutes.setPlaceholderText("ví dụ 12/BB-NT")
        self.participants = QPlainTextEdit()
        self.participants.setObjectName("participants")
        self.participants.setPlaceholderText("Mỗi dòng một người: họ tên — chức vụ, đơn vị")
        self.participants.setMaximumHeight(70)
        self.result = QPlainTextEdit()
        self.result.setObjectName("result")
        self.result.setPlainText(acceptance.DEFAULT_RESULT)
        self.result.setMaximumHeight(55)
        self.outputs = QTableWidget(0, 3)
        self.outputs.setObjectName("outputs_table")
        self.outputs.setHorizontalHeaderLabels(["Kết quả", "Kế hoạch", "Đạt được"])
        self.outputs.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.outputs.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.outputs.verticalHeader().setVisible(False)
        self.outputs.setMinimumHeight(130)
        self.outputs.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.record_button = QPushButton("Ghi nghiệm thu")
        self.record_button.setObjectName("acceptance_record")
        self.record_button.clicked.connect(self.record)
        self.print_button = QPushButton("In biên bản nghiệm thu…")
        self.print_button.setObjectName("acceptance_print")
        self.print_button.clicked.connect(self.print_requested)
        self.message = message_label("acceptance_message")
        form_box = QGroupBox("Biên bản nghiệm thu")
        form = QFormLayout(form_box)
        form.addRow("Ngày nghiệm thu", self.date)
        form.addRow("Số biên bản", self.minutes)
        form.addRow("Thành phần", self.participants)
        form.addRow("Kết luận", self.result)
        form.addRow(QLabel("Kết quả đạt được (theo các kết quả dự kiến của đề án):"))
        form.addRow(self.outputs)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.message)

        layout = QVBoxLayout(self)
        layout.addWidget(ev_box)
        layout.addWidget(form_box)

    # -- showing ------------------------------------------------------------------

    def show_data(self, data: dict[str, Any]) -> None:
        self._loading = True
        self.status = data["status"]
        items = data["evidence"]
        self.evidence.setRowCount(len(items))
        editable = data["status"] in ("approved", "implementing", "accepted")
        for row, e in enumerate(items):
            label = QTableWidgetItem(e["label"])
            label.setData(CODE_ROLE, e["code"])
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if editable:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            label.setFlags(flags)
            label.setCheckState(Qt.CheckState.Checked if e["received"] else Qt.CheckState.Unchecked)
            label.setToolTip(e["label"] + (f"\n{e['source']}" if e["source"] else ""))
            self.evidence.setItem(row, 0, label)
            self.evidence.setItem(
                row, 1, QTableWidgetItem("Bắt buộc" if e["required"] else "Nên có")
            )
            self.evidence.setItem(row, 2, QTableWidgetItem(e["file"] or ""))
        self.evidence.resizeRowsToContents()
        self._missing = [e["label"] for e in items if e["required"] and not e["received"]]
        if data["acceptance"] is None:
            self._say_missing()
        outputs = data["outputs"]
        self.outputs.setRowCount(len(outputs))
        for row, (code, values) in enumerate(outputs.items()):
            name = QTableWidgetItem(values.get("label") or acceptance.measure_label(code))
            name.setData(CODE_ROLE, code)
            self.outputs.setItem(row, 0, name)
            self.outputs.setItem(row, 1, QTableWidgetItem(str(values["planned"])))
            spin = QSpinBox()
            spin.setRange(0, 10_000_000)
            spin.setValue(
                values["achieved"] if values["achieved"] is not None else values["planned"]
            )
            self.outputs.setCellWidget(row, 2, spin)
        acc = data["acceptance"]
        done = acc is not None
        if done:
            set_date(self.date, date.fromisoformat(acc["date"]))
            self.minutes.setText(acc["minutes_no"])
            self.participants.setPlainText("\n".join(acc["participants"]))
            self.result.setPlainText(acc["result"])
            say(
                self.message,
                f"Đã nghiệm thu ngày {format_date(date.fromisoformat(acc['date']))}, "
                f"biên bản số {acc['minutes_no']}.",
            )
        for widget in (self.date, self.minutes, self.participants, self.result, self.outputs):
            widget.setEnabled(not done)
        self.record_button.setEnabled(not done and data["status"] == "implementing")
        self.print_button.setEnabled(done)
        self._loading = False

    def _say_missing(self, prefix: str = "") -> None:
        if self._missing:
            text = f"Còn thiếu {len(self._missing)} tài liệu bắt buộc: " + "; ".join(self._missing)
            say(self.evidence_message, prefix + text, error=True)
        else:
            say(self.evidence_message, prefix + "Đã đủ tài liệu bắt buộc để nghiệm thu.")

    def achieved(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in range(self.outputs.rowCount()):
            item = self.outputs.item(row, 0)
            spin = self.outputs.cellWidget(row, 2)
            if item is not None and isinstance(spin, QSpinBox):
                out[str(item.data(CODE_ROLE))] = spin.value()
        return out

    def set_achieved(self, code: str, value: int) -> None:
        for row in range(self.outputs.rowCount()):
            item = self.outputs.item(row, 0)
            spin = self.outputs.cellWidget(row, 2)
            if item is not None and item.data(CODE_ROLE) == code and isinstance(spin, QSpinBox):
                spin.setValue(value)

    # -- writing ------------------------------------------------------------------

    def set_evidence(self, code: str, received: bool, file: Path | None = None) -> bool:
        def work(session: Session, actor: Actor, proposal: Proposal) -> object:
            stored = store_file_in(session, file) if file else None
            return impl.set_evidence(session, actor, proposal, code, received=received, file=stored)

        text = "Đã ghi nhận tài liệu." if received else "Đã đánh dấu tài liệu chưa có."
        ok = self._write(self.evidence_message, work, text)
        if ok:
            self._say_missing(text + " ")
        return ok

    def _evidence_toggled(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() != 0:
            return
        code = str(item.data(CODE_ROLE))
        self.set_evidence(code, item.checkState() == Qt.CheckState.Checked)

    def _choose_evidence_file(self) -> None:
        row = self.evidence.currentRow()
        item = self.evidence.item(row, 0) if row >= 0 else None
        if item is None:
            say(self.evidence_message, "Hãy chọn một tài liệu trong danh sách trước.", error=True)
            return
        picked = file_dialogs.open_file(self, f"Bản quét: {item.text()}")
        name = str(picked) if picked is not None else ""
        if name:
            self.set_evidence(str(item.data(CODE_ROLE)), True, Path(name))

    def record(self) -> bool:
        on, minutes_no = get_date(self.date), self.minutes.text()
        people = self.participants.toPlainText().splitlines()
        result, achieved = self.result.toPlainText(), self.achieved()

        def work(session: Session, actor: Actor, proposal: Proposal) -> object:
            return acceptance.record_acceptance(
                session,
                actor,
                proposal,
                accepted_on=on,
                minutes_no=minutes_no,
                participants=people,
                result=result,
                achieved=achieved,
            )

        return self._write(self.message, work, f"Đã nghiệm thu, biên bản số {minutes_no}.")

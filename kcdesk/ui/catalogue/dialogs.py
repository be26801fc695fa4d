"""Small dialogs of the catalogue: a decision (number + date), a reason, a comparison."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money
from kcdesk.services.catalogue.compare import FIELD_LABELS, RowDiff
from kcdesk.ui.screen_fit import fit_window


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox()
    box.addButton("Đồng ý", QDialogButtonBox.ButtonRole.AcceptRole)
    box.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class NumberDateDialog(QDialog):
    """Số và ngày of a document (the tờ trình, or the approving decision)."""

    def __init__(
        self, title: str, number_label: str, parent: QWidget | None = None, *, today: date
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.number = QLineEdit()
        self.when = QDateEdit(QDate(today.year, today.month, today.day))
        self.when.setDisplayFormat("dd/MM/yyyy")
        self.when.setCalendarPopup(True)
        form = QFormLayout(self)
        form.addRow(number_label, self.number)
        form.addRow("Ngày:", self.when)
        form.addRow(_buttons(self))

    def values(self) -> tuple[str, date]:
        q = self.when.date()
        return self.number.text().strip(), date(q.year(), q.month(), q.day())


class ReasonDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.reason = QLineEdit()
        form = QFormLayout(self)
        form.addRow("Lý do:", self.reason)
        form.addRow(_buttons(self))


def _value(value: str | int) -> str:
    return format_money(value) if isinstance(value, int) else value


KIND_LABELS = {"added": "Thêm", "removed": "Bỏ", "changed": "Sửa", "same": "Giữ nguyên"}


class CompareDialog(QDialog):
    """Two versions side by side, row by row: only rows that differ are listed."""

    def __init__(
        self,
        versions: list[int],
        compare: Callable[[int, int], list[RowDiff]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compare_dialog")
        self.setWindowTitle("So sánh phiên bản danh mục")
        self._compare = compare
        self.old = QComboBox()
        self.new = QComboBox()
        for number in versions:
            self.old.addItem(f"Phiên bản {number}", number)
            self.new.addItem(f"Phiên bản {number}", number)
        if len(versions) >= 2:
            self.old.setCurrentIndex(len(versions) - 2)
            self.new.setCurrentIndex(len(versions) - 1)
        self.summary = QLabel()
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["Thay đổi", "Mã đề án", "Tên đề án", "Trường", "Cũ → mới"]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("So sánh"))
        top.addWidget(self.old)
        top.addWidget(QLabel("với"))
        top.addWidget(self.new)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        close = QDialogButtonBox()
        close.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.old.currentIndexChanged.connect(self.refresh)
        self.new.currentIndexChanged.connect(self.refresh)
        fit_window(self, 820, 420)
        self.refresh()

    def refresh(self) -> None:
        old, new = self.old.currentData(), self.new.currentData()
        if old is None or new is None:
            return
        diffs = [d for d in self._compare(old, new) if d.kind != "same"]
        lines: list[tuple[str, str, str, str, str]] = []
        for d in diffs:
            if d.kind == "changed":
                for name, (before, after) in d.changes.items():
                    label = FIELD_LABELS.get(name, name)
                    lines.append(
                        (
                            KIND_LABELS[d.kind],
                            d.proposal_code,
                            d.title,
                            label,
                            f"{_value(before)} → {_value(after)}",
                        )
                    )
            else:
                lines.append((KIND_LABELS[d.kind], d.proposal_code, d.title, "", ""))
        self.table.setRowCount(len(lines))
        for r, line in enumerate(lines):
            for c, text in enumerate(line):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.summary.setText(
            f"{len(diffs)} đề án khác nhau." if diffs else "Hai phiên bản giống nhau."
        )

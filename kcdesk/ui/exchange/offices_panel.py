"""Đơn vị: the Centre registers offices and issues key files; an office PC joins."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcdesk.models import OfficeLevel
from kcdesk.services.core.errors import UserError
from kcdesk.services.exchange import keys
from kcdesk.ui import crash, file_dialogs
from kcdesk.ui.app_context import AppContext, DataKind

LEVEL_LABELS = {
    OfficeLevel.CENTRE: "Trung tâm",
    OfficeLevel.DEPARTMENT: "Sở",
    OfficeLevel.LOCAL: "Đơn vị địa phương",
}


class OfficesPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exchange_offices")
        self.ctx = ctx
        self.role = QLabel()
        self.role.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("office_table")
        self.table.setHorizontalHeaderLabels(["Mã", "Tên", "Cấp", "Khóa trao đổi"])
        # Names and levels read whole; the key's fingerprint takes what is left.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.code = QLineEdit()
        self.code.setObjectName("office_code")
        self.code.setPlaceholderText("ví dụ XA-HUNGDAO")
        self.name = QLineEdit()
        self.name.setObjectName("office_name")
        self.name.setPlaceholderText("ví dụ UBND xã Hưng Đạo")
        self.add_button = QPushButton("Đăng ký và cấp tệp khóa…")
        self.join_button = QPushButton("Nhận tệp khóa của Trung tâm…")
        self.message = QLabel()
        self.message.setObjectName("office_message")
        self.message.setWordWrap(True)

        self.register_box = QWidget()
        form = QFormLayout(self.register_box)
        form.addRow("Mã đơn vị", self.code)
        form.addRow("Tên đơn vị", self.name)
        form.addRow("", self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.role)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.register_box)
        row = QHBoxLayout()
        row.addWidget(self.join_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.message)

        self.add_button.clicked.connect(self._add_clicked)
        self.join_button.clicked.connect(self._join_clicked)
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as session:
            try:
                own = keys.own_office(session)
                own_text = f"Máy này làm việc với tư cách {LEVEL_LABELS[own.level]} {own.code} ({own.name})."
                centre = own.level is OfficeLevel.CENTRE
            except UserError as exc:
                own_text, centre = str(exc), False
            rows = [
                (o.code, o.name, LEVEL_LABELS[o.level], "có" if o.exchange_secret else "chưa có")
                for o in keys.list_offices(session)
                if o.active
            ]
        self.role.setText(own_text)
        self.register_box.setVisible(centre)
        self.join_button.setVisible(not centre)
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        if not any(row[3] == "có" for row in rows) and not self.message.text():
            self.message.setText(
                "Chưa có đơn vị nào có khóa trao đổi. Trung tâm nhập mã, tên đơn vị rồi bấm "
                "«Đăng ký và cấp tệp khóa…» và gửi tệp khóa cho đơn vị; đơn vị bấm «Nhận tệp "
                "khóa của Trung tâm…»."
                if centre
                else "Máy này chưa có khóa trao đổi: bấm «Nhận tệp khóa của Trung tâm…» và "
                "chọn tệp khóa Trung tâm gửi."
            )

    def _add_clicked(self) -> None:
        code = self.code.text().strip()
        chosen = file_dialogs.save_file(
            self, "Lưu tệp khóa đơn vị", f"khoa-{code or 'don-vi'}.json", "Tệp khóa (*.json)"
        )
        if chosen is not None:
            self.register(code, self.name.text(), chosen[0])

    def register(self, code: str, name: str, key_file: Path) -> bool:
        """Register an office and write its key file (the Centre)."""
        try:
            with self.ctx.db.session() as session:
                key = keys.add_office(session, self.ctx.actor, code, name)
                keys.write_key_file(key, key_file)
        except UserError as exc:
            self.message.setText(str(exc))
            return False
        except Exception as exc:
            crash.show_error(self, exc).show()
            return False
        self.message.setText(
            f"Đã đăng ký {key.code} và ghi tệp khóa {key_file}. Giao tệp cho đơn vị và giữ kín."
        )
        self.code.clear()
        self.name.clear()
        self.refresh()
        self.ctx.notify(DataKind.EXCHANGE)
        return True

    def _join_clicked(self) -> None:
        picked = file_dialogs.open_file(self, "Chọn tệp khóa", "Tệp khóa (*.json)")
        name = str(picked) if picked is not None else ""
        if name:
            self.join(Path(name))

    def join(self, key_file: Path) -> bool:
        """Work as the office named in ``key_file`` (an office PC)."""
        try:
            key = keys.read_key_file(key_file)
            with self.ctx.db.session() as session:
                keys.join_office(session, self.ctx.actor, key)
        except UserError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"Máy này từ nay là đơn vị {key.code}, gửi gói cho {key.centre_code}.")
        self.refresh()
        self.ctx.notify(DataKind.EXCHANGE)
        return True

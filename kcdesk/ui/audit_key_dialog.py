"""The audit key missing on this PC (thiếu khóa nhật ký), asked when a database opens.

A workstation connected to a server database, or a PC given a copy of another PC's
database, has no key for the chain: every write would be refused. The dialog says so
at once, lets an administrator pick the file exported with ``kcdesk audit key
export`` (the same service as ``kcdesk audit key import``), or continue to read only
(writes are then refused with the same one-line message), or quit.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcdesk.models.db import Database
from kcdesk.services.core import audit_key, audit_key_transfer, audit_restart
from kcdesk.services.core.errors import UserError
from kcdesk.services.security.actor import Actor

IMPORTED, READ_ONLY, QUIT = "imported", "read_only", "quit"


class MissingKeyDialog(QDialog):
    """Thiếu khóa nhật ký: import the key file, continue read-only, or quit."""

    def __init__(self, db: Database, actor: Actor, key_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor, self.key_id = db, actor, key_id
        self.outcome = QUIT
        self.setObjectName("missing_key_dialog")
        self.setWindowTitle("kcdesk — thiếu khóa nhật ký")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Máy này không có khóa nhật ký {key_id} của cơ sở dữ liệu này (cần tệp "
            f"{audit_key.key_path(key_id)}). Khi chưa có khóa, kcdesk chỉ cho xem: mọi thao "
            "tác ghi sẽ bị từ chối.\n\nQuản trị viên hãy bấm «Nhập tệp khóa…» và chọn tệp đã "
            "xuất bằng 'kcdesk audit key export' trên máy có khóa."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.import_button = QPushButton("Nhập tệp khóa…")
        self.import_button.setObjectName("import_key")
        self.read_only_button = QPushButton("Tiếp tục chỉ xem")
        self.read_only_button.setObjectName("read_only")
        self.quit_button = QPushButton("Thoát")
        self.quit_button.setObjectName("quit")
        for button in (self.import_button, self.read_only_button, self.quit_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        self.import_button.clicked.connect(self.import_key)
        self.read_only_button.clicked.connect(lambda: self._finish(READ_ONLY))
        self.quit_button.clicked.connect(lambda: self._finish(QUIT))

    def pick_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Chọn tệp khóa nhật ký",
            str(Path.home()),
            "Tệp khóa nhật ký (*.key);;Tất cả tệp (*)",
        )
        return Path(name) if name else None

    def import_key(self) -> None:
        source = self.pick_file()
        if source is None:
            return
        try:
            with self.db.session() as session:
                audit_key_transfer.import_chain_key(session, self.actor, source)
        except UserError as exc:
            # Wrong file, another database's key, or not an administrator: say it here
            # and let the user pick again, continue to read, or quit.
            self.error.setText(str(exc))
            return
        self._finish(IMPORTED)

    def _finish(self, outcome: str) -> None:
        self.outcome = outcome
        self.accept() if outcome != QUIT else self.reject()


def missing_key_of(db: Database) -> str | None:
    with db.session() as session:
        return audit_restart.missing_key(session)


def ask_for_key(db: Database, actor: Actor, parent: QWidget | None = None) -> str:
    """IMPORTED, READ_ONLY or QUIT (nothing to ask: IMPORTED, writes work already)."""
    key_id = missing_key_of(db)
    if key_id is None:
        return IMPORTED
    dialog = MissingKeyDialog(db, actor, key_id, parent)
    dialog.exec()
    return dialog.outcome

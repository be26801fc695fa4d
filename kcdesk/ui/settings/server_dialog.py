"""Kết nối máy chủ: the form that connects this workstation to the Centre's server.

Reached from the first-run choice, from Tệp → Kết nối máy chủ…, and at start when
the remembered server cannot be reached or needs a password. The password field
may stay empty when the user's pgpass file or the OS keyring holds it; a typed
password is kept in the OS keyring (never in a settings file) when the box is
ticked. Refusals are one line in the dialog itself (services.setup.server_connection).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kcdesk.models.db import Database
from kcdesk.services.core.errors import UserError
from kcdesk.services.setup import server_connection as sc
from kcdesk.ui.settings.common import MessageLine


class ServerConnectionDialog(QDialog):
    """On "Kết nối": ``database`` holds the opened server database and the dialog closes."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        initial: sc.ServerConnection | None = None,
        message: str = "",
    ) -> None:
        super().__init__(parent)
        self.database: Database | None = None
        self.setObjectName("server_dialog")
        self.setWindowTitle("kcdesk — kết nối máy chủ")
        self.setMinimumWidth(460)
        intro = QLabel(
            "Nhập thông tin máy chủ PostgreSQL của Trung tâm (quản trị viên cho biết). "
            "Để trống mật khẩu nếu máy này đã lưu nó hoặc có tệp pgpass."
        )
        intro.setWordWrap(True)
        initial = initial or sc.remembered()
        self.host = self._field("server_host", initial.host if initial else "")
        self.port = self._field("server_port", str(initial.port if initial else sc.DEFAULT_PORT))
        self.database_name = self._field(
            "server_database", initial.database if initial else "kcdesk"
        )
        self.user = self._field("server_user", initial.user if initial else "")
        self.password = self._field("server_password", "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep = QCheckBox("Ghi nhớ mật khẩu trong kho mật khẩu của hệ điều hành")
        self.keep.setObjectName("server_keep_password")
        self.keep.setChecked(True)
        form = QFormLayout()
        form.addRow("&Máy chủ:", self.host)
        form.addRow("&Cổng:", self.port)
        form.addRow("Cơ sở &dữ liệu:", self.database_name)
        form.addRow("&Người dùng:", self.user)
        form.addRow("Mật &khẩu:", self.password)
        form.addRow("", self.keep)
        self.message = MessageLine("server_message")
        if message:
            self.message.refused(message)
        buttons = QDialogButtonBox()
        self.connect_button = buttons.addButton("Kết nối", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setObjectName("server_connect")
        cancel = buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        self.connect_button.clicked.connect(self.try_connect)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password if initial else self.host).setFocus()

    @staticmethod
    def _field(name: str, value: str) -> QLineEdit:
        field = QLineEdit(value)
        field.setObjectName(name)
        return field

    def try_connect(self) -> bool:
        """Connect with what was typed; stays open with a one-line message if refused."""
        try:
            connection = sc.parse(
                self.host.text(), self.port.text(), self.database_name.text(), self.user.text()
            )
        except UserError as exc:
            self.message.refused(str(exc))
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.database = sc.open_server(
                connection, self.password.text() or None, keep_password=self.keep.isChecked()
            )
        except sc.ConnectionRefused as exc:
            self.message.refused(str(exc))
            if exc.needs_password:
                self.password.selectAll()
                self.password.setFocus()
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.password.clear()
        self.accept()
        return True


def connect_to_server(
    parent: QWidget | None = None,
    *,
    initial: sc.ServerConnection | None = None,
    message: str = "",
) -> Database | None:
    """Show the form until the user connects (the database) or cancels (None)."""
    dialog = ServerConnectionDialog(parent, initial=initial, message=message)
    dialog.exec()
    return dialog.database

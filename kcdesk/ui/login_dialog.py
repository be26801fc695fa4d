"""Log-in at start (đăng nhập), and the first administrator on a database with no user.

The dialog checks the password through ``users.authenticate`` (lock-out included)
and keeps the resulting Actor; every refusal is shown as a plain message in the
dialog itself, so the user can try again without a pop-up.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kcdesk.models.db import Database
from kcdesk.services.core.errors import UserError, ValidationError
from kcdesk.services.security import lockout, users
from kcdesk.services.security.actor import Actor


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class LoginDialog(QDialog):
    """Đăng nhập; in ``first_run`` mode it creates the first administrator instead."""

    def __init__(self, db: Database, *, first_run: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.first_run = first_run
        self.actor: Actor | None = None
        self.setObjectName("login_dialog")
        self.setWindowTitle("kcdesk — tạo quản trị viên" if first_run else "kcdesk — đăng nhập")
        self.setMinimumWidth(380)

        layout = QVBoxLayout(self)
        intro = QLabel(
            "Cơ sở dữ liệu này chưa có người dùng. Hãy tạo tài khoản quản trị viên đầu tiên; "
            "quản trị viên sẽ tạo tài khoản cho những người khác."
            if first_run
            else "Nhập tên đăng nhập và mật khẩu của bạn."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        form.addRow("Tên đăng nhập:", self.username)
        self.full_name = QLineEdit()
        self.full_name.setObjectName("full_name")
        self.password = _password_field("password")
        self.confirm = _password_field("confirm")
        if first_run:
            form.addRow("Họ và tên:", self.full_name)
            form.addRow("Mật khẩu:", self.password)
            form.addRow("Nhập lại mật khẩu:", self.confirm)
        else:
            form.addRow("Mật khẩu:", self.password)
        layout.addLayout(form)

        self.message = QLabel("")
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b00020;")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(
            "Tạo tài khoản" if first_run else "Đăng nhập", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("login_button")
        self.ok_button.setDefault(True)
        cancel = buttons.addButton("Thoát", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancel_button")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.username.setFocus()

    def submit(self) -> None:
        """Check the entries; accept with ``self.actor`` set, or say what is wrong."""
        self.message.clear()
        try:
            self.actor = self._create_admin() if self.first_run else self._log_in()
        except UserError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.confirm.clear()
            self.password.setFocus()
            return
        self.accept()

    def _log_in(self) -> Actor:
        if not self.username.text().strip():
            raise ValidationError("Hãy nhập tên đăng nhập.")
        with self.db.session() as session:
            return users.authenticate(
                session,
                self.username.text(),
                self.password.text(),
                source=lockout.login_source("gui"),
            )

    def _create_admin(self) -> Actor:
        if self.password.text() != self.confirm.text():
            raise ValidationError("Hai lần nhập mật khẩu không khớp.")
        with self.db.session() as session:
            user = users.create_first_admin(
                session,
                username=self.username.text(),
                full_name=self.full_name.text(),
                password=self.password.text(),
            )
            return users.actor_for(session, user)


def needs_first_admin(db: Database) -> bool:
    with db.session() as session:
        return not users.has_users(session)


def log_in(db: Database, parent: QWidget | None = None) -> Actor | None:
    """Run the log-in (or first-admin) dialog modally; None when the user quits."""
    dialog = LoginDialog(db, first_run=needs_first_admin(db), parent=parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor

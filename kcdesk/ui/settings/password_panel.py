"""Change my password (đổi mật khẩu): the current one, then the new one twice."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kcdesk.services.core.errors import UserError, ValidationError
from kcdesk.services.security import users
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.settings.common import MessageLine


def _secret(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class PasswordPanel(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("password_panel")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Tài khoản: <b>{ctx.actor.username}</b> ({ctx.actor.role.label})"))
        form = QFormLayout()
        self.old = _secret("old_password")
        self.new = _secret("new_password")
        self.confirm = _secret("confirm_password")
        form.addRow("Mật khẩu hiện tại:", self.old)
        form.addRow("Mật khẩu mới:", self.new)
        form.addRow("Nhập lại mật khẩu mới:", self.confirm)
        layout.addLayout(form)
        self.button = QPushButton("Đổi mật khẩu")
        self.button.setObjectName("change_password")
        self.button.clicked.connect(self.change)
        layout.addWidget(self.button)
        self.message = MessageLine("password_message")
        layout.addWidget(self.message)
        layout.addStretch(1)

    def change(self) -> bool:
        try:
            if self.new.text() != self.confirm.text():
                raise ValidationError("Hai lần nhập mật khẩu mới không khớp.")
            with self.ctx.db.session() as session:
                users.change_password(session, self.ctx.actor, self.old.text(), self.new.text())
        except UserError as exc:
            self.message.refused(str(exc))
            return False
        finally:
            for field in (self.old, self.new, self.confirm):
                field.clear()
        self.message.done("Đã đổi mật khẩu. Lần đăng nhập sau hãy dùng mật khẩu mới.")
        return True

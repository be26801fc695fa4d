"""Users and roles (người dùng, phân quyền): list, add, reset password, role, disable.

Only administrators change anything; the services check it again, and any refusal
is shown in the message line.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Office, Role
from kcdesk.services.core.errors import UserError, ValidationError
from kcdesk.services.security import permissions, users
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.settings.common import MessageLine

COLUMNS = ("Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị", "Trạng thái")


class UsersPanel(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("users_panel")
        self.may_admin = permissions.allowed(ctx.actor, permissions.USERS_ADMIN)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("users_table")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected_to_form)

        box = QGroupBox("Tài khoản")
        form = QFormLayout(box)
        self.username = QLineEdit()
        self.username.setObjectName("new_username")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("new_full_name")
        self.role = QComboBox()
        self.role.setObjectName("new_role")
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.office = QComboBox()
        self.office.setObjectName("new_office")
        self.office.setEditable(True)
        self.password = QLineEdit()
        self.password.setObjectName("new_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("new_confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Họ và tên:", self.full_name)
        form.addRow("Vai trò:", self.role)
        form.addRow("Đơn vị (cán bộ địa phương):", self.office)
        form.addRow("Mật khẩu:", self.password)
        form.addRow("Nhập lại mật khẩu:", self.confirm)

        self.add_button = self._button("Thêm người dùng", "add_user", self.add_user)
        self.reset_button = self._button("Đặt lại mật khẩu", "reset_password", self.reset_password)
        self.role_button = self._button("Đổi vai trò", "change_role", self.change_role)
        self.toggle_button = self._button(
            "Khóa / mở tài khoản", "toggle_active", self.toggle_active
        )
        buttons = QHBoxLayout()
        for b in (self.add_button, self.reset_button, self.role_button, self.toggle_button):
            b.setEnabled(self.may_admin)
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.message = MessageLine("users_message")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        if not self.may_admin:
            self.message.refused("Chỉ quản trị viên được thêm, khóa hoặc đặt lại mật khẩu.")
        self.refresh()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda _=False: slot())
        return button

    def refresh(self) -> None:
        with self.ctx.db.session() as session:
            rows = [users.user_dict(session, u) for u in users.list_users(session)]
            offices = list(session.scalars(select(Office.code).order_by(Office.code)))
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            state = "Tạm khóa" if row["locked"] else ("Hoạt động" if row["active"] else "Đã khóa")
            values = (
                row["username"],
                row["full_name"],
                row["role_label"],
                row["office"] or "",
                state,
            )
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
        if not rows and not self.message.text():
            self.message.setText(
                "Chưa có người dùng nào: máy đang ở chế độ một người dùng, không cần đăng "
                "nhập. Thêm người dùng đầu tiên (vai trò quản trị) ở khung dưới để bật đăng nhập."
            )
        current = self.office.currentText()
        self.office.clear()
        self.office.addItem("")
        self.office.addItems(offices)
        self.office.setCurrentText(current)

    def selected_username(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.text() if item is not None else None

    def select(self, username: str) -> None:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.text() == username:
                self.table.selectRow(r)
                return

    def _selected_to_form(self) -> None:
        name = self.selected_username()
        if name is None:
            return
        with self.ctx.db.session() as session:
            row = users.user_dict(session, users.get_user(session, name))
        self.username.setText(row["username"])
        self.full_name.setText(row["full_name"])
        self.role.setCurrentIndex(self.role.findData(row["role"]))
        self.office.setCurrentText(row["office"] or "")

    def _new_password(self) -> str:
        if self.password.text() != self.confirm.text():
            raise ValidationError("Hai lần nhập mật khẩu không khớp.")
        return self.password.text()

    def _run(self, action: Callable[[Session], str]) -> bool:
        try:
            with self.ctx.db.session() as session:
                text = action(session)
        except UserError as exc:
            self.message.refused(str(exc))
            return False
        self.password.clear()
        self.confirm.clear()
        self.message.done(text)
        self.refresh()
        return True

    def _role(self) -> Role:
        return Role(self.role.currentData())

    def add_user(self) -> bool:
        def act(session: Session) -> str:
            user = users.add_user(
                session,
                self.ctx.actor,
                username=self.username.text(),
                full_name=self.full_name.text(),
                role=self._role(),
                password=self._new_password(),
                office_code=self.office.currentText() or None,
            )
            return f"Đã thêm {user.username} ({user.role.label})."

        return self._run(act)

    def _need_selection(self) -> str:
        name = self.selected_username()
        if name is None:
            raise ValidationError("Hãy chọn một người dùng trong bảng.")
        return name

    def reset_password(self) -> bool:
        def act(session: Session) -> str:
            name = self._need_selection()
            users.reset_password(session, self.ctx.actor, name, self._new_password())
            return f"Đã đặt lại mật khẩu cho {name}; tài khoản đã được mở khóa."

        return self._run(act)

    def change_role(self) -> bool:
        def act(session: Session) -> str:
            name = self._need_selection()
            user = users.set_role(
                session, self.ctx.actor, name, self._role(), self.office.currentText() or None
            )
            return f"{name} giờ là {user.role.label}."

        return self._run(act)

    def toggle_active(self) -> bool:
        def act(session: Session) -> str:
            name = self._need_selection()
            if name == self.ctx.actor.username:
                raise ValidationError("Không thể tự khóa tài khoản đang đăng nhập.")
            user = users.get_user(session, name)
            users.set_active(session, self.ctx.actor, name, not user.active)
            return f"Tài khoản {name} {'đã mở' if user.active else 'đã bị khóa'}."

        return self._run(act)

"""Organisation settings editor (cài đặt cơ quan) over ``settings.SPECS``.

Text settings get a line edit, numbers a spin box, switches a check box. Saving
writes every changed key in one transaction through ``settings.put`` (audited,
permission checked in the service); a refusal is shown in the message line.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError, ValidationError
from kcdesk.services.security import permissions, users
from kcdesk.text import nfc
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.settings.common import MessageLine

# Set by the database's nature, not by hand here.
HIDDEN = frozenset({"app.demo"})


class OrganisationEditor(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("organisation_editor")
        self.fields: dict[str, QWidget] = {}
        self.may_edit = permissions.allowed(ctx.actor, permissions.SETTINGS_EDIT)

        form_host = QWidget()
        form = QFormLayout(form_host)
        for spec in settings.SPECS:
            if spec.key in HIDDEN:
                continue
            widget = self._field_for(spec.default)
            widget.setObjectName(f"setting:{spec.key}")
            widget.setToolTip(spec.help or spec.key)
            if spec.help and isinstance(widget, QLineEdit):
                widget.setPlaceholderText(spec.help)
            widget.setEnabled(self.may_edit)
            self.fields[spec.key] = widget
            form.addRow(spec.label + ":", widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)

        self.message = MessageLine("settings_message")
        self.save_button = QPushButton("Lưu cài đặt")
        self.save_button.setObjectName("save_settings")
        self.save_button.clicked.connect(self.save)
        reload_button = QPushButton("Tải lại")
        reload_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(reload_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        if not self.may_edit:
            self.message.refused(
                f"Tài khoản {ctx.actor.username} ({ctx.actor.role.label}) chỉ được xem cài đặt; "
                "chỉ quản trị viên được sửa."
            )
        self.load()

    @staticmethod
    def _field_for(default: Any) -> QWidget:
        if isinstance(default, bool):
            return QCheckBox()
        if isinstance(default, int):
            spin = QSpinBox()
            spin.setRange(0, 100_000)
            return spin
        return QLineEdit()

    def load(self) -> None:
        with self.ctx.db.session() as session:
            values = settings.get_all(session)
        for key, widget in self.fields.items():
            self._set(widget, values.get(key))
        self._loaded = self.values()

    @staticmethod
    def _set(widget: QWidget, value: Any) -> None:
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value or 0))
        elif isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QCheckBox):
                out[key] = widget.isChecked()
            elif isinstance(widget, QSpinBox):
                out[key] = widget.value()
            elif isinstance(widget, QLineEdit):
                out[key] = nfc(widget.text()).strip()
        return out

    def changed(self) -> dict[str, Any]:
        return {k: v for k, v in self.values().items() if self._loaded.get(k) != v}

    def save(self) -> bool:
        changes = self.changed()
        if not changes:
            self.message.done("Không có thay đổi nào để lưu.")
            return True
        try:
            with self.ctx.db.session() as session:
                if changes.get("app.single_user") is False and not users.has_admin(session):
                    raise ValidationError(
                        "Chưa có tài khoản quản trị viên nào: hãy tạo tài khoản quản trị viên "
                        "(thẻ Người dùng) trước khi tắt chế độ một người dùng."
                    )
                for key, value in changes.items():
                    settings.put(session, self.ctx.actor, key, value)
        except UserError as exc:
            self.message.refused(str(exc))
            return False
        self._loaded = self.values()
        self.message.done(f"Đã lưu {len(changes)} cài đặt.")
        self.ctx.notify(DataKind.SETTINGS)
        return True

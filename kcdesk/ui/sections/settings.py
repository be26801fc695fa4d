"""The settings section (cài đặt): organisation, users and roles, my password, backup,
merging an old province's Centre."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.settings.backup_panel import BackupPanel
from kcdesk.ui.settings.merge_panel import MergePanel
from kcdesk.ui.settings.organisation import OrganisationEditor
from kcdesk.ui.settings.password_panel import PasswordPanel
from kcdesk.ui.settings.signing_panel import SigningPanel
from kcdesk.ui.settings.users_panel import UsersPanel


class SettingsSection(QTabWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("settings_section")
        self.organisation = OrganisationEditor(ctx)
        self.users = UsersPanel(ctx)
        self.backup = BackupPanel(ctx)
        self.addTab(self.organisation, "Cơ quan và quy định")
        self.addTab(self.users, "Người dùng và phân quyền")
        # Single-user mode acts as the built-in system account, which has no password.
        self.password: PasswordPanel | None = None
        if ctx.actor.username != SYSTEM.username:
            self.password = PasswordPanel(ctx)
            self.addTab(self.password, "Đổi mật khẩu")
        self.addTab(self.backup, "Sao lưu và kiểm tra")
        self.signing = SigningPanel(ctx)
        self.addTab(self.signing, "Ký số")
        self.merge = MergePanel(ctx)
        self.addTab(self.merge, "Hợp nhất dữ liệu")


def create(ctx: AppContext) -> QWidget:
    return SettingsSection(ctx)

"""The "Đề án" section: the proposal register (kcdesk.ui.register)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kcdesk.ui.app_context import AppContext


def create(ctx: AppContext) -> QWidget:
    from kcdesk.ui.register.register_widget import RegisterWidget

    return RegisterWidget(ctx)

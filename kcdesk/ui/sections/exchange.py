"""The «Trao đổi dữ liệu» section (issue 8): signed packs between an office and the Centre."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.exchange.section import ExchangeSection


def create(ctx: AppContext) -> QWidget:
    return ExchangeSection(ctx)

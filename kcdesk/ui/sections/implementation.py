"""Implementation section (thực hiện): progress, acceptance, disbursement, settlement."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.implementation.view import ImplementationView


def create(ctx: AppContext) -> QWidget:
    return ImplementationView(ctx)

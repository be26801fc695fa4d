"""Appraisal section (thẩm định): councils, sheets, score entry, results, minutes."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.appraisal.view import AppraisalView


def create(ctx: AppContext) -> QWidget:
    return AppraisalView(ctx)

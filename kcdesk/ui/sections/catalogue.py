"""Catalogue section (danh mục đề án khuyến công)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.catalogue.view import CataloguePanel


def create(ctx: AppContext) -> QWidget:
    return CataloguePanel(ctx)

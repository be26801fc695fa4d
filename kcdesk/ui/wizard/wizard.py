"""The proposal wizard window (thin first version; pages follow)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from kcdesk.ui.app_context import AppContext


class ProposalWizard(QWizard):
    def __init__(self, ctx: AppContext, parent: QWidget | None, code: str | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.code = code
        self.setWindowTitle("Lập đề án khuyến công" if code is None else f"Sửa đề án {code}")

    def offer_restore(self) -> None:
        return None

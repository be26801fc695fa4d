"""Proposal wizard (trình hướng dẫn lập đề án theo Phụ lục II).

The register and other screens open it through :func:`open_proposal_wizard`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.wizard.wizard import ProposalWizard


def open_proposal_wizard(
    ctx: AppContext, parent: QWidget | None, code: str | None = None
) -> QWizard:
    """Open the wizard non-modally for a new proposal (``code`` None) or to edit one.

    After a successful save the wizard emits ``ctx.notify(DataKind.PROPOSAL)``.
    """
    wizard = ProposalWizard(ctx, parent, code)
    wizard.show()
    wizard.offer_restore()
    return wizard


__all__ = ["open_proposal_wizard"]

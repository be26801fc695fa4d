"""Proposal wizard (trình hướng dẫn lập đề án theo Phụ lục II).

The register and other screens open it through :func:`open_proposal_wizard`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.wizard.wizard import ProposalWizard

# The open wizard of each proposal (None: the new one), per application context:
# two wizards on one proposal would autosave over each other's draft.
_OPEN: dict[tuple[int, str | None], ProposalWizard] = {}


def open_proposal_wizard(
    ctx: AppContext, parent: QWidget | None, code: str | None = None
) -> QWizard:
    """Open the wizard non-modally for a new proposal (``code`` None) or to edit one;
    when that proposal's wizard is already open, bring it to the front instead.

    After a successful save the wizard emits ``ctx.notify(DataKind.PROPOSAL)``.
    """
    key = (id(ctx), code)
    existing = _OPEN.get(key)
    if existing is not None:
        try:
            if existing.isVisible():
                existing.raise_()
                existing.activateWindow()
                return existing
        except RuntimeError:  # its C++ side is gone
            pass
        _OPEN.pop(key, None)
    wizard = ProposalWizard(ctx, parent, code)
    _OPEN[key] = wizard
    wizard.finished.connect(lambda _result: _OPEN.pop(key, None))
    wizard.destroyed.connect(lambda *_: _OPEN.pop(key, None))
    wizard.show()
    wizard.offer_restore()
    return wizard


__all__ = ["open_proposal_wizard"]

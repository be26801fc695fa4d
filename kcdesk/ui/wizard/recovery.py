"""After a crash: offer to reopen the proposals the user was writing (khôi phục bản nháp).

The main window (or the register) calls :func:`offer_recovery` once at start-up;
each wizard also offers its own draft when opened.
"""

from __future__ import annotations

from datetime import UTC

from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from kcdesk.services.proposals import draft_store as drafts
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.wizard.wizard import ProposalWizard


def offer_recovery(
    ctx: AppContext, parent: QWidget | None, opened: list[QWizard] | None = None
) -> QMessageBox | None:
    """A non-modal question listing unsaved drafts; None when there are none.

    "Mở lại" opens a wizard per draft with the draft already restored; the wizards
    are appended to ``opened`` (tests and callers keep them).
    """
    with ctx.db.session() as session:
        found = drafts.list_drafts(session, ctx.actor)
    if not found:
        return None
    lines = []
    for info in found[:8]:
        when = info.updated_at.replace(tzinfo=UTC).astimezone().strftime("%H:%M %d/%m/%Y")
        what = f"sửa đề án {info.proposal_code}" if info.proposal_code else "đề án mới"
        lines.append(f"• {info.title or '(chưa đặt tên)'} — {what}, lưu lúc {when}")
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Bản nháp chưa lưu",
        "Lần trước chương trình đóng khi còn đề án đang soạn:\n"
        + "\n".join(lines)
        + "\n\nMở lại để soạn tiếp?",
        parent=parent,
    )
    box.setObjectName("recovery_box")
    reopen = box.addButton("&Mở lại", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Để &sau", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reopen)

    def answered(button: object) -> None:
        if button is not reopen:
            return
        for info in found:
            wizard = ProposalWizard(ctx, parent, info.proposal_code)
            wizard.restore(info.data)
            wizard.show()
            if opened is not None:
                opened.append(wizard)

    box.buttonClicked.connect(answered)
    box.open()
    return box

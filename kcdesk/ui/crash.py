"""Unexpected errors: a dialog with the message and a 'copy details' button.

User mistakes (UserError) are shown as plain messages without technical details.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kcdesk.services.core.errors import UserError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException, details: str = "") -> QMessageBox:
    """Show ``exc`` non-modally; returns the box (tests inspect it, never exec it)."""
    # Imported here: the hook is installed before the window's frame is shown, and the
    # database layer (SQLAlchemy) is imported only after that (kcdesk/app.py).
    from kcdesk.models.db import DatabaseError
    from kcdesk.services.core.concurrency import as_user_error

    box = QMessageBox(parent)
    box.setObjectName("error_box")
    exc = as_user_error(exc) or exc
    if isinstance(exc, UserError | DatabaseError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("kcdesk")
        box.setText(str(exc))
    else:
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("kcdesk — lỗi không mong muốn")
        box.setText(
            "Đã xảy ra lỗi không mong muốn. Dữ liệu đã lưu không bị ảnh hưởng; thao tác "
            "vừa rồi có thể chưa hoàn tất.\n\n" + f"{type(exc).__name__}: {exc}"
        )
        text = details or "".join(traceback.format_exception(exc))
        box.setDetailedText(text)
        copy = box.addButton("Sao chép chi tiết", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QApplication.clipboard().setText(text))
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    box.show()
    return box


def install_excepthook() -> None:
    """Uncaught exceptions go to the log and a dialog instead of a silent death."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, exc, tb))
        log.error("uncaught exception:\n%s", details)
        if QApplication.instance() is None:
            sys.__excepthook__(kind, exc, tb)
            return
        show_error(QApplication.activeWindow(), exc, details)

    sys.excepthook = hook

"""Making the demo proposals (dữ liệu trình diễn) behind the window on the first start.

The first ``kcdesk --demo`` used to make its 300 demo proposals before showing any
window (5–10 s of nothing on screen). Now the window comes up at once over the
presets and this runs the generator on the background worker, with a window-modal
"đang tạo" dialog on top so the user never faces an empty register without being
told why. The worker runs jobs in order, so anything a screen asks for after this
waits for the data; when it is done every screen reloads (``ctx.notify``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from kcdesk.ui import vi
from kcdesk.ui.app_context import AppContext, DataKind

log = logging.getLogger(__name__)

TITLE = "kcdesk — dữ liệu trình diễn"


def build_demo_in_background(
    ctx: AppContext, window: QWidget, make: Callable[[], object], proposals: int
) -> QProgressDialog:
    """Run ``make`` (which writes the demo data) on the worker behind a busy dialog."""
    dialog = QProgressDialog(
        f"Đang tạo dữ liệu trình diễn ({proposals} đề án mẫu, chỉ lần đầu mở)…",
        "",
        0,
        0,
        window,
    )
    dialog.setObjectName("demo_builder")
    dialog.setWindowTitle(TITLE)
    dialog.setCancelButton(None)  # half a demo is no use: it finishes in seconds
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.show()

    def done(_result: object) -> None:
        dialog.close()
        # Every screen made before the data existed reads it again.
        for kind in DataKind:
            if kind is not DataKind.REMOTE:
                ctx.notify(kind)

    def failed(exc: BaseException) -> None:
        dialog.close()
        log.error("demo data not made: %s", exc)
        vi.warn(
            window,
            TITLE,
            f"Không tạo được dữ liệu trình diễn: {exc}\n\n"
            "Hãy đóng kcdesk và mở lại: dữ liệu trình diễn sẽ được tạo lại từ đầu.",
        )

    ctx.worker.run(lambda _job: make(), on_success=done, on_failure=failed)
    return dialog

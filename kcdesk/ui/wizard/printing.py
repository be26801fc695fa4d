"""Print a saved proposal: write its PDF off the UI thread, then preview it in the app.

Other screens (the register) may call :func:`preview_proposal` too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from kcdesk import paths
from kcdesk.services.core.file_names import safe_file_name
from kcdesk.ui import crash
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.worker import Job


def print_path(code: str) -> Path:
    """Where the preview PDF of ``code`` goes (the data folder, never the program folder)."""
    return paths.prints_dir() / safe_file_name(f"Đề án {code}.pdf")


def preview_proposal(
    ctx: AppContext,
    parent: QWidget | None,
    code: str,
    on_shown: Callable[[QDialog], None] | None = None,
) -> Job:
    """Write the PDF of the saved proposal on the worker, then show the preview."""
    target = print_path(code)

    def work(_job: Job) -> Path:
        # ReportLab is imported when printing, on the worker: the wizard's first
        # opening imported it (0.2-0.6 s; issue 24).
        from kcdesk.reports.proposals.pdf import write_proposal_pdf

        target.parent.mkdir(parents=True, exist_ok=True)
        with ctx.db.session() as session:
            return write_proposal_pdf(session, code, target)

    def done(path: object) -> None:
        from kcdesk.ui.pdf_preview import show_pdf

        dialog = show_pdf(parent, Path(str(path)))
        if on_shown is not None:
            on_shown(dialog)

    def failed(exc: BaseException) -> None:
        crash.show_error(parent, exc)

    return ctx.worker.run(work, done, failed)

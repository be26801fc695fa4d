"""An old office PC (issue 26 §3–4): the preview does not hold its PDF open, printing
renders at 300 dpi at most, the automatic backup never makes a print wait, and
closing waits for running work with the event loop alive (never "Not responding")."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize
from PySide6.QtPrintSupport import QPrinter

from kcdesk import app as kcdesk_app
from kcdesk.reports.proposals.pdf import write_proposal_pdf
from kcdesk.services.backup import auto_backup
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui import pdf_preview
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.closing import MESSAGE
from kcdesk.ui.main_window import MainWindow
from tests.proposal_factory import machine_input, make_facility


def _open_fds_on(path: Path) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                found.append(fd)
        except OSError:
            continue
    return found


@pytest.fixture
def pdf(db: Any, tmp_path: Path) -> Path:
    with db.session() as session:
        facility = make_facility(session)
        code = create_proposal(session, SYSTEM, machine_input(facility.uuid)).code
    target = tmp_path / "Bản in" / "Đề án.pdf"
    target.parent.mkdir()
    with db.session() as session:
        write_proposal_pdf(session, code, target)
    return target


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_preview_does_not_hold_its_file_open(pdf: Path, qtbot: Any) -> None:
    dialog = pdf_preview.show_pdf(None, pdf)
    qtbot.addWidget(dialog)
    pages = dialog.document.pageCount()  # type: ignore[attr-defined]
    assert pages >= 2 and "trang" in dialog.status.text()  # type: ignore[attr-defined]
    # Windows cannot replace a file someone holds open: the preview holds none.
    assert _open_fds_on(pdf) == []
    atomic_write_bytes(pdf, pdf.read_bytes())  # printing the same document again
    assert dialog.document.pageCount() == pages  # type: ignore[attr-defined]


def test_missing_file_says_so(tmp_path: Path, qtbot: Any) -> None:
    dialog = pdf_preview.show_pdf(None, tmp_path / "không có.pdf")
    qtbot.addWidget(dialog)
    assert dialog.status.text() == "Không mở được tệp không có.pdf."  # type: ignore[attr-defined]


def test_printing_renders_at_most_300_dpi(
    pdf: Path, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pdf_preview.render_dpi(1200) == 300 and pdf_preview.render_dpi(150) == 150
    dialog = pdf_preview.show_pdf(None, pdf)
    qtbot.addWidget(dialog)
    document = dialog.document  # type: ignore[attr-defined]
    sizes: list[QSize] = []
    real = document.render

    def render(index: int, size: QSize) -> Any:
        sizes.append(size)
        return real(index, QSize(10, 10))  # the size asked for is what matters here

    monkeypatch.setattr(document, "render", render)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # 1200 dpi
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "in.pdf"))
    assert printer.resolution() > 300
    assert dialog.print_to(printer) == document.pageCount()  # type: ignore[attr-defined]
    # A4 is 595 × 842 pt: 2480 × 3508 pixels at 300 dpi (≈35 MB), not 4× that.
    assert all(s.width() <= 2481 and s.height() <= 3509 for s in sizes)
    assert sizes[0].width() >= 2479


def test_automatic_backup_does_not_make_the_first_print_wait(
    db: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = AppContext(db, SYSTEM)
    release, started = threading.Event(), threading.Event()

    def slow_backup(_db: Any, _actor: Any) -> None:  # a minute on an old PC
        started.set()
        release.wait(60)

    monkeypatch.setattr(auto_backup, "auto_backup_if_due", slow_backup)
    kcdesk_app._schedule_auto_backup(db, SYSTEM, ctx.background)
    qtbot.waitUntil(started.is_set, timeout=20_000)
    assert ctx.background.busy
    printed: list[str] = []
    ctx.worker.run(lambda _job: "in xong", on_success=printed.append)
    try:
        qtbot.waitUntil(lambda: printed == ["in xong"], timeout=20_000)
        assert ctx.background.busy  # the print did not wait for the backup
    finally:
        release.set()
    qtbot.waitUntil(lambda: not ctx.background.busy, timeout=20_000)


def test_closing_waits_for_work_with_the_event_loop_alive(db: Any, qtbot: Any) -> None:
    ctx = AppContext(db, SYSTEM)
    window = MainWindow(ctx, demo=True)
    qtbot.addWidget(window)
    window.show()
    release = threading.Event()
    ctx.worker.run(lambda _job: release.wait(60))
    assert window.close() is False  # postponed, not blocked
    assert window.isVisible() and window.statusBar().currentMessage() == MESSAGE
    assert not window.centralWidget().isEnabled() and window.statusBar().isEnabled()
    release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20_000)


def test_closing_is_bounded(db: Any, qtbot: Any) -> None:
    ctx = AppContext(db, SYSTEM)
    window = MainWindow(ctx, demo=True)
    qtbot.addWidget(window)
    window.show()
    release = threading.Event()
    ctx.background.run(lambda: release.wait(60))  # a backup that takes too long
    try:
        window.close()
        window.close_guard.wait_ms = 0  # type: ignore[attr-defined]
        window.close_guard._timer.start(0)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=20_000)
    finally:
        release.set()
    ctx.background.wait(20)


def test_idle_window_closes_at_once(db: Any, qtbot: Any) -> None:
    ctx = AppContext(db, SYSTEM)
    window = MainWindow(ctx, demo=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not ctx.worker.busy, timeout=20_000)  # the first lists load
    assert window.close() is True

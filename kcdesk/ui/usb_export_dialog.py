"""Export files to a USB stick: pick a detected drive or a folder, write, verify.

Generic: ``UsbExportDialog(ctx, files, parent)`` where ``files`` is a list of
``(file name, producer)`` and ``producer(path)`` writes that file at ``path``.
The catalogue, exchange packs and backups all use it. The work runs on
``ctx.worker`` (kcdesk.services.catalogue.usb_export.export_files: atomic, verified,
SHA256SUMS.txt) with progress and cancel; at the end the dialog says the stick
is safe to remove, or what went wrong (nothing partial is left).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.catalogue.removable_drives import Drive, detect_removable_drives
from kcdesk.services.catalogue.usb_export import EJECT_ADVICE, ExportResult, export_files
from kcdesk.ui import file_dialogs
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.screen_fit import fit_window
from kcdesk.ui.worker import Job

log = logging.getLogger(__name__)

Producer = Callable[[Path], None]
PATH_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class UsbExportDialog(QDialog):
    """Choose where to write ``files``; write them safely; say when to pull the stick."""

    export_finished = Signal(object)  # ExportResult or the exception
    drives_found = Signal(object)  # list[Drive], from the detection thread

    def __init__(
        self,
        ctx: AppContext,
        files: Sequence[tuple[str, Producer]],
        parent: QWidget | None = None,
        *,
        title: str = "Ghi ra USB",
        detect: Callable[[], list[Drive]] = detect_removable_drives,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("usb_export_dialog")
        self.setWindowTitle(title)
        self.ctx = ctx
        self.files = list(files)
        self._detect = detect
        self._job: Job | None = None
        self.result_value: ExportResult | BaseException | None = None

        self.drives = QListWidget()
        self.drives.setObjectName("drives")
        self.refresh_button = QPushButton("Tìm lại USB")
        self.folder_button = QPushButton("Chọn thư mục…")
        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        names = "\n".join(f"• {name}" for name, _ in self.files)
        self.files_label = QLabel(f"Các tệp sẽ ghi:\n{names}")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.write_button = QPushButton("Ghi")
        self.write_button.setDefault(True)
        self.cancel_button = QPushButton("Dừng")
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Đóng")

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Ổ đĩa USB tìm thấy:"))
        layout.addWidget(self.drives)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.folder_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.target_label)
        layout.addWidget(self.files_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.write_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.refresh_button.clicked.connect(self.refresh_drives)
        self.folder_button.clicked.connect(self._choose_folder)
        self.drives.currentItemChanged.connect(self._update_target)
        self.write_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        fit_window(self, 520, 420)
        self.drives_found.connect(self._show_drives)
        self._detecting = False
        self.refresh_drives()

    # -- choosing the target -------------------------------------------------
    def refresh_drives(self) -> None:
        """Look for sticks off the UI thread: asking Windows about a slow card reader
        can take seconds. Not on ``ctx.worker``: it may be busy writing a stick."""
        if self._detecting:
            return
        self._detecting = True
        self.refresh_button.setEnabled(False)
        self.status.setText("Đang tìm USB…")

        def detect() -> None:
            try:
                found = self._detect()
            except Exception:  # detection is a convenience: "choose folder" remains
                log.exception("removable drive detection failed")
                found = []
            with contextlib.suppress(RuntimeError):  # the dialog was closed meanwhile
                self.drives_found.emit(found)

        threading.Thread(target=detect, name="kcdesk-usb-detect", daemon=True).start()

    def _show_drives(self, found: list[Drive]) -> None:
        self._detecting = False
        self.refresh_button.setEnabled(True)
        writing = self._job is not None
        if not writing:
            self.status.setText("")
        chosen = self.folder()
        self.drives.clear()
        for drive in found:
            item = QListWidgetItem(drive.display)
            item.setData(PATH_ROLE, str(drive.path))
            self.drives.addItem(item)
        if self.drives.count() == 0 and not writing:
            self.status.setText(
                "Chưa thấy USB nào. Hãy cắm USB rồi bấm «Tìm lại USB», hoặc «Chọn thư mục…»."
            )
        if chosen is not None:
            self.set_folder(chosen)
        elif self.drives.count():
            self.drives.setCurrentRow(0)
        self._update_target()

    def _choose_folder(self) -> None:
        picked = file_dialogs.choose_folder(self, "Chọn thư mục để ghi")
        folder = str(picked) if picked is not None else ""
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path) -> None:
        """Use ``folder`` (listed as an extra entry) as the target."""
        for i in range(self.drives.count()):
            if self.drives.item(i).data(PATH_ROLE) == str(folder):
                self.drives.setCurrentRow(i)
                return
        item = QListWidgetItem(f"Thư mục: {folder}")
        item.setData(PATH_ROLE, str(folder))
        self.drives.addItem(item)
        self.drives.setCurrentItem(item)

    def folder(self) -> Path | None:
        item = self.drives.currentItem()
        return Path(item.data(PATH_ROLE)) if item is not None else None

    def _update_target(self) -> None:
        folder = self.folder()
        self.target_label.setText(f"Ghi vào: {folder}" if folder else "Chưa chọn nơi ghi.")
        self.write_button.setEnabled(folder is not None and self._job is None)

    # -- writing --------------------------------------------------------------
    def start(self) -> None:
        folder = self.folder()
        if folder is None or self._job is not None:
            return
        files = list(self.files)
        self.status.setText("Đang ghi… Không rút USB.")
        self.progress.setRange(0, 2 * len(files) + 1)
        self.progress.setValue(0)
        self.write_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(False)

        def work(job: Job) -> ExportResult:
            return export_files(folder, files, progress=job.report, cancelled=lambda: job.cancelled)

        self._job = self.ctx.worker.run(work, self._done, self._failed, self._progress)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Đang dừng…")

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if text:
            self.status.setText(text)

    def _finish(self) -> None:
        self._job = None
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self._update_target()

    def _done(self, result: ExportResult) -> None:
        self._finish()
        self.progress.setValue(self.progress.maximum())
        self.status.setText(
            f"Đã ghi và kiểm tra {len(result.files)} tệp (kèm danh sách mã kiểm tra "
            f"SHA256SUMS.txt) vào {result.folder}. {EJECT_ADVICE}"
        )
        self.result_value = result
        self.export_finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.progress.setValue(0)
        self.status.setText(f"Chưa ghi được: {exc}")
        self.result_value = exc
        self.export_finished.emit(exc)

    def reject(self) -> None:
        if self._job is not None:  # never close while the stick is being written
            return
        super().reject()

"""In-app PDF preview (xem trước bản in) with printing through Qt.

Other features call :func:`show_pdf` for any PDF they write: the user sees the
document, prints it ("In…") or opens it in another application.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcdesk.ui.screen_fit import fit_window


class PdfPreview(QDialog):
    """A non-modal window showing one PDF; ``document`` is the loaded QPdfDocument."""

    def __init__(self, parent: QWidget | None, path: Path) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_preview")
        self.path = path
        self.setWindowTitle(f"Xem trước — {path.name}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.document = QPdfDocument(self)
        self.error = self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        self.status = QLabel(self._status_text())
        self.print_button = QPushButton("&In…")
        self.print_button.setObjectName("print_button")
        self.open_button = QPushButton("&Mở bằng ứng dụng khác")
        self.open_button.setObjectName("open_button")
        close = QPushButton("Đó&ng")
        self.print_button.clicked.connect(self.print_dialog)
        self.open_button.clicked.connect(self.open_external)
        close.clicked.connect(self.close)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        shortcut.activated.connect(self.print_dialog)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        # A4 portrait at a readable width; on a 768-pixel screen the height shrinks
        # so the buttons stay visible (screen_fit).
        fit_window(self, 820, 900)

    def _status_text(self) -> str:
        if self.error != QPdfDocument.Error.None_:
            return f"Không mở được tệp {self.path.name}."
        return f"{self.document.pageCount()} trang — {self.path}"

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("In đề án")
        dialog.accepted.connect(lambda: self.print_to(printer))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def print_to(self, printer: QPrinter) -> int:
        """Render every page as an image at the printer's resolution; pages printed."""
        count = self.document.pageCount()
        if count <= 0:
            return 0
        painter = QPainter()
        if not painter.begin(printer):
            return 0
        try:
            dpi = printer.resolution()
            for index in range(count):
                if index > 0:
                    printer.newPage()
                size_pt = self.document.pagePointSize(index)
                width = max(1, int(size_pt.width() * dpi / 72))
                height = max(1, int(size_pt.height() * dpi / 72))
                image = self.document.render(index, QSize(width, height))
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(
                    target.x(),
                    target.y(),
                    image.scaled(scaled, mode=Qt.TransformationMode.SmoothTransformation),
                )
        finally:
            painter.end()
        return count

    def open_external(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))


def show_pdf(parent: QWidget | None, path: Path) -> QDialog:
    """Show ``path`` in a non-modal preview window and return it."""
    dialog = PdfPreview(parent, path)
    dialog.show()
    return dialog

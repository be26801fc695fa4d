"""In-app PDF preview (xem trước bản in) with printing through Qt.

Other features call :func:`show_pdf` for any PDF they write: the user sees the
document, prints it ("In…") or opens it in another application.

The PDF is read into memory and shown from there: a preview that kept the file
open would stop Windows from replacing it, so printing the same document again
while its preview is still open failed. Printing renders pages at 300 dpi at most
(an A4 page at a 600-dpi printer's resolution is an image of about 140 MB).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QUrl
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

MAX_PRINT_DPI = 300


def render_dpi(printer_dpi: int) -> int:
    """The resolution pages are rendered at for a printer of ``printer_dpi``."""
    return max(72, min(int(printer_dpi), MAX_PRINT_DPI))


class PdfPreview(QDialog):
    """A non-modal window showing one PDF; ``document`` is the loaded QPdfDocument."""

    def __init__(self, parent: QWidget | None, path: Path) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_preview")
        self.setProperty("help_key", "pdf_preview")  # F1: signing and Word copies
        self.path = path
        self.setWindowTitle(f"Xem trước — {path.name}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self)
        try:
            self._buffer.setData(QByteArray(path.read_bytes()))
        except OSError:
            self.error = QPdfDocument.Error.FileNotFound
        else:
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document.load(self._buffer)
            self.error = self.document.error()
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        self.status = QLabel(self._status_text())
        # Its own line, wrapping: a long file name never widens the window past a
        # 150 %-scaled laptop screen (the buttons must stay on screen).
        self.status.setWordWrap(True)
        self.print_button = QPushButton("&In…")
        self.print_button.setObjectName("print_button")
        self.open_button = QPushButton("&Mở bằng ứng dụng khác")
        self.open_button.setObjectName("open_button")
        self.sign_button = QPushButton("&Ký số…")
        self.sign_button.setObjectName("sign_button")
        self.sign_button.clicked.connect(self.sign_dialog)
        close = QPushButton("Đó&ng")
        self.print_button.clicked.connect(self.print_dialog)
        self.open_button.clicked.connect(self.open_external)
        close.clicked.connect(self.close)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        shortcut.activated.connect(self.print_dialog)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
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
            dpi = render_dpi(printer.resolution())
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

    def sign_dialog(self) -> QDialog:
        """Ký số: sign this PDF into a new file, then preview the signed copy."""
        from kcdesk.ui.signing.sign_dialog import open_sign_dialog

        return open_sign_dialog(
            self, self.path, lambda target: show_pdf(self.parentWidget(), target)
        )

    def open_external(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))


def show_pdf(parent: QWidget | None, path: Path) -> QDialog:
    """Show ``path`` in a non-modal preview window and return it."""
    dialog = PdfPreview(parent, path)
    dialog.show()
    return dialog

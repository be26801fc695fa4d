"""The guide's window: Markdown pages rendered by Qt, links followed inside it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kcdesk.ui.help.topics import INDEX, page_for


class GuideWindow(QDialog):
    """«Hướng dẫn sử dụng»: one page at a time, with back, forward and contents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guide_window")
        self.setWindowTitle("Hướng dẫn sử dụng kcdesk")
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide_browser")
        # Links between pages open here; links to the web open in the browser.
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        self.back_button = QPushButton("◀ &Trước")
        self.forward_button = QPushButton("&Sau ▶")
        self.contents_button = QPushButton("&Mục lục")
        close = QPushButton("Đó&ng")
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button.clicked.connect(self.browser.forward)
        self.contents_button.clicked.connect(lambda: self.open_page(page_for(None)))
        close.clicked.connect(self.close)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self, self.browser.backward)
        buttons = QHBoxLayout()
        for button in (self.back_button, self.forward_button, self.contents_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self.resize(900, 640)

    @property
    def current_page(self) -> Path:
        return Path(self.browser.source().toLocalFile())

    def open_page(self, path: Path) -> None:
        if not path.is_file():
            path = path.parent / INDEX
        if not path.is_file():
            self.browser.setMarkdown(
                "# Không tìm thấy hướng dẫn\n\nBản cài đặt này thiếu thư mục hướng dẫn "
                f"(`{path.parent}`). Hãy cài lại kcdesk."
            )
            return
        self.browser.setSource(
            QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource
        )
        self.setWindowTitle(
            f"Hướng dẫn sử dụng kcdesk — {self.browser.documentTitle() or path.stem}"
        )

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        target = self.browser.source().resolved(url)
        if target.isLocalFile() and target.toLocalFile().endswith(".md"):
            self.browser.setSource(target, QTextDocument.ResourceType.MarkdownResource)
        else:
            self.browser.setSource(target)


def show_guide(parent: QWidget | None, key: str | None) -> GuideWindow:
    """Open (non-modal) the guide at the page for ``key`` (a section or window)."""
    window = GuideWindow(parent)
    window.open_page(page_for(key))
    window.show()
    return window

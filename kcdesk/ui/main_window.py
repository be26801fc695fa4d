"""The main window: navigation on the left, the chosen section on the right."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from kcdesk import __version__, paths
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.sections import SECTIONS, SectionInfo, create_section


class MainWindow(QMainWindow):
    """Sections are built when first shown, so start-up stays fast."""

    def __init__(self, ctx: AppContext, *, demo: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.demo = demo
        self.setObjectName("main_window")
        title = "kcdesk — Bàn làm việc khuyến công"
        self.setWindowTitle(f"[DEMO] {title} — dữ liệu trình diễn" if demo else title)
        self.resize(1200, 760)
        self.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "kcdesk.png")))

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setMaximumWidth(220)
        self.stack = QStackedWidget()
        self._built: dict[str, QWidget] = {}
        for index, info in enumerate(SECTIONS):
            item = QListWidgetItem(info.title)
            item.setData(Qt.ItemDataRole.UserRole, info.key)
            item.setToolTip(f"{info.placeholder} (Ctrl+{index + 1})")
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())
        self.nav.currentRowChanged.connect(self._show_row)

        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 1010])
        self.setCentralWidget(splitter)
        self._build_menus()
        self._build_status_bar()
        self.nav.setCurrentRow(0)

    # -- sections -------------------------------------------------------------
    def section_keys(self) -> list[str]:
        return [info.key for info in SECTIONS]

    def show_section(self, key: str) -> QWidget:
        row = self.section_keys().index(key)
        self.nav.setCurrentRow(row)
        return self._built[key]

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        info: SectionInfo = SECTIONS[row]
        if info.key not in self._built:
            widget = create_section(info, self.ctx)
            widget.setProperty("section_key", info.key)
            old = self.stack.widget(row)
            self.stack.insertWidget(row, widget)
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
            self._built[info.key] = widget
        self.stack.setCurrentIndex(row)

    # -- chrome ---------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Tệp")
        quit_action = QAction("&Thoát", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&Xem")
        for index, info in enumerate(SECTIONS):
            action = QAction(info.title, self)
            if index < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, r=index: self.nav.setCurrentRow(r))
            view_menu.addAction(action)
        help_menu = self.menuBar().addMenu("Trợ &giúp")
        about = QAction("&Giới thiệu kcdesk", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        office = self.ctx.setting("office.code")
        location = self.ctx.db.display
        self.db_label = QLabel(f"CSDL: {location}")
        self.db_label.setObjectName("status_db")
        self.office_label = QLabel(f"Đơn vị: {office} · Người dùng: {self.ctx.actor.display_name}")
        self.office_label.setObjectName("status_office")
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.office_label)
        if self.demo:
            demo = QLabel(" DEMO ")
            demo.setStyleSheet("background:#b00020;color:white;font-weight:bold;")
            self.statusBar().addPermanentWidget(demo)

    def about_text(self) -> str:
        return (
            f"<h3>kcdesk {__version__}</h3>"
            "<p>Bàn làm việc của Trung tâm Khuyến công: đề án (Phụ lục II), thẩm định, "
            "danh mục đề án khuyến công, theo dõi chương trình khuyến công giai đoạn.</p>"
            f"<p>Cơ sở dữ liệu: {self.ctx.db.display}</p>"
            "<p>Phông chữ Liberation (giấy phép SIL OFL).</p>"
        )

    def show_about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setObjectName("about_box")
        box.setWindowTitle("Giới thiệu kcdesk")
        box.setText(self.about_text())
        box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
        box.show()
        return box

    def offer_draft_recovery(self) -> QMessageBox | None:
        """After a crash: offer to reopen proposals left unsaved in the wizard."""
        from kcdesk.ui.wizard.recovery import offer_recovery

        self.recovered_wizards: list[QWidget] = []
        return offer_recovery(self.ctx, self, self.recovered_wizards)  # type: ignore[arg-type]

    def closeEvent(self, event):  # noqa: N802, ANN001 (Qt override)
        # Let queued writes finish before the process ends: no half-done work.
        self.ctx.worker.wait(30_000)
        super().closeEvent(event)

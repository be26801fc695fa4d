"""The main window: navigation on the left, the chosen section on the right.

Importable without the database layer: the app shows the window's frame before it
imports SQLAlchemy and opens the database, then fills it (``MainWindow.attach``).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from kcdesk import paths
from kcdesk.ui import idle_gc, warm_up
from kcdesk.ui.screen_fit import clamp_to_screen, fit_window
from kcdesk.ui.sections import SECTIONS, SectionInfo, create_section

if TYPE_CHECKING:
    from kcdesk.models.db import Database
    from kcdesk.ui.app_context import AppContext

TITLE = "kcdesk — Bàn làm việc khuyến công"


class SectionStack(QStackedWidget):
    """The sections, sized by the section shown (a QStackedWidget asks every page).

    The scroll area around it scrolls when the *shown* section needs more room than
    the window has; a large section visited earlier must not make every other
    section scroll.
    """

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _i: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def heightForWidth(self, width: int) -> int:
        page = self.currentWidget()
        if page is None or not page.hasHeightForWidth():
            return -1
        return page.heightForWidth(width)


def _opening_placeholder() -> QLabel:
    """What the frame shows where its section will be, while the database opens."""
    label = QLabel("Đang mở dữ liệu…")
    label.setObjectName("opening_placeholder")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class MainWindow(QMainWindow):
    """Sections are built when first shown, so start-up stays fast.

    ``MainWindow(ctx)`` is the whole window. ``MainWindow()`` is its frame (title,
    navigation, menus) without a database: the app shows it first and calls
    ``attach`` once the database is open and the user logged in; until then no
    section is built (no event loop runs meanwhile, only modal dialogs).
    """

    ctx: AppContext

    def __init__(self, ctx: AppContext | None = None, *, demo: bool = False) -> None:
        super().__init__()
        self.demo = demo
        self.attached = False
        # Set by Tệp → Kết nối máy chủ…: the app reopens on it once this window closes.
        self.switch_to: Database | None = None
        self.setObjectName("main_window")
        self._set_title()
        fit_window(self, 1200, 760)
        self.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "kcdesk.png")))

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.stack = SectionStack()
        self._built: dict[str, QWidget] = {}
        self._shown = False
        for index, info in enumerate(SECTIONS):
            item = QListWidgetItem(info.title)
            item.setData(Qt.ItemDataRole.UserRole, info.key)
            item.setToolTip(f"{info.description} (Ctrl+{index + 1})")
            self.nav.addItem(item)
            self.stack.addWidget(QWidget() if ctx is not None else _opening_placeholder())
        self.nav.currentRowChanged.connect(self._show_row)

        # The navigation keeps one width (its longest title), whatever the section.
        self.nav.setFixedWidth(
            min(260, self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 16)
        )
        # A section wider or taller than a small screen (1366×768, or 150 % scaling)
        # scrolls inside the window instead of pushing the window past the screen.
        scroller = QScrollArea()
        scroller.setObjectName("section_scroller")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(self.stack)
        # A plain row, not a splitter: a splitter hands the fixed-width navigation
        # more room than it takes and leaves a blank band beside it.
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.nav)
        row.addWidget(scroller, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.nav.setCurrentRow(0)
        # The frame's menus act on a database it does not have yet (ui/start_wait.py).
        self.menuBar().setEnabled(False)
        if ctx is not None:
            self.attach(ctx, demo=demo)

    def attach(self, ctx: AppContext, *, demo: bool = False) -> None:
        """Fill the frame: the database, the user, the first section."""
        self.ctx = ctx
        self.demo = demo
        self.attached = True
        self._set_title()
        # Only on a server's database: back to this PC's own file, next starts too.
        self.local_action.setEnabled(ctx.db.is_server)
        self._build_status_bar()
        self.menuBar().setEnabled(True)
        self._show_row(self.nav.currentRow())
        self._started_up()

    def _set_title(self) -> None:
        self.setWindowTitle(f"[DEMO] {TITLE} — dữ liệu trình diễn" if self.demo else TITLE)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._started_up()

    def _started_up(self) -> None:
        """Once the window is both shown and filled (the frame is shown before the
        database layer is imported, ``attach`` fills it): after the next events,
        start-up is over."""
        if self._shown or not (self.attached and self.isVisible()):
            return
        self._shown = True
        QTimer.singleShot(0, self._first_shown)

    def _first_shown(self) -> None:
        # Start-up's objects frozen (ui/idle_gc.py), then, at the next idle turns, the
        # modules of the sections not opened yet (ui/warm_up.py).
        idle_gc.window_shown(QApplication.instance())
        warm_up.start(self)
        # The figures the dashboard opens on, computed on the worker meanwhile.
        from kcdesk.ui.dashboard import ahead as dashboard_ahead

        dashboard_ahead.start(self.ctx)

    # -- sections -------------------------------------------------------------
    def section_keys(self) -> list[str]:
        return [info.key for info in SECTIONS]

    def show_section(self, key: str) -> QWidget:
        row = self.section_keys().index(key)
        self.nav.setCurrentRow(row)
        return self._built[key]

    def _show_row(self, row: int) -> None:
        if row < 0 or not self.attached:
            return
        if self._shown:
            warm_up.hold()  # the clerk opened a section: its work first
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
        server_action = QAction("&Kết nối máy chủ…", self)
        server_action.setObjectName("connect_server")
        server_action.triggered.connect(self.connect_server)
        file_menu.addAction(server_action)
        local_action = self.local_action = QAction("Làm việc trên &máy này", self)
        local_action.setObjectName("use_local")
        local_action.setEnabled(False)  # enabled by attach on a server's database
        local_action.triggered.connect(self.use_local_database)
        file_menu.addAction(local_action)
        file_menu.addSeparator()
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
        guide = QAction("&Hướng dẫn sử dụng", self)
        guide.setObjectName("help_guide")
        guide.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1
        guide.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        guide.triggered.connect(self.show_guide)
        help_menu.addAction(guide)
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
        from kcdesk import __version__

        return (
            f"<h3>kcdesk {__version__}</h3>"
            "<p>Bàn làm việc của Trung tâm Khuyến công: đề án (Phụ lục II), thẩm định, "
            "danh mục đề án khuyến công, theo dõi chương trình khuyến công giai đoạn.</p>"
            f"<p>Cơ sở dữ liệu: {self.ctx.db.display}</p>"
            "<p>Phông chữ Liberation (giấy phép SIL OFL).</p>"
        )

    def connect_server(self) -> bool:
        """Tệp → Kết nối máy chủ…: connect, then reopen kcdesk on the server's database
        (log-in included) in place of this window; the choice is kept for next start."""
        from kcdesk.ui.settings.server_dialog import connect_to_server

        database = connect_to_server(self)
        if database is None:
            return False
        self.switch_to = database
        self.close()
        return True

    def use_local_database(self) -> bool:
        """Tệp → Làm việc trên máy này: forget the server, reopen kcdesk on this PC's
        database file (made on first use); the server's data stays on the server."""
        from PySide6.QtWidgets import QMessageBox

        from kcdesk import paths
        from kcdesk.services.setup import server_connection

        path = paths.default_database_path()
        answer = QMessageBox.question(
            self,
            "Làm việc trên máy này",
            f"Thôi dùng máy chủ và mở cơ sở dữ liệu trên máy này ({path})? Dữ liệu trên "
            "máy chủ vẫn giữ nguyên; có thể kết nối lại bằng Tệp → Kết nối máy chủ….",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        from kcdesk.app import open_working_database

        database = open_working_database(path)
        server_connection.forget()
        self.switch_to = database
        self.close()
        return True

    def current_section_key(self) -> str | None:
        row = self.nav.currentRow()
        return SECTIONS[row].key if 0 <= row < len(SECTIONS) else None

    def show_guide(self) -> QWidget:
        """F1: the guide at the page of the screen in front of the user."""
        from kcdesk.ui.help.viewer import show_guide

        active = QApplication.activeWindow()
        # A window other than this one (the wizard, a proposal) names its own page.
        key = active.property("help_key") if active is not None and active is not self else None
        self.guide = show_guide(self, str(key) if key else self.current_section_key())
        return self.guide

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

    # -- size -----------------------------------------------------------------
    @staticmethod
    def _ui_settings() -> QSettings:
        # In the per-user data folder, beside the database: not the registry/~/.config.
        return QSettings(str(paths.data_dir() / "giao-dien.ini"), QSettings.Format.IniFormat)

    def show_initial(self) -> None:
        """Open at the last size (pulled back inside today's screen), else maximised."""
        saved = self._ui_settings().value("main_window/geometry")
        if isinstance(saved, QByteArray) and self.restoreGeometry(saved):
            clamp_to_screen(self)
            self.show()
        else:
            self.showMaximized()

    def closeEvent(self, event):
        if not self.attached:  # the frame of a start that ended: nothing to keep
            super().closeEvent(event)
            return
        with contextlib.suppress(OSError):
            paths.data_dir().mkdir(parents=True, exist_ok=True)
            self._ui_settings().setValue("main_window/geometry", self.saveGeometry())
        # Queued writes finish before the process ends, with the event loop alive
        # (never "Not responding"): see kcdesk.ui.closing.
        from kcdesk.ui.closing import CloseGuard

        guard = getattr(self, "close_guard", None)
        if guard is None:
            guard = self.close_guard = CloseGuard(self, self.ctx)
        if guard.allow(event):
            super().closeEvent(event)

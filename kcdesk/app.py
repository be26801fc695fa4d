"""Starting the GUI: logging, Qt, fonts, Vietnamese stock texts, the database, the window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kcdesk import paths
from kcdesk.logsetup import setup_logging
from kcdesk.models.db import Database, DatabaseError, open_database
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.core import settings
from kcdesk.services.security.actor import SYSTEM, Actor
from kcdesk.services.setup import first_run as setup

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.background_lane import BackgroundLane

log = logging.getLogger(__name__)

DEMO_PROPOSALS = 300
DEMO_SEED = 2027
DEMO_YEAR = 2027


def open_demo_database(path: Path | None = None) -> Database:
    """The newcomer's database: presets plus demo proposals, made on first start."""
    path = path or paths.demo_database_path()
    fresh = not path.exists()
    db = open_database(path, create=True)
    setup.init_database(db)
    if fresh:
        setup.add_demo_data(db, proposals=DEMO_PROPOSALS, seed=DEMO_SEED, year=DEMO_YEAR)
    return db


def open_working_database(path: Path) -> Database:
    db = open_database(path, create=True)
    setup.init_database(db)
    return db


def _first_run_choice() -> str:
    """Ask whether to start a Centre's working database or look at the demo."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox()
    box.setWindowTitle("kcdesk — lần đầu sử dụng")
    box.setText(
        "Chưa có cơ sở dữ liệu làm việc trên máy này.\n\n"
        "• Tạo cơ sở dữ liệu làm việc: chỉ có các chương trình khuyến công mẫu, "
        "sẵn sàng nhập đề án thật.\n"
        "• Xem dữ liệu trình diễn: một cơ sở dữ liệu riêng có đề án mẫu để tìm hiểu."
    )
    work = box.addButton("Tạo cơ sở dữ liệu làm việc", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Xem dữ liệu trình diễn", QMessageBox.ButtonRole.ActionRole)
    box.exec()
    return "work" if box.clickedButton() is work else "demo"


def _log_in(db: Database, default: Actor) -> Actor | None:
    """Single-user mode (a personal PC) keeps ``default``; otherwise the log-in dialog.

    A server database is never single-user: everyone logs in, and the first person
    to open a new one creates its administrator (docs/server.md).
    """
    with db.session() as session:
        single_user = bool(settings.get(session, "app.single_user")) and db.is_sqlite
    if single_user:
        return default
    from kcdesk.ui.login_dialog import log_in

    return log_in(db)


def _schedule_auto_backup(db: Database, actor: Actor, lane: BackgroundLane) -> None:
    """The daily automatic backup on the background lane (never in front of the
    user's first print); checked again every hour."""
    from PySide6.QtCore import QTimer

    def run() -> None:
        lane.run(
            lambda: backup.auto_backup_if_due(db, actor),
            on_success=lambda info: log.info("automatic backup: %s", info and info.path),
            on_failure=lambda exc: log.warning("automatic backup failed: %s", exc),
        )

    QTimer.singleShot(2_000, run)
    timer = QTimer(lane)
    timer.setInterval(3_600_000)
    timer.timeout.connect(run)
    timer.start()


def _offer_restore(path: Path, exc: DatabaseError) -> Database | None:
    """The database file no longer opens: offer to restore it from a backup."""
    from PySide6.QtWidgets import QFileDialog

    from kcdesk.services.core.errors import UserError
    from kcdesk.ui import vi

    title = "kcdesk — không mở được cơ sở dữ liệu"
    if "://" in str(path) or not path.is_file():
        vi.warn(None, title, str(exc))
        return None
    if not vi.ask(None, title, f"{exc}\n\nKhôi phục cơ sở dữ liệu từ một bản sao lưu?"):
        return None
    name, _ = QFileDialog.getOpenFileName(
        None,
        "Chọn bản sao lưu kcdesk",
        str(paths.backups_dir()),
        "Bản sao lưu kcdesk (*.zip *.sqlite);;Tất cả tệp (*)",
    )
    if not name:
        return None
    try:
        # No account can be checked in a file that does not open; the damaged file
        # is kept in the backups folder, and log-in then uses the restored accounts.
        result = backup.restore_broken_database(path, Path(name), SYSTEM)
    except UserError as error:
        vi.warn(None, title, str(error))
        return None
    note = f"\n\n{result.key_note}" if result.key_note else ""
    vi.inform(None, "kcdesk", f"Đã khôi phục từ {Path(name).name}. Tệp hỏng được giữ ở "
              f"{result.safety_backup.path}.{note}")  # fmt: skip
    return result.database


def show_console_only(text: str) -> None:
    """The windowed exe was given a command: say so in a message box (no console)."""
    log.warning("command given to the windowed exe: %s", text)
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    QMessageBox.information(None, "kcdesk", text)


def _check_location(db_arg: str | None, demo: bool) -> bool:
    """A database on a share is refused, one in OneDrive warned about (False: stop)."""
    from kcdesk.services.core.db_location import check_database_location
    from kcdesk.services.core.errors import UserError
    from kcdesk.ui import vi

    if db_arg and "://" in db_arg:
        return True
    path = Path(db_arg) if db_arg else (
        paths.demo_database_path() if demo else paths.default_database_path()
    )  # fmt: skip
    try:
        warning = check_database_location(path.absolute())
    except UserError as exc:
        vi.warn(None, "kcdesk — không mở được cơ sở dữ liệu", str(exc))
        return False
    if warning:
        vi.warn(None, "kcdesk — cảnh báo", warning)
    return True


def _ask_organisation(ctx: AppContext, parent: QWidget) -> None:
    """First-run step: the organisation's names, while a letterhead would lack one."""
    from kcdesk.services.core import organisation
    from kcdesk.ui.settings.first_run_dialog import OrganisationDialog

    with ctx.db.session() as session:
        if organisation.is_configured(session):
            return
    OrganisationDialog(ctx, parent).exec()


def run_gui(db_arg: str | None = None, demo: bool = False, actor: Actor = SYSTEM) -> int:
    setup_logging()
    from PySide6.QtWidgets import QApplication

    from kcdesk.services.core.instance_lock import AlreadyRunning, InstanceLock
    from kcdesk.ui import fonts, vi

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("kcdesk")
    app.setOrganizationName("kcdesk")
    fonts.register_fonts()
    fonts.apply_ui_font(app)
    vi.install_translator(app)
    try:
        lock = InstanceLock(paths.data_dir()).acquire()
    except AlreadyRunning as exc:
        vi.inform(None, "kcdesk", str(exc))
        return 1
    except OSError as exc:  # an unwritable data folder: the database will say more
        log.warning("no instance lock: %s", exc)
        lock = None
    try:
        return _run_gui(app, db_arg, demo, actor)
    finally:
        if lock is not None:
            lock.release()


def _run_gui(app: QApplication, db_arg: str | None, demo: bool, actor: Actor) -> int:
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.crash import install_excepthook
    from kcdesk.ui.main_window import MainWindow

    install_excepthook()
    if not _check_location(db_arg, demo):
        return 2
    try:
        if db_arg:
            from kcdesk.services.setup.server_password import with_stored_password

            db = open_database(with_stored_password(db_arg))
        elif demo:
            db = open_demo_database()
        else:
            path = paths.default_database_path()
            if not path.exists() and _first_run_choice() == "demo":
                db, demo = open_demo_database(), True
            else:
                db = open_working_database(path)
        with db.session() as session:
            demo = demo or setup.is_demo(session)
    except DatabaseError as exc:
        log.error("cannot open database: %s", exc)
        restored = _offer_restore(Path(db_arg) if db_arg else paths.default_database_path(), exc)
        if restored is None:
            return 2
        db = restored

    logged_in = _log_in(db, actor)
    if logged_in is None:
        db.dispose()
        return 0
    from kcdesk.ui.audit_key_dialog import QUIT, ask_for_key

    # A database whose audit key is not on this PC (a new workstation on a server, a
    # copied file): said at once, with the way to import it (docs/server.md#audit-key).
    if ask_for_key(db, logged_in) == QUIT:
        db.dispose()
        return 0
    ctx = AppContext(db, logged_in)
    window = MainWindow(ctx, demo=demo)
    window.show_initial()
    log.info("main window shown")  # the Windows workflow's smoke test looks for it
    if db.is_server:
        from kcdesk.ui.remote_changes import RemoteChangeWatcher

        # Other workstations' saves appear within a few seconds (docs/server.md).
        RemoteChangeWatcher(ctx).start()
    if not demo and not os.environ.get("KCDESK_EXIT_AFTER_SHOW"):
        _ask_organisation(ctx, window)
    if not demo and not os.environ.get("KCDESK_EXIT_AFTER_SHOW"):
        _schedule_auto_backup(db, logged_in, ctx.background)
    if not os.environ.get("KCDESK_EXIT_AFTER_SHOW"):
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, window.offer_draft_recovery)
    if os.environ.get("KCDESK_EXIT_AFTER_SHOW"):
        # Start-up measurement and smoke tests: show the window, then leave.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, app.quit)
    code = app.exec()
    # The window is gone: whatever the worker still does finishes out of sight.
    ctx.worker.wait()
    db.dispose()
    return int(code)

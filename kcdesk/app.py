"""Starting the GUI: logging, Qt, fonts, Vietnamese stock texts, the database, the window.

The main window's frame (title, navigation, menus) is shown before the database layer
is imported and the database opened; the log-in and audit-key dialogs open over it,
and the window is filled (``MainWindow.attach``) once they pass. SQLAlchemy and the
models are imported by the functions that need them, not at this module's import.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kcdesk import paths
from kcdesk.logsetup import setup_logging

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from kcdesk.models.db import Database, DatabaseError
    from kcdesk.services.security.actor import Actor
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.background_lane import BackgroundLane
    from kcdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

DEMO_PROPOSALS = 300
DEMO_SEED = 2027
DEMO_YEAR = 2027


def open_demo_shell(path: Path | None = None) -> tuple[Database, bool]:
    """The demo database with its presets, and whether its demo proposals are still
    to be made (``add_demo_proposals``): a first start, or one stopped while making
    them (they are written in one transaction, which marks the database as demo)."""
    from kcdesk.models.db import open_database
    from kcdesk.services.setup import first_run as setup

    db = open_database(path or paths.demo_database_path(), create=True)
    setup.init_database(db)
    with db.session() as session:
        pending = not setup.is_demo(session)
    return db, pending


def add_demo_proposals(db: Database) -> None:
    from kcdesk.services.setup import first_run as setup

    setup.add_demo_data(db, proposals=DEMO_PROPOSALS, seed=DEMO_SEED, year=DEMO_YEAR)


def open_working_database(path: Path) -> Database:
    from kcdesk.models.db import open_database
    from kcdesk.services.setup import first_run as setup

    db = open_database(path, create=True)
    setup.init_database(db)
    return db


def _first_run_choice() -> str:
    """Ask whether to start a Centre's working database, connect to the Centre's
    server, or look at the demo ("work", "server" or "demo")."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox()
    box.setWindowTitle("kcdesk — lần đầu sử dụng")
    box.setText(
        "Chưa có cơ sở dữ liệu làm việc trên máy này.\n\n"
        "• Tạo cơ sở dữ liệu làm việc: chỉ có các chương trình khuyến công mẫu, "
        "sẵn sàng nhập đề án thật.\n"
        "• Kết nối máy chủ: Trung tâm dùng chung một máy chủ PostgreSQL cho nhiều máy.\n"
        "• Xem dữ liệu trình diễn: một cơ sở dữ liệu riêng có đề án mẫu để tìm hiểu."
    )
    work = box.addButton("Tạo cơ sở dữ liệu làm việc", QMessageBox.ButtonRole.AcceptRole)
    server = box.addButton("Kết nối máy chủ…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Xem dữ liệu trình diễn", QMessageBox.ButtonRole.ActionRole)
    box.exec()
    clicked = box.clickedButton()
    return "work" if clicked is work else "server" if clicked is server else "demo"


def open_remembered_server() -> Database | None:
    """The server this workstation chose last time (docs/server.md), or None.

    Connects with the keyring's or the pgpass file's password; when that is refused
    (a password to type, an unreachable host, an older schema) the connection form
    opens with the one-line reason, and cancelling it ends the start.
    """
    from kcdesk.services.setup import server_connection as sc
    from kcdesk.ui.settings.server_dialog import connect_to_server
    from kcdesk.ui.start_wait import run_responsive

    remembered = sc.remembered()
    if remembered is None:
        return None
    try:
        # Up to the connection timeout: the window's frame stays alive meanwhile.
        return run_responsive(lambda: sc.open_server(remembered))
    except sc.ConnectionRefused as exc:
        return connect_to_server(initial=remembered, message=str(exc))


def _open_start_database(db_arg: str | None, demo: bool) -> tuple[Database, bool, bool] | None:
    """The database this start opens, whether it is the demo, and whether the demo's
    proposals are still to be made behind the window; None: the user cancelled.
    A ``--db`` argument wins over the remembered server."""
    from kcdesk.services.setup import server_connection as sc

    if db_arg:
        from kcdesk.models.db import open_database
        from kcdesk.services.setup.server_password import with_stored_password
        from kcdesk.ui.start_wait import run_responsive

        url = with_stored_password(db_arg)
        if "://" in url and not url.startswith("sqlite"):  # a server: it may not answer
            return run_responsive(lambda: open_database(url)), demo, False
        return open_database(url), demo, False
    if demo:
        return _demo_start()
    if sc.remembered() is not None:
        server_db = open_remembered_server()
        return (server_db, False, False) if server_db is not None else None
    path = paths.default_database_path()
    if not path.exists():
        choice = _first_run_choice()
        if choice == "demo":
            return _demo_start()
        if choice == "server":
            from kcdesk.ui.settings.server_dialog import connect_to_server

            server_db = connect_to_server()
            return (server_db, False, False) if server_db is not None else None
    return open_working_database(path), False, False


def _demo_start() -> tuple[Database, bool, bool]:
    db, pending = open_demo_shell()
    return db, True, pending


def _log_in(db: Database, default: Actor) -> Actor | None:
    """Single-user mode (a personal PC) keeps ``default``; otherwise the log-in dialog.

    A server database is never single-user: everyone logs in, and the first person
    to open a new one creates its administrator (docs/server.md).
    """
    from kcdesk.services.core import settings

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

    from kcdesk.services.backup import auto_backup  # not on the start path

    def run() -> None:
        lane.run(
            lambda: auto_backup.auto_backup_if_due(db, actor),
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

    from kcdesk.services.backup import backup_restore as backup
    from kcdesk.services.core.errors import UserError
    from kcdesk.services.security.actor import SYSTEM
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
    """First-run step: the organisation's names, while a letterhead would lack one or
    a merge's new province was not checked yet."""
    from kcdesk.services.core import organisation
    from kcdesk.services.merge import followup
    from kcdesk.ui.settings.first_run_dialog import OrganisationDialog

    with ctx.db.session() as session:
        configured = organisation.is_configured(session)
        # After a merge: asked once for the new province's names and signers.
        merged = followup.pending(session)
        after_merge = merged.origin_label if merged is not None else None
    if configured and after_merge is None:
        return
    OrganisationDialog(ctx, parent, after_merge=after_merge).exec()


def run_gui(db_arg: str | None = None, demo: bool = False, actor: Actor | None = None) -> int:
    """The GUI until its window closes; ``actor`` (default: the system actor) is who
    a single-user database works as."""
    setup_logging()
    from PySide6.QtWidgets import QApplication

    from kcdesk.services.core.instance_lock import AlreadyRunning, InstanceLock
    from kcdesk.ui import fonts, idle_gc, vi

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
    collector = idle_gc.install(app)  # full collections between actions, not inside them
    try:
        return _run_gui(app, db_arg, demo, actor)
    finally:
        collector.uninstall()
        if lock is not None:
            lock.release()


def _show_frame(app: QApplication, demo: bool) -> MainWindow:
    """The main window's frame, shown and painted before the database layer is
    imported (the start's SQLAlchemy and models cost several times Qt's own start);
    ``MainWindow.attach`` fills it once the database is open and the user logged in."""
    from kcdesk.ui.main_window import MainWindow

    frame = MainWindow(demo=demo)
    frame.show_initial()
    app.processEvents()  # painted now: what follows runs without the event loop
    return frame


def _discard(frame: MainWindow | None) -> None:
    """The start ended before the window was filled (cancelled, refused): the frame goes."""
    if frame is not None:
        frame.hide()
        frame.deleteLater()


def _run_gui(app: QApplication, db_arg: str | None, demo: bool, actor: Actor | None) -> int:
    from kcdesk.ui.crash import install_excepthook

    install_excepthook()
    if not _check_location(db_arg, demo):
        return 2
    frame: MainWindow | None = _show_frame(app, demo)
    from kcdesk.models.db import DatabaseError
    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.services.setup import first_run as setup

    actor = SYSTEM if actor is None else actor
    demo_pending = False
    try:
        opened = _open_start_database(db_arg, demo)
        if opened is None:
            _discard(frame)
            return 0
        db, demo, demo_pending = opened
        # The frame closed by the user while a server was awaited (ui/start_wait.py).
        if frame is not None and not frame.isVisible():
            db.dispose()
            _discard(frame)
            return 0
        with db.session() as session:
            demo = demo or setup.is_demo(session)
    except DatabaseError as exc:
        log.error("cannot open database: %s", exc)
        restored = _offer_restore(Path(db_arg) if db_arg else paths.default_database_path(), exc)
        if restored is None:
            _discard(frame)
            return 2
        db = restored

    while True:
        code, next_db = _run_window(app, db, demo, actor, demo_pending=demo_pending, frame=frame)
        demo_pending = False
        frame = None
        if next_db is None:
            return code
        # Tệp → Kết nối máy chủ…: the window closed; the same process opens the server.
        db, demo = next_db, False


def _run_window(
    app: QApplication,
    db: Database,
    demo: bool,
    actor: Actor,
    *,
    demo_pending: bool = False,
    frame: MainWindow | None = None,
) -> tuple[int, Database | None]:
    """Log in, show the main window until it closes (``frame``: the one shown before
    the database was opened, filled here); returns the exit code and the server
    database the user connected to from the File menu, if any."""
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.main_window import MainWindow

    logged_in = _log_in(db, actor)
    if logged_in is None:
        _discard(frame)
        db.dispose()
        return 0, None
    from kcdesk.ui.audit_key_dialog import QUIT, ask_for_key

    # A database whose audit key is not on this PC (a new workstation on a server, a
    # copied file): said at once, with the way to import it (docs/server.md#audit-key).
    if ask_for_key(db, logged_in) == QUIT:
        _discard(frame)
        db.dispose()
        return 0, None
    ctx = AppContext(db, logged_in)
    if frame is not None:
        window = frame
        window.attach(ctx, demo=demo)
    else:
        window = MainWindow(ctx, demo=demo)
        window.show_initial()
    log.info("main window shown")  # the Windows workflow's smoke test looks for it
    if demo_pending:
        # The window first, the demo proposals behind it (ui/demo_builder.py): a
        # first start showed nothing for 5-10 s while they were made.
        from kcdesk.ui.demo_builder import build_demo_in_background

        build_demo_in_background(ctx, window, lambda: add_demo_proposals(db), DEMO_PROPOSALS)
    if db.is_server:
        from kcdesk.ui.remote_changes import RemoteChangeWatcher

        # Other workstations' saves appear within a few seconds (docs/server.md).
        RemoteChangeWatcher(ctx).start()
    leave_after_show = bool(os.environ.get("KCDESK_EXIT_AFTER_SHOW"))
    if not demo and not leave_after_show:
        _ask_organisation(ctx, window)
        _schedule_auto_backup(db, logged_in, ctx.background)
    if not leave_after_show:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, window.offer_draft_recovery)
    else:
        # Start-up measurement and smoke tests: show the window, then leave. exit(), not
        # quit(): quit asks every top-level window to close and is dropped when one
        # refuses (a window finishing its work waits, ui/closing.py), and the event loop
        # then ran on with nobody to end it.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: app.exit(0))
    code = app.exec()
    # The window is gone: whatever the worker still does finishes out of sight.
    ctx.worker.wait()
    if leave_after_show:
        window.close()  # its work is done, so the close guard lets it go now
    db.dispose()
    return int(code), window.switch_to

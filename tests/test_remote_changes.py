"""Another workstation's save reaches this window's register without a restart."""

from __future__ import annotations

from kcdesk.models.db import Database, open_database
from kcdesk.services.core import settings
from kcdesk.services.core.changes import change_mark
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.remote_changes import RemoteChangeWatcher


def test_another_workstations_save_is_noticed(qtbot, db: Database) -> None:
    ctx = AppContext(db, SYSTEM)
    watcher = RemoteChangeWatcher(ctx, interval_ms=50)
    kinds: list[str] = []
    ctx.data_changed.connect(kinds.append)
    watcher.start()
    qtbot.waitUntil(lambda: watcher.last is not None, timeout=10_000)
    assert kinds == []  # nothing changed yet: no refresh
    other = open_database(db.url)  # the other PC, its own connection
    try:
        with other.session() as s:
            settings.put(s, SYSTEM, "org.province", "Lạng Sơn")
            mark = None
        with other.session() as s:
            mark = change_mark(s)
    finally:
        other.dispose()
    with qtbot.waitSignal(ctx.data_changed, timeout=10_000) as signal:
        pass
    assert signal.args == ["remote"] and watcher.last == mark
    watcher.stop()
    ctx.worker.wait()


def test_own_saves_are_not_refreshed_twice(qtbot, db: Database) -> None:
    ctx = AppContext(db, SYSTEM)
    watcher = RemoteChangeWatcher(ctx, interval_ms=50)
    watcher.start()
    qtbot.waitUntil(lambda: watcher.last is not None, timeout=10_000)
    kinds: list[str] = []
    ctx.data_changed.connect(kinds.append)
    with db.session() as s:
        settings.put(s, SYSTEM, "org.province", "Cao Bằng")
    ctx.notify("proposal")  # this window's own save, announced as usual
    qtbot.waitUntil(lambda: watcher.last is not None, timeout=10_000)
    watcher.poll()
    qtbot.wait(200)
    assert kinds == ["proposal"]
    watcher.stop()
    ctx.worker.wait()

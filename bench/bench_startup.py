"""Cold start and peak memory of the app process (offscreen, fresh processes).

cold_start_s: a fresh ``kcdesk --db DB`` process until its main window is shown and
the event loop has run (KCDESK_EXIT_AFTER_SHOW): the child says so on stdout the
moment the event loop turns after ``show()``, and the parent stops its clock on that
line (median of several runs). The app shows the window's frame (title, navigation,
menus) before it opens the database, and fills it after the log-in
(``MainWindow.attach``): cold_start_ready_s is the time to the first turn of the
event loop after that, the first section built (what cold_start_s measured before
the frame came first). Background work the window started (the register's rows, the
attention panel's queries) goes on after that and is not counted; the time to the
process's exit, which waits for it, is reported as cold_start_exit_s. Floor
cold_start_floor_s: a fresh process showing a bare QMainWindow, timed the same way.
peak_rss_mb: peak resident memory of a process with the register (the "Đề án"
section) open on the database and scrolled to the end.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLOOR_SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.show()
QTimer.singleShot(0, lambda: print("SHOWN", flush=True))
QTimer.singleShot(0, app.quit)
app.exec()
"""

# ``kcdesk --db DB`` itself (same imports, same order), saying when its window is up
# and when it is filled: the app quits on the first turn of the event loop after the
# window is filled (KCDESK_EXIT_AFTER_SHOW).
APP_SCRIPT = """
import sys
from kcdesk.cli.main import main
from kcdesk.ui import main_window
# show_initial, not show: a data folder without saved geometry opens maximised.
_show = main_window.MainWindow.show_initial
def show(self):
    _show(self)
    # Fires on the next turn of the event loop (the app paints the frame at once;
    # queued before the app's own quit timer otherwise: Qt 6's quit() closes the
    # windows first, and closing waits for the worker).
    from PySide6.QtCore import QTimer
    QTimer.singleShot(0, lambda: print("SHOWN", flush=True))
main_window.MainWindow.show_initial = show
_attach = main_window.MainWindow.attach
def attach(self, *args, **kwargs):
    _attach(self, *args, **kwargs)
    from PySide6.QtCore import QTimer
    QTimer.singleShot(0, lambda: print("READY", flush=True))
main_window.MainWindow.attach = attach
sys.exit(main(sys.argv[1:]))
"""

REGISTER_SCRIPT = """
import json, resource, sys
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QApplication
from kcdesk.models.db import open_database
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui import fonts
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.main_window import MainWindow
app = QApplication(sys.argv[:1])
fonts.register_fonts()
db = open_database(sys.argv[1])
ctx = AppContext(db, SYSTEM)
w = MainWindow(ctx); w.show()
section = w.show_section("proposals")
def settle():
    # The register loads in the worker: wait for it and deliver its results.
    for _ in range(5):
        ctx.worker.wait(); app.processEvents()
settle()
views = section.findChildren(QAbstractItemView)
rows = 0
for view in views:
    model = view.model()
    if model is None:
        continue
    rows = max(rows, model.rowCount())
    bar = view.verticalScrollBar()
    for step in range(6):  # jump through the list, as dragging the scroll bar does
        bar.setValue(bar.maximum() * step // 5); app.processEvents()
    view.scrollToBottom(); app.processEvents()
    view.scrollToTop(); app.processEvents()
settle()
print(json.dumps({"rows": rows, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _env() -> dict[str, str]:
    return dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        KCDESK_EXIT_AFTER_SHOW="1",
        KCDESK_DATA_DIR=str(Path(__file__).parent / "cache" / "data"),
    )


def _timed(argv: list[str]) -> tuple[float, float, float | None]:
    """Seconds from spawning ``argv`` to its "SHOWN" line, to its exit, and to its
    "READY" line (None: it printed none)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    shown = ready = None
    for line in proc.stdout:
        if line.strip() == "SHOWN" and shown is None:
            shown = time.perf_counter() - t0
        elif line.strip() == "READY" and ready is None:
            ready = time.perf_counter() - t0
    code = proc.wait()
    done = time.perf_counter() - t0
    if code != 0 or shown is None:
        raise RuntimeError(f"{argv[:3]}… exited {code} without showing its window")
    return shown, done, ready


def cold_start(db: Path, repeat: int = 5) -> dict[str, float]:
    app = [sys.executable, "-c", APP_SCRIPT, "--db", str(db)]
    floor = [sys.executable, "-c", FLOOR_SCRIPT]
    _timed(app), _timed(floor)  # warm the OS file cache
    apps, readies, exits, floors = [], [], [], []
    for _ in range(repeat):
        shown, done, ready = _timed(app)
        if ready is None:
            raise RuntimeError("kcdesk showed its window but never filled it")
        apps.append(shown)
        readies.append(ready)
        exits.append(done)
        floors.append(_timed(floor)[0])
    return {
        "cold_start_s": statistics.median(apps),
        "cold_start_ready_s": statistics.median(readies),
        "cold_start_floor_s": statistics.median(floors),
        "cold_start_exit_s": statistics.median(exits),
    }


def peak_rss(db: Path) -> dict[str, float | None]:
    proc = subprocess.run(
        [sys.executable, "-c", REGISTER_SCRIPT, str(db)],
        check=True,
        env=_env(),
        capture_output=True,
        text=True,
    )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"peak_rss_mb": data["peak_rss_mb"], "register_rows": data["rows"]}


if __name__ == "__main__":
    from bench.common import cached_db

    path = cached_db(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
    print(json.dumps({**cold_start(path), **peak_rss(path)}, indent=2))

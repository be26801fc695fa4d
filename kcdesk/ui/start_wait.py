"""Waiting for a server at start-up with the window's frame alive (chờ kết nối máy chủ).

The app shows its window's frame before it opens the database (``kcdesk/app.py``).
Connecting to a server that does not answer takes up to the connection timeout
(10 s, ``models.db.SERVER_CONNECT_TIMEOUT_S``); with the work on the interface
thread the frame neither repainted nor answered for that long, and Windows marks
such a window "Not responding" after 5 s. :func:`run_responsive` does the work on a
plain thread of its own and turns the event loop meanwhile: the frame repaints, can
be moved, and can be closed (which ends the start). Its menus stay off until the
window is filled (``MainWindow.attach``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

T = TypeVar("T")

#: How often (ms) the waiting loop looks whether the work is done.
POLL_MS = 20


def run_responsive(work: Callable[[], T]) -> T:
    """``work()`` on a thread of its own while the event loop turns; its result, or
    its exception raised here, on the interface thread, as if it had run here.

    ``work`` must not touch widgets (it runs off the interface thread): opening a
    server's database does not.
    """
    if QCoreApplication.instance() is None:  # no event loop to keep alive (scripts)
        return work()
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the interface thread below
            failure.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=run, name="kcdesk-start-wait", daemon=True)
    thread.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(lambda: loop.quit() if done.is_set() else None)
    timer.start()
    while not done.is_set():
        loop.exec()
    timer.stop()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]

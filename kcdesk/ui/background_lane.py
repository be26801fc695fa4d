"""A low-priority lane beside the worker, for the automatic backup (sao lưu tự động).

The daily backup copies the database and every attachment: on an old office PC that
takes a minute. On the one worker it made the first print of the morning wait
behind it. It only reads the database (SQLite's backup API is a reader, and WAL lets
the worker write meanwhile) and writes one row at the end, which waits on SQLite's
busy timeout like any second writer. It runs on a daemon thread: closing the app
never waits for it beyond a short bound (``kcdesk.ui.closing``); a backup cut off
that way leaves only its work folder, removed at the next start, and is taken again
because only a finished backup counts for the day.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class BackgroundLane(QObject):
    """Runs one job at a time on a daemon thread; results come back on the UI thread."""

    busy_changed = Signal(bool)
    _finished = Signal(object, object, bool)  # callback, value, failed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def run(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """Start ``fn`` unless a job is running (False then: nothing started)."""
        if self._thread is not None:
            return False

        def work() -> None:
            try:
                value, callback, failed = fn(), on_success, False
            except BaseException as exc:  # delivered to on_failure
                value, callback, failed = exc, on_failure, True
            with contextlib.suppress(RuntimeError):  # the app is going away
                self._finished.emit(callback, value, failed)

        self._thread = threading.Thread(target=work, name="kcdesk-background", daemon=True)
        self.busy_changed.emit(True)
        self._thread.start()
        return True

    def wait(self, seconds: float) -> bool:
        """Wait at most ``seconds`` for the running job (tests); True when none runs."""
        thread = self._thread
        if thread is not None:
            thread.join(seconds)
        return thread is None or not thread.is_alive()

    def _deliver(self, callback: Any, value: Any, failed: bool) -> None:
        self._thread = None
        self.busy_changed.emit(False)
        if callback is not None:
            callback(value)
        elif failed:
            log.error("background job failed: %s", value)

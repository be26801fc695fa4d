"""One background worker for database and file work (SQLite likes a single writer).

Like Anki's ``QueryOp``: ``worker.run(fn, on_success, on_failure)`` runs ``fn(job)``
off the UI thread; its result or exception comes back on the main thread. ``job``
lets long work report progress and notice a cancel request.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


@dataclass
class Job:
    """Handed to the work function: progress reporting and cancellation."""

    id: int
    _cancel: threading.Event = field(default_factory=threading.Event)
    _progress: Callable[[int, int, str], None] | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._progress is not None:
            self._progress(done, total, text)


class _Signals(QObject):
    succeeded = Signal(int, object)
    failed = Signal(int, object, str)
    progressed = Signal(int, int, int, str)


class _Task(QRunnable):
    def __init__(self, job: Job, fn: Callable[[Job], Any], signals: _Signals) -> None:
        super().__init__()
        self.job, self.fn, self.signals = job, fn, signals

    def run(self) -> None:
        try:
            result = self.fn(self.job)
        except BaseException as exc:  # delivered to the caller's on_failure
            self.signals.failed.emit(self.job.id, exc, traceback.format_exc())
        else:
            self.signals.succeeded.emit(self.job.id, result)


class Worker(QObject):
    """Runs jobs one at a time on a single background thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.succeeded.connect(self._on_succeeded)
        self._signals.failed.connect(self._on_failed)
        self._signals.progressed.connect(self._on_progress)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Any, Any, Any]] = {}

    def run(
        self,
        fn: Callable[[Job], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Job:
        job = Job(next(self._ids))
        job._progress = lambda d, t, s: self._signals.progressed.emit(job.id, d, t, s)
        self._callbacks[job.id] = (on_success, on_failure, on_progress)
        if len(self._callbacks) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Task(job, fn, self._signals))
        return job

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the queue is empty (shutdown and tests)."""
        return bool(self._pool.waitForDone(msecs))

    def _finish(self, job_id: int) -> tuple[Any, Any, Any]:
        callbacks = self._callbacks.pop(job_id, (None, None, None))
        if not self._callbacks:
            self.busy_changed.emit(False)
        return callbacks

    def _on_succeeded(self, job_id: int, result: object) -> None:
        on_success, _f, _p = self._finish(job_id)
        if on_success is not None:
            on_success(result)

    def _on_failed(self, job_id: int, exc: BaseException, details: str) -> None:
        _s, on_failure, _p = self._finish(job_id)
        if on_failure is not None:
            on_failure(exc)
        else:
            log.error("background job failed:\n%s", details)
            raise exc

    def _on_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        callbacks = self._callbacks.get(job_id)
        if callbacks and callbacks[2] is not None:
            callbacks[2](done, total, text)

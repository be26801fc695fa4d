"""Another workstation's saves appear without a restart (server mode, docs/server.md).

A timer asks the database for its change mark (``services.core.changes``) every few
seconds, on the worker so a slow network never freezes the window; when the mark
moved and this window did not make the change, ``data_changed("remote")`` makes the
register, dashboard and attention panel read again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from kcdesk.services.core.changes import change_mark
from kcdesk.ui.app_context import AppContext, DataKind

POLL_MS = 3_000


class RemoteChangeWatcher(QObject):
    def __init__(self, ctx: AppContext, interval_ms: int = POLL_MS) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.last: int | None = None
        self._asking = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        # This window's own saves also move the mark: take it in, don't refresh twice.
        ctx.data_changed.connect(self._local_change)

    def start(self) -> None:
        self.timer.start()
        self.poll()

    def stop(self) -> None:
        self.timer.stop()

    def _read(self, _job: object) -> int:
        with self.ctx.db.session() as session:
            return change_mark(session)

    def poll(self) -> None:
        if self._asking or self.ctx.worker.busy:
            return  # the user's own work goes first; ask on the next tick
        self._asking = True
        self.ctx.worker.run(self._read, on_success=self._seen, on_failure=self._failed)

    def _seen(self, mark: object) -> None:
        self._asking = False
        assert isinstance(mark, int)
        before, self.last = self.last, mark
        if before is not None and mark != before:
            self.ctx.notify(DataKind.REMOTE)

    def _failed(self, _exc: BaseException) -> None:
        self._asking = False  # a dropped connection: try again on the next tick

    def _local_change(self, kind: str) -> None:
        if kind != DataKind.REMOTE:
            self.last = None  # re-read quietly; the local screens already refreshed

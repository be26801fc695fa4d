"""What every screen gets: the database, the acting user, the worker, change signals."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, Signal

from kcdesk.models.db import Database
from kcdesk.services.core import settings
from kcdesk.services.security.actor import Actor
from kcdesk.ui.background_lane import BackgroundLane
from kcdesk.ui.worker import Worker


class DataKind(StrEnum):
    """What changed (loại dữ liệu vừa đổi): screens refresh on the kinds they show."""

    PROPOSAL = "proposal"
    PROGRAMME = "programme"
    APPRAISAL = "appraisal"
    CATALOGUE = "catalogue"
    IMPLEMENTATION = "implementation"
    EXCHANGE = "exchange"
    SETTINGS = "settings"
    AMENDMENT = "amendment"
    REMOTE = "remote"  # another workstation saved something (server mode)


class AppContext(QObject):
    """Passed explicitly to windows and sections (no global singleton).

    ``data_changed`` carries the :class:`DataKind` that changed (a ``str``
    enum, so the signal stays ``Signal(str)``) and lists and the dashboard refresh themselves.
    """

    data_changed = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.worker = Worker(self)
        # The automatic backup runs here, so it never delays the user's own work.
        self.background = BackgroundLane(self)

    def setting(self, key: str) -> Any:
        with self.db.session() as session:
            return settings.get(session, key)

    def notify(self, kind: DataKind) -> None:
        self.data_changed.emit(kind)

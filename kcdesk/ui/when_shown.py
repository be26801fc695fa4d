"""Reload a section's panel when it is on screen, or else the next time it is shown.

A save notifies every open section (``AppContext.data_changed``); a section the user
is not looking at reloading its whole list behind the wizard made the save's
aftermath grow with the database (issue 24: 32 s at 100,000 proposals). A hidden panel
is only marked out of date here and reloads once, when it is shown again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class WhenShown(QObject):
    """Call it instead of ``reload()``: now if ``widget`` is visible, else on its next show."""

    def __init__(self, widget: QWidget, reload: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._reload = reload
        self.stale = False
        widget.installEventFilter(self)

    def __call__(self) -> None:
        if self._widget.isVisible():
            self.stale = False
            self._reload()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self._reload()
        return False

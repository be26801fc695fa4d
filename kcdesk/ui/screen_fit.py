"""Window and dialog sizes from the screen's available geometry (vừa màn hình).

An office laptop at 1366×768 — or a larger screen at 150 % scaling, some 910×512
logical pixels — has less room than the sizes windows ask for: a dialog taller than
the screen hides its buttons below the taskbar. Every window and dialog asks this
module for its size: the size it would like, shrunk to the available area less the
window frame, and placed inside that area.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room the window manager's frame takes (title bar and borders) before the first
# show, when Qt cannot tell it yet.
FRAME = QSize(16, 40)


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The usable area (taskbar excluded) of the screen ``widget`` is on, or the primary."""
    screen = None
    while widget is not None and screen is None:
        screen = widget.screen() if widget.isWindow() or widget.parentWidget() is None else None
        widget = widget.parentWidget()
    screen = screen or QGuiApplication.primaryScreen()
    if screen is None:  # no screen at all (should not happen): do not shrink
        return QRect(0, 0, 1 << 14, 1 << 14)
    return screen.availableGeometry()


def fitted_size(wanted: QSize, area: QRect) -> QSize:
    """``wanted`` shrunk so that it and its frame fit inside ``area``."""
    return QSize(
        max(200, min(wanted.width(), area.width() - FRAME.width())),
        max(150, min(wanted.height(), area.height() - FRAME.height())),
    )


class _KeepOnScreen(QObject):
    """Fits the window again when it is shown: some windows (QWizard) grow to their
    pages' preferred size on show, and the frame is only known by then."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and not (watched.isMaximized() or watched.isFullScreen())
        ):
            _place(watched, watched.size())
        return False


def _place(window: QWidget, wanted: QSize) -> QSize:
    area = available_geometry(window.parentWidget() or window)
    size = fitted_size(wanted, area)
    if window.size() != size:
        window.resize(size)
    frame = window.frameGeometry()
    extra_w = max(FRAME.width(), frame.width() - window.width())
    extra_h = max(FRAME.height(), frame.height() - window.height())
    x = area.x() + max(0, (area.width() - size.width() - extra_w) // 2)
    y = area.y() + max(0, (area.height() - size.height() - extra_h) // 2)
    window.move(x, y)
    return size


def fit_window(window: QWidget, width: int, height: int) -> QSize:
    """Resize ``window`` to ``width``×``height`` or less, and move it inside the screen."""
    size = _place(window, QSize(width, height))
    if window.property("screen_fit") is None:
        keeper = _KeepOnScreen(window)
        window.installEventFilter(keeper)
        window.setProperty("screen_fit", True)
    return size


def clamp_to_screen(window: QWidget) -> None:
    """After restoring a saved size: pull the window back inside today's screen."""
    fit_window(window, window.width(), window.height())

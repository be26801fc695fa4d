"""The proposal register (sổ đăng ký đề án): lazy table model, filters, dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject


def if_alive(owner: QObject, fn: Callable[..., Any]) -> Callable[..., None]:
    """Wrap a worker callback so it is dropped if ``owner`` was deleted meanwhile.

    A job finishes on the worker thread; its result arrives through the event loop,
    possibly after the widget that asked for it was closed.
    """

    def call(*args: Any) -> None:
        if shiboken6.isValid(owner):
            fn(*args)

    return call

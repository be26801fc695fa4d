"""Inline messages: where a screen says what happened or why a rule refused.

Shown in a label next to the work, never as a modal box, so the user keeps typing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

ERROR_STYLE = "color: #b71c1c;"
OK_STYLE = "color: #1b5e20;"


def message_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def say(label: QLabel, text: str, *, error: bool = False) -> None:
    label.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
    label.setProperty("is_error", error)
    label.setText(text)

"""Shared bits of the settings panels: a message line for results and refusals."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


class MessageLine(QLabel):
    """One line that says what happened: green when done, red when refused."""

    def __init__(self, name: str) -> None:
        super().__init__("")
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ok = True

    def done(self, text: str) -> None:
        self.ok = True
        self.setStyleSheet("color:#1b5e20;")
        self.setText(text)

    def refused(self, text: str) -> None:
        self.ok = False
        self.setStyleSheet("color:#b00020;")
        self.setText(text)

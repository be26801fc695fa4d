"""Register the bundled fonts so text never falls back to boxes.

See docs/architecture.md#known-traps-of-the-stack.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kcdesk import paths

UI_FAMILY = "Liberation Sans"
DOCUMENT_FAMILY = "Liberation Serif"


def register_fonts() -> list[str]:
    """Add every bundled TTF to Qt's font database; returns the families found."""
    families: set[str] = set()
    for ttf in sorted((paths.resources_dir() / "fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(ttf))
        if font_id >= 0:
            families.update(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(families)


def apply_ui_font(app: QApplication, point_size: int = 10) -> None:
    font = QFont(UI_FAMILY, point_size)
    app.setFont(font)

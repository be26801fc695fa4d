"""Small shared pieces of the appraisal screens: messages and optional dates."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLineEdit, QWidget

from kcdesk.formatting import format_date, parse_date
from kcdesk.ui.messages import ERROR_STYLE, OK_STYLE, message_label, say  # noqa: F401


def date_field(name: str, parent: QWidget | None = None) -> QLineEdit:
    """A day-first date that may stay empty (dd/mm/yyyy)."""
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setPlaceholderText("dd/mm/yyyy")
    return edit


def read_date(edit: QLineEdit, what: str) -> date | None:
    """The typed date or None; ValueError naming the field when it cannot be read."""
    text = edit.text().strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from exc


def show_date(edit: QLineEdit, value: date | None) -> None:
    edit.setText(format_date(value) if value else "")

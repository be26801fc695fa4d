"""Small shared pieces of the implementation panel: dates, messages, money input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLabel, QWidget
from sqlalchemy.orm import Session

from kcdesk.models import Proposal
from kcdesk.services.security.actor import Actor
from kcdesk.ui.messages import ERROR_STYLE, OK_STYLE, message_label, say  # noqa: F401

# A tab's write: fn(session, actor, proposal) runs in one transaction; the message
# label shows the result or the refusal; returns True when it was saved.
WriteFn = Callable[[Session, Actor, Proposal], object]
Write = Callable[[QLabel, WriteFn, str], bool]


def date_edit(parent: QWidget | None = None, value: date | None = None) -> QDateEdit:
    """A date field shown day first (05/01/2027), with a calendar."""
    edit = QDateEdit(parent)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    set_date(edit, value or date.today())
    return edit


def set_date(edit: QDateEdit, value: date) -> None:
    edit.setDate(QDate(value.year, value.month, value.day))


def get_date(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())

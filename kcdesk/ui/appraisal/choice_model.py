"""The agenda's choices, read a page at a time (đề án chờ thẩm định để đưa vào chương trình).

A plan year can hold thousands of proposals awaiting appraisal (9,343 at 100,000
proposals). Reading every (code, title) and adding each to the box was most of the
appraisal section's first opening (issue 24); the box needs only the first choice to
show and the count. The others are read 200 at a time when the list is scrolled,
searched or every choice is asked for ("Thêm mọi đề án chờ thẩm định"): the same
choices, in the same order, with the same texts and codes as ``available_choices``.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from kcdesk.models.db import Database
from kcdesk.services.appraisal import councils as appraisal

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_CODE = int(Qt.ItemDataRole.UserRole)  # what ``QComboBox.itemData`` gives: the code


def choice_text(code: str, title: str) -> str:
    return f"{code} — {title}"


class ChoiceModel(QAbstractListModel):
    """The proposals a council of one plan year can put on its agenda."""

    PAGE = 200
    MAX_PAGES = 60  # 12,000 choices kept at most; older pages are read again if needed

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.plan_year: int | None = None
        self._count = 0
        self._pages: OrderedDict[int, list[tuple[str, str]]] = OrderedDict()

    def load(self, session: Session, plan_year: int | None) -> None:
        """The choices of a council of ``plan_year`` (None: none), counted and their
        first page read in ``session``."""
        self.beginResetModel()
        self.plan_year = plan_year
        self._pages.clear()
        if plan_year is None:
            self._count = 0
        else:
            self._count = appraisal.choices_count(session, plan_year)
            if self._count:
                self._pages[0] = appraisal.choices_page(session, plan_year, 0, self.PAGE)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else self._count

    def choice(self, row: int) -> tuple[str, str] | None:
        if self.plan_year is None or not 0 <= row < self._count:
            return None
        number, offset = divmod(row, self.PAGE)
        page = self._pages.get(number)
        if page is None:
            with self.db.session() as session:
                page = appraisal.choices_page(
                    session, self.plan_year, number * self.PAGE, self.PAGE
                )
            self._pages[number] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        # A page read after a change may be shorter than the count read before it: the
        # missing lines stay empty until the choices are read again (a change reloads).
        return page[offset] if offset < len(page) else None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if role not in (_DISPLAY, _CODE) or not index.isValid():
            return None
        found = self.choice(index.row())
        if found is None:
            return None
        code, title = found
        return code if role == _CODE else choice_text(code, title)

"""A lazy table model over the register: smooth at 100,000 proposals.

The model holds only the ordered list of matching ids (computed off the UI thread
by ``register_query.matching_ids`` whenever the filter or the sort changes) and a
small LRU cache of pages of rows, fetched by primary key on demand while the view
scrolls (a couple of milliseconds per page). Duplicate-support warnings are
computed in the background per page and filled in when ready.

Typing in the search box narrows the list without search (the *base*, kept with
the filter and sort it was read for) by the search index's set of matches
(``register_query.narrow``): no proposal row is read, so a search over 100,000
proposals costs milliseconds. Any reload for another reason (data changed, sort)
reads the base again, so a narrowed list is never older than the last change.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from kcdesk.formatting import format_money
from kcdesk.services.forms.load import load_activities
from kcdesk.services.proposals import register_query as rq
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.register import if_alive

Index = QModelIndex | QPersistentModelIndex
# The ordered ids without search, and the (filter, sort, direction, actor) they are for.
_Base = tuple[tuple[Any, ...], list[int]]
WARNING_COLUMN = len(rq.COLUMNS)
HEADERS = [c.header for c in rq.COLUMNS] + ["Cảnh báo"]
CODE_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
_WARN_BRUSH = QBrush(QColor("#fff1d6"))


class RegisterModel(QAbstractTableModel):
    """Rows of the register for the current filter and sort."""

    PAGE = 200
    MAX_PAGES = 40

    loaded = Signal(int)  # number of rows after a reload
    failed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter = rq.RegisterFilter()
        self.sort_key = "code"
        self.descending = False
        self._ids: list[int] = []
        self._pages: OrderedDict[int, list[rq.RegisterRow]] = OrderedDict()
        self._warnings: dict[int, list[str]] = {}
        # Display texts per proposal id, made once: a view asks for every visible cell
        # on every repaint, and money formatting is the costly part.
        self._texts: dict[int, list[str]] = {}
        self._warned_pages: set[int] = set()
        self._generation = 0
        self._warning_jobs: list[Any] = []
        self._base: _Base | None = None
        self.check_duplicates = True
        try:
            self._activity_labels = {c: s.short_label for c, s in load_activities().items()}
        except Exception:  # a broken province copy of the forms must not hide the list
            self._activity_labels = {}

    # -- loading ---------------------------------------------------------------
    def set_filter(self, flt: rq.RegisterFilter, *, sync: bool = False) -> None:
        """Show ``flt``; a change of the search text alone narrows the kept base."""
        self.filter = flt
        self._load(sync=sync, keep_base=True)

    def reload(self, *, sync: bool = False) -> None:
        """Recompute the matching ids from the database (in the worker unless ``sync``)."""
        self._load(sync=sync, keep_base=False)

    def _load(self, *, sync: bool, keep_base: bool) -> None:
        self._generation += 1
        generation = self._generation
        for job in self._warning_jobs:
            job.cancel()
        self._warning_jobs.clear()
        flt, key, desc, actor = self.filter, self.sort_key, self.descending, self.ctx.actor
        base_key = (flt.with_search(""), key, desc, actor)
        kept = self._base if keep_base and self._base and self._base[0] == base_key else None

        def work(_job: Any = None) -> tuple[list[int], _Base | None]:
            with self.ctx.db.session() as session:
                base = kept[1] if kept else None
                if not flt.search:
                    if base is None:
                        base = rq.matching_ids(session, flt, key, desc, actor)
                    return base, (base_key, base)
                if base is None:
                    base = rq.matching_ids(session, flt.with_search(""), key, desc, actor)
                narrowed = rq.narrow(session, base, flt.search)
                if narrowed is None:  # no search index yet (being built): the database filters
                    narrowed = rq.matching_ids(session, flt, key, desc, actor)
                # The base stays valid either way: kept, it is not read again per keystroke.
                return narrowed, (base_key, base)

        def done(result: tuple[list[int], _Base | None]) -> None:
            self._apply_ids(generation, *result)

        if sync:
            done(work())
        else:
            self.ctx.worker.run(
                work, on_success=if_alive(self, done), on_failure=if_alive(self, self.failed.emit)
            )

    def _apply_ids(self, generation: int, ids: list[int], base: _Base | None = None) -> None:
        if generation != self._generation:
            return  # a newer filter was asked for meanwhile
        self._base = base
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self._texts.clear()
        self._warnings.clear()
        self._warned_pages.clear()
        self.endResetModel()
        self.loaded.emit(len(ids))

    def _page(self, number: int) -> list[rq.RegisterRow]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        ids = self._ids[number * self.PAGE : (number + 1) * self.PAGE]
        with self.ctx.db.session() as session:
            rows = rq.rows_by_ids(session, ids)
        by_id = {r.id: r for r in rows}
        # A proposal deleted since the ids were read keeps its line (empty) until reload.
        page = [by_id.get(i) or _gone(i) for i in ids]
        self._pages[number] = page
        while len(self._pages) > self.MAX_PAGES:
            _number, evicted = self._pages.popitem(last=False)
            for old in evicted:
                self._texts.pop(old.id, None)
        self._request_warnings(number, page)
        return page

    def _request_warnings(self, number: int, page: list[rq.RegisterRow]) -> None:
        if not self.check_duplicates or number in self._warned_pages:
            return
        self._warned_pages.add(number)
        generation = self._generation
        rows = list(page)

        def work(_job: Any) -> dict[int, list[str]]:
            # Imported on the worker: the attention rules are not on the start path.
            from kcdesk.services.attention.row_warnings import row_warnings

            with self.ctx.db.session() as session:
                return row_warnings(session, rows)

        self.ctx.worker.run(
            work,
            on_success=if_alive(
                self, lambda found: self._apply_warnings(generation, number, found)
            ),
        )

    def _apply_warnings(self, generation: int, number: int, found: dict[int, list[str]]) -> None:
        if generation != self._generation or not found:
            return
        self._warnings.update(found)
        first = number * self.PAGE
        last = min(len(self._ids), first + self.PAGE) - 1
        if last >= first:
            self.dataChanged.emit(
                self.index(first, 0),
                self.index(last, WARNING_COLUMN),
                [Qt.ItemDataRole.DisplayRole],
            )

    # -- access ----------------------------------------------------------------
    def row_at(self, row: int) -> rq.RegisterRow | None:
        if not 0 <= row < len(self._ids):
            return None
        page = self._page(row // self.PAGE)
        offset = row % self.PAGE
        return page[offset] if offset < len(page) else None

    def ids(self) -> list[int]:
        return list(self._ids)

    def warnings_for(self, proposal_id: int) -> list[str]:
        return self._warnings.get(proposal_id, [])

    def row_of_code(self, code: str) -> int:
        """The row showing ``code`` among loaded pages, or -1."""
        for number, page in self._pages.items():
            for offset, r in enumerate(page):
                if r.code == code:
                    return number * self.PAGE + offset
        return -1

    # -- Qt model --------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Explicit answers only: falling through to super() crashes some PySide6 builds.
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(HEADERS):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            warnings = self._warnings.get(row.id)
            if warnings:
                return "Đã được hỗ trợ cùng nội dung: " + ", ".join(warnings)
            return row.title if column == 1 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column < WARNING_COLUMN and rq.COLUMNS[column].numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return _WARN_BRUSH if row.id in self._warnings else None
        if role == CODE_ROLE:
            return row.code
        if role == ID_ROLE:
            return row.id
        return None

    def _display(self, row: rq.RegisterRow, column: int) -> str:
        if column == WARNING_COLUMN:
            warnings = self._warnings.get(row.id)
            return "; ".join(warnings) if warnings else ""
        texts = self._texts.get(row.id)
        if texts is None:
            texts = [self._text(row, c) for c in range(WARNING_COLUMN)]
            self._texts[row.id] = texts
        return texts[column]

    def _text(self, row: rq.RegisterRow, column: int) -> str:
        key = rq.COLUMNS[column].key
        if key in ("total_cost", "support"):
            return format_money(int(row.value(key)))
        if key == "status":
            return row.status.label
        if key == "activity":
            return self._activity_labels.get(row.activity, row.activity)
        return str(row.value(key))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < WARNING_COLUMN:
            return
        self.sort_key = rq.COLUMNS[column].key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()


def _gone(proposal_id: int) -> rq.RegisterRow:
    from kcdesk.models import ProposalStatus

    return rq.RegisterRow(proposal_id, "", "(đã xoá)", "", "", "", 0, ProposalStatus.RECEIVED, 0, 0)

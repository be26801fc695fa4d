"""Table of proposals under implementation: status, latest progress, money (đồng)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from kcdesk.formatting import format_date, format_money
from kcdesk.services.implementation import views as view
from kcdesk.services.implementation.views import ImplementationRow
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.row_table import ANSWERED_ROLES, Column, RowTableModel


def _tooltip(row: ImplementationRow) -> str:
    tip = f"{row.code}: {row.title}\nHạn quyết toán: {format_date(row.settlement_due)}"
    if row.progress_date is not None:
        tip += f"\nBáo cáo tiến độ gần nhất: {format_date(row.progress_date)}"
    return tip


def _overpaid(row: ImplementationRow) -> QColor | None:
    return QColor("#c62828") if row.disbursed > row.approved else None


COLUMNS = (
    Column("Mã đề án", lambda r: r.code),
    Column("Tên đề án", lambda r: r.title),
    Column("Năm", lambda r: str(r.plan_year)),
    Column("Trạng thái", lambda r: r.status.label),
    Column(
        "Tiến độ",
        lambda r: "—" if r.progress_percent is None else f"{r.progress_percent} %",
        True,
    ),
    Column("Được duyệt", lambda r: format_money(r.approved), True),
    Column("Đã chi", lambda r: format_money(r.disbursed), True, _overpaid),
    Column(
        "Tỷ lệ chi",
        lambda r: f"{r.disbursed_percent:.0f} %" if r.approved else "—",
        True,
    ),
)
COL_CODE, COL_TITLE, COL_YEAR, COL_STATUS, COL_PROGRESS, COL_APPROVED, COL_DISBURSED, COL_RATE = (
    range(len(COLUMNS))
)


class ImplementationModel(RowTableModel):
    """The list read a page at a time (issue 24): the worker counts the rows and reads
    the first page; later pages are read as the view scrolls to them (200 rows, three
    statements). ``filters`` are the ones the count and the first page were read for."""

    PAGE = 200
    MAX_PAGES = 40

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, parent, tooltip=_tooltip)
        self.ctx = ctx
        self.filters: dict[str, Any] = {}
        self._count = 0
        self._pages: OrderedDict[int, list[ImplementationRow]] = OrderedDict()

    def set_list(self, filters: dict[str, Any], count: int, first: list[ImplementationRow]) -> None:
        """Show the list of ``filters``: ``count`` rows, of which ``first`` is page 0."""
        self.beginResetModel()
        self.filters = dict(filters)
        self._count = count
        self._pages.clear()
        self._pages[0] = list(first)
        self.endResetModel()

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else self._count

    def row_at(self, n: int) -> ImplementationRow | None:
        if not 0 <= n < self._count:
            return None
        page = self._page(n // self.PAGE)
        offset = n % self.PAGE
        # A page read after a change may be shorter than the count read before it: the
        # missing lines stay empty until the list is read again (the change reloads it).
        return page[offset] if offset < len(page) else None

    def _page(self, number: int) -> list[ImplementationRow]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        with self.ctx.db.session() as session:
            page = view.list_page(session, number * self.PAGE, self.PAGE, **self.filters)
        self._pages[number] = page
        while len(self._pages) > self.MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def row_of(self, code: str) -> int:
        """The row showing ``code``, or -1: looked for in the pages read, else its
        position asked of the database (not every row before it read)."""
        for number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.code == code:
                    return number * self.PAGE + offset
        with self.ctx.db.session() as session:
            found = view.list_position(session, code, **self.filters)
        return -1 if found is None or found >= self._count else found

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED_ROLES or not index.isValid():
            return None  # the roles no cell answers, without finding the row's page
        row = self.row_at(index.row())
        if row is None:
            return None
        return self.cell(row, index.column(), role)

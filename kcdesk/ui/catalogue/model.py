"""The grouped catalogue as a table: group rows (I, II…), numbered entries, the total.

A frozen version holds its entries; a draft comes as its outline
(``services.catalogue.outline``: the groups' ids, counts and totals) and its entries
are read a page at a time as they come on screen (issue 24: the draft of 8,245
entries at 100,000 proposals was built in full before the first screen).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from kcdesk.formatting import format_money
from kcdesk.services.catalogue.build import CatalogueView, Entry
from kcdesk.services.catalogue.columns import CatalogueForm
from kcdesk.services.catalogue.outline import DraftOutline

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_Index = QModelIndex | QPersistentModelIndex
# Reads the entries of proposal ids: {id: entry} (an id gone from the register: absent;
# None: the database could not be read now).
ReadEntries = Callable[[list[int]], dict[int, Entry] | None]


class Head(Protocol):
    """A group (``build.Group`` or ``outline.GroupOutline``) as its line prints it."""

    @property
    def numeral(self) -> str: ...

    @property
    def label(self) -> str: ...

    def total(self, key: str) -> int: ...


@dataclass(frozen=True)
class Line:
    kind: str  # "group" | "entry" | "total"
    number: str
    group: Head | None = None
    entry: Entry | None = None


class CatalogueModel(QAbstractTableModel):
    PAGE = 40  # entries read at a time from the register (a draft's): about a screenful
    MAX_PAGES = 40  # pages kept

    def __init__(self, form: CatalogueForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.view: CatalogueView | None = None
        self.outline: DraftOutline | None = None
        self._heads: list[Head] = []
        self._starts: list[int] = []  # the row of each group's line
        self._before: list[int] = []  # entries of the groups before each group
        self._rows = 0
        self._count = 0  # entries
        self._entries: list[Entry] = []  # a frozen version's (all of them)
        self._ids: list[int] = []  # a draft's proposal ids, in the catalogue's order
        self._pages: OrderedDict[int, list[Entry | None]] = OrderedDict()
        self._read: ReadEntries | None = None
        # Group and grand totals, each added up once (not at every paint of its cell).
        self._sums: dict[tuple[int, str], int] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_view(
        self,
        view: CatalogueView | None,
        outline: DraftOutline | None = None,
        read: ReadEntries | None = None,
    ) -> None:
        """Show ``view``'s groups, or (a draft) ``outline``'s, whose entries ``read``
        reads when they are first shown."""
        self.beginResetModel()
        self.view, self.outline, self._read = view, outline, read
        self._sums = {}
        self._pages.clear()
        counts: Sequence[int]
        if outline is not None:
            self._heads = list(outline.groups)
            counts = [len(g.ids) for g in outline.groups]
            self._ids, self._entries = outline.ids, []
        elif view is not None:
            self._heads = list(view.groups)
            counts = [len(g.entries) for g in view.groups]
            self._ids, self._entries = [], view.entries
        else:
            self._heads, counts, self._ids, self._entries = [], [], [], []
        self._starts, self._before = [], []
        row = before = 0
        for count in counts:
            self._starts.append(row)
            self._before.append(before)
            row += 1 + count
            before += count
        self._rows = row + 1 if view is not None or outline is not None else 0
        self._count = before
        self.endResetModel()

    # -- lines ----------------------------------------------------------------------
    def line(self, row: int) -> Line:
        """The line shown at ``row`` (an entry not read yet is read with its page)."""
        if row == self._rows - 1:
            return Line("total", "")
        group = bisect_right(self._starts, row) - 1
        offset = row - self._starts[group]
        head = self._heads[group]
        if offset == 0:
            return Line("group", head.numeral, group=head)
        return Line("entry", str(offset), entry=self._entry(self._before[group] + offset - 1))

    def label_rows(self) -> list[int]:
        """The rows of group and total lines (their label spans the text columns)."""
        return [*self._starts, self._rows - 1] if self._rows else []

    def entry_count(self) -> int:
        return self._count

    def total(self, key: str) -> int:
        """The catalogue's total of a money column (its TỔNG CỘNG line)."""
        of: Any = self.outline if self.outline is not None else self.view
        return self._sum(of, key) if of is not None else 0

    def _entry(self, n: int) -> Entry | None:
        if not self._ids:
            return self._entries[n] if n < len(self._entries) else None
        number, offset = divmod(n, self.PAGE)
        page = self._pages.get(number)
        if page is None:
            ids = self._ids[number * self.PAGE : (number + 1) * self.PAGE]
            found = self._read(ids) if self._read is not None else {}
            if found is None:
                return None  # not read now: an empty line, read again when next drawn
            # A proposal gone since the outline was read shows an empty line until the
            # reload its change brings.
            page = self._pages[number] = [found.get(i) for i in ids]
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[offset]

    # -- Qt -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.form.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Explicit values only, never super().headerData
        # (docs/architecture.md#known-traps-of-the-stack).
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            columns = self.form.columns
            return columns[section].label if 0 <= section < len(columns) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._rows:
            return None
        column = self.form.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.kind == "money":
                return _RIGHT
            return _CENTRE if column.kind == "index" else None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.FontRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        line = self.line(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column.key, column.kind)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if line.kind != "entry" else None
        if line.entry is not None:  # the tooltip
            return f"{line.entry.proposal_code}: {line.entry.title}"
        return None

    def _text(self, line: Line, key: str, kind: str) -> str:
        if kind == "index":
            return line.number
        if line.kind == "group" and line.group is not None:
            if kind == "money":
                return format_money(self._sum(line.group, key))
            return line.group.label if key == "title" else ""
        if line.kind == "total":
            if kind == "money":
                return format_money(self.total(key))
            return "TỔNG CỘNG" if key == "title" else ""
        if line.entry is not None:
            value = line.entry.value(key)
            return format_money(int(value)) if kind == "money" else str(value)
        return ""

    def _sum(self, of: Any, key: str) -> int:
        found = self._sums.get((id(of), key))
        if found is None:
            found = self._sums[(id(of), key)] = of.total(key)
        return found

"""Keep a document's closing block with what comes before it (never a lone signature).

The closing block — totals, "Bằng chữ", signature, "Nơi nhận" — goes on the page of
the table's last rows or of the last paragraph (docs/official-documents.md, "Trang
in"). ReportLab's KeepTogether around a block that already holds a KeepTogether
pushes the whole block to a new page each time, and a KeepTogether around a long
table cannot say "at least the last two rows"; ``TableWithClosing`` splits the
table itself so the closing block always has rows above it, and ``keep_with_last``
chooses between the two for a story.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table

Tableish = Any  # a ReportLab Table, or a RuledTable (row heights known up front)


def _is_table(flowable: Flowable) -> bool:
    return isinstance(flowable, Table) or hasattr(flowable, "header_rows")


def _row_heights(table: Tableish) -> tuple[list[float], int]:
    if hasattr(table, "header_rows"):
        return list(table.heights), int(table.header_rows)
    repeat = table.repeatRows
    header = len(repeat) if isinstance(repeat, (tuple, list)) else int(repeat or 0)
    return list(table._rowHeights), header


class TableWithClosing(Flowable):
    """A table followed by its closing block; a page break leaves at least ``tail`` of
    the table's rows with the closing block (the total row is one of them)."""

    def __init__(self, table: Tableish, closing: Sequence[Flowable], tail: int = 2) -> None:
        super().__init__()
        self.table = table
        self.closing = list(closing)
        self.tail = tail
        self._sizes: list[tuple[float, float]] = []
        self._table_size = (0.0, 0.0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._table_size = self.table.wrap(avail_width, avail_height)
        self._sizes = [f.wrap(avail_width, avail_height) for f in self.closing]
        closing = sum(
            h + f.getSpaceBefore() for f, (_w, h) in zip(self.closing, self._sizes, strict=True)
        )
        self.width = avail_width
        self.height = self._table_size[1] + closing
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        if self.height <= avail_height:
            return [self]
        heights, header = _row_heights(self.table)
        count = len(heights)
        used = sum(heights[:header])
        end = header
        while end < count and used + heights[end] <= avail_height:
            used += heights[end]
            end += 1
        # The table alone fits but not with the closing block, or too few rows would
        # follow onto the next page: move the last rows there with it.
        end = min(end, count - self.tail)
        if end <= header:
            return []
        cut = sum(heights[:end]) + 0.01
        parts = self.table.split(avail_width, cut)
        if len(parts) != 2:
            return []
        first, rest = parts
        # The rest starts the next page: left in this page's leftover space it would
        # print its repeated header rows in the middle of the page.
        return [first, PageBreak(), TableWithClosing(rest, self.closing, self.tail)]

    def _x(self, flowable: Flowable, width: float) -> float:
        align = str(getattr(flowable, "hAlign", "LEFT")).upper()
        if align in ("CENTER", "CENTRE"):
            return (self.width - width) / 2
        if align == "RIGHT":
            return self.width - width
        return 0.0

    def draw(self) -> None:
        y = self.height
        width, height = self._table_size
        self.table.drawOn(self.canv, self._x(self.table, width), y - height)
        y -= height
        for flowable, (w, h) in zip(self.closing, self._sizes, strict=True):
            y -= flowable.getSpaceBefore()
            flowable.drawOn(self.canv, self._x(flowable, w), y - h)
            y -= h


def keep_with_last(
    story: list[Flowable], closing: Sequence[Flowable], *, paragraphs: int = 1
) -> None:
    """Append ``closing`` to ``story`` kept with its end: the last table's last rows, or
    the last ``paragraphs`` paragraphs (spacers between them come along)."""
    taken: list[Flowable] = []
    while story and isinstance(story[-1], Spacer):
        taken.insert(0, story.pop())
    if story and _is_table(story[-1]):
        table: Any = story.pop()
        story.append(TableWithClosing(table, [*taken, *closing]))
        return
    kept = 0
    while story and kept < paragraphs:
        flowable = story.pop()
        taken.insert(0, flowable)
        if not isinstance(flowable, Spacer):
            kept += 1
    story.append(KeepTogether([*taken, *closing]))

"""A fast ruled table for long catalogues (bảng danh mục nhiều nghìn dòng).

ReportLab's Table re-measures every remaining row (and its spans) at each page
split, which makes a 2,000-row catalogue take tens of seconds. Here the cell texts
arrive already wrapped into lines, row heights are known up front, a split only
walks the rows of one page, and drawing uses one text object per page and one
``lines`` call for the grid. The header rows repeat on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

Align = str  # "LEFT" | "RIGHT" | "CENTER"


@dataclass(frozen=True)
class TableLook:
    font: str
    bold_font: str
    size: float
    leading: float
    pad_x: float = 3
    pad_top: float = 2
    pad_bottom: float = 3
    line_width: float = 0.5


class RuledTable(Flowable):
    """Rows of multi-line strings; ``bold`` rows in bold; ``spans`` merge columns."""

    def __init__(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        look: TableLook,
        *,
        header_rows: int = 1,
        bold: frozenset[int] = frozenset(),
        aligns: Sequence[Align] = (),
        spans: dict[int, tuple[int, int]] | None = None,
        keep_with_next: frozenset[int] = frozenset(),
        _heights: list[float] | None = None,
    ) -> None:
        super().__init__()
        self.rows = rows  # shared with the parts of a split, never changed
        self.widths = list(widths)
        self.look = look
        self.header_rows = header_rows
        self.bold = bold
        self.aligns = list(aligns) or ["LEFT"] * len(self.widths)
        self.spans = spans or {}
        # Rows that never end a page (a group's header row stays with its first row).
        self.keep_with_next = keep_with_next
        self.heights = (
            _heights if _heights is not None else [self._row_height(r) for r in self.rows]
        )
        self.width = sum(self.widths)
        self.height = sum(self.heights)

    def _row_height(self, row: Sequence[str]) -> float:
        """Lines of the tallest cell × leading, plus the padding."""
        lines = max((cell.count("\n") + 1 for cell in row), default=1)
        look = self.look
        return lines * look.leading + look.pad_top + look.pad_bottom

    def _part(self, indexes: list[int]) -> RuledTable:
        return RuledTable(
            [self.rows[i] for i in indexes],
            self.widths,
            self.look,
            header_rows=self.header_rows,
            bold=frozenset(n for n, i in enumerate(indexes) if i in self.bold),
            aligns=self.aligns,
            spans={n: self.spans[i] for n, i in enumerate(indexes) if i in self.spans},
            keep_with_next=frozenset(n for n, i in enumerate(indexes) if i in self.keep_with_next),
            _heights=[self.heights[i] for i in indexes],
        )

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        head = list(range(self.header_rows))
        used = sum(self.heights[i] for i in head)
        end = self.header_rows
        while end < len(self.rows) and used + self.heights[end] <= avail_height:
            used += self.heights[end]
            end += 1
        while (
            end < len(self.rows) and end - 1 > self.header_rows and end - 1 in self.keep_with_next
        ):
            end -= 1
        if end == self.header_rows or end == len(self.rows):
            return []
        return [
            self._part(head + list(range(self.header_rows, end))),
            self._part(head + list(range(end, len(self.rows)))),
        ]

    def draw(self) -> None:
        canvas, look = self.canv, self.look
        lefts = [0.0]
        for w in self.widths:
            lefts.append(lefts[-1] + w)
        text = canvas.beginText()
        grid: list[tuple[float, float, float, float]] = []
        # Vertical rules run from the top to the bottom of the part, interrupted only
        # where a spanned cell covers a column boundary: few long lines, not one per cell.
        breaks: dict[int, list[tuple[float, float]]] = {}
        top = self.height
        for index, (row, height) in enumerate(zip(self.rows, self.heights, strict=True)):
            bottom = top - height
            grid.append((0, top, self.width, top))
            font = look.bold_font if index in self.bold or index < self.header_rows else look.font
            text.setFont(font, look.size, look.leading)
            span = self.spans.get(index)
            if span is not None:
                for boundary in range(span[0] + 1, span[1] + 1):
                    breaks.setdefault(boundary, []).append((top, bottom))
            col = 0
            while col < len(row):
                last = span[1] if span is not None and span[0] == col else col
                x0, x1 = lefts[col], lefts[last + 1]
                lines = row[col].split("\n") if row[col] else []
                y = top - look.pad_top - look.size
                if index < self.header_rows:  # header text is centred vertically
                    y -= (height - look.pad_top - look.pad_bottom - len(lines) * look.leading) / 2
                align = "CENTER" if index < self.header_rows else self.aligns[col]
                for line in lines:
                    if align == "RIGHT":
                        x = x1 - look.pad_x - stringWidth(line, font, look.size)
                    elif align == "CENTER":
                        x = (x0 + x1 - stringWidth(line, font, look.size)) / 2
                    else:
                        x = x0 + look.pad_x
                    text.setTextOrigin(x, y)
                    text.textOut(line)
                    y -= look.leading
                col = last + 1
            top = bottom
        grid.append((0, 0, self.width, 0))
        for boundary, x in enumerate(lefts):
            y = self.height
            for gap_top, gap_bottom in breaks.get(boundary, []):
                if gap_top < y:
                    grid.append((x, y, x, gap_top))
                y = gap_bottom
            if y > 0:
                grid.append((x, y, x, 0))
        canvas.drawText(text)
        canvas.setLineWidth(look.line_width)
        canvas.lines(grid)

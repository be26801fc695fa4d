"""Phiếu đánh giá thẩm định: one sheet per member and proposal, ND 30/2020 page.

The sheet is a fixed form, so it is drawn straight on the canvas with measured
line wrapping rather than through platypus: a council of 9 members and 60
proposals prints 540 sheets in one PDF, and this keeps that within a small
factor of drawing the bare text (see bench/bench_sheets.py). Fonts are the
embedded Liberation Serif registered once per process; nothing is rebuilt per
sheet except the words themselves.

A sheet that does not fit on one page (a very long title or many criteria)
continues on the next page, numbered from 2 at the top centre like any
ND 30/2020 document; numbering restarts with each sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kcdesk.reports.common.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from kcdesk.reports.common.official_pdf import MARGINS, MOTTO_1, MOTTO_2

PAGE_W, PAGE_H = A4
LEFT = MARGINS["left"]
RIGHT = PAGE_W - MARGINS["right"]
TOP = PAGE_H - MARGINS["top"]
BOTTOM = MARGINS["bottom"]
WIDTH = RIGHT - LEFT
DOTS = "." * 400
DOTTED_LEADING = 17.0
SIGNATURE_SPACE = 15 * mm
SIGNATURE_BLOCK = 4 + 15.5 * 3 + SIGNATURE_SPACE


@dataclass(frozen=True)
class CriterionLine:
    label: str
    max_points: int
    score: str = ""  # printed score ("" on a sheet to fill by hand)


@dataclass(frozen=True)
class SheetData:
    """Everything printed on one sheet (plain data; built by the appraisal service)."""

    agency_parent: str  # "SỞ CÔNG THƯƠNG"
    agency_name: str  # "HỘI ĐỒNG THẨM ĐỊNH"
    place_date: str  # "Cao Bằng, ngày ... tháng ... năm ..."
    title: str
    note: str
    council: str
    decision: str  # "Quyết định số 245/QĐ-SCT ngày 05/09/2026" or ""
    member_name: str
    member_post: str
    member_role: str
    proposal_code: str
    proposal_title: str
    beneficiary: str
    activity: str
    support: str  # "450.000.000 đồng"
    criteria: tuple[CriterionLine, ...]
    total_max: int
    pass_mark: int
    conclusions: tuple[str, ...]
    ticked: str = ""  # the conclusion label to tick (pre-filled copies)
    comment: str = ""
    total: str = ""
    prefilled: bool = True
    extra: dict[str, str] = field(default_factory=dict)


class _Pen:
    """A cursor over the canvas: wraps, writes, and turns pages when full."""

    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas
        self.y = TOP
        self.page = 1

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1
        self.y = TOP
        # ND 30/2020: page numbers from page 2, centred in the top margin.
        self.c.setFont(SERIF, 13)
        self.c.drawCentredString(LEFT + WIDTH / 2, PAGE_H - 12 * mm, str(self.page))

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def text(
        self,
        text: str,
        *,
        font: str = SERIF,
        size: float = 12.5,
        leading: float = 15,
        x: float = LEFT,
        width: float = WIDTH,
        align: str = "left",
        indent: float = 0,
        fill_dots: bool = False,
    ) -> None:
        """Write wrapped text; ``fill_dots`` pads the last line with dots to the margin."""
        for line in wrap(text, font, size, width - indent):
            self.need(leading)
            self.y -= leading
            if fill_dots:
                line = line + _dots(width - indent - _width(line, font, size) - 2, size)
            self._draw(line, font, size, x + indent, width - indent, align)
            indent = 0

    def _draw(self, line: str, font: str, size: float, x: float, width: float, align: str) -> None:
        self.c.setFont(font, size)
        if align == "centre":
            self.c.drawCentredString(x + width / 2, self.y + 4, line)
        elif align == "right":
            self.c.drawRightString(x + width, self.y + 4, line)
        else:
            self.c.drawString(x, self.y + 4, line)

    def dotted_lines(self, count: int, size: float = 12.5, leading: float = DOTTED_LEADING) -> None:
        for _ in range(count):
            self.need(leading)
            self.y -= leading
            self.c.setFont(SERIF, size)
            self.c.drawString(LEFT, self.y + 4, _dots(WIDTH, size))


@lru_cache(maxsize=4096)
def _width(text: str, font: str, size: float) -> float:
    return float(stringWidth(text, font, size))


@lru_cache(maxsize=64)
def _dot_width(size: float) -> float:
    return stringWidth(".", SERIF, size)


def _dots(width: float, size: float) -> str:
    if width <= 0:
        return ""
    return DOTS[: max(0, int(width / _dot_width(size)))]


# Most strings repeat on every sheet of a batch (criteria, council, member):
# measuring them once is what keeps a 500-sheet batch near the bare-text floor.
@lru_cache(maxsize=4096)
def wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """Greedy word wrap by the font's real widths; keeps explicit newlines."""
    out: list[str] = []
    space = stringWidth(" ", font, size)
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split():
            w = stringWidth(word, font, size)
            if line and used + space + w > width:
                out.append(" ".join(line))
                line, used = [word], w
            else:
                used = used + space + w if line else w
                line.append(word)
        out.append(" ".join(line))
    return tuple(out)


def _header(pen: _Pen, sheet: SheetData) -> None:
    c = pen.c
    left_w = WIDTH * 0.42
    right_x, right_w = LEFT + left_w, WIDTH - left_w
    y = TOP
    c.setFont(SERIF, 12.5)
    c.drawCentredString(LEFT + left_w / 2, y - 12, sheet.agency_parent)
    c.setFont(SERIF_BOLD, 12.5)
    c.drawCentredString(LEFT + left_w / 2, y - 27, sheet.agency_name)
    c.setFont(SERIF_BOLD, 12.5)
    c.drawCentredString(right_x + right_w / 2, y - 12, MOTTO_1)
    c.setFont(SERIF_BOLD, 13)
    c.drawCentredString(right_x + right_w / 2, y - 27, MOTTO_2)
    c.setLineWidth(0.6)
    c.line(LEFT + left_w / 2 - 14 * mm, y - 33, LEFT + left_w / 2 + 14 * mm, y - 33)
    c.line(right_x + right_w / 2 - 27.5 * mm, y - 33, right_x + right_w / 2 + 27.5 * mm, y - 33)
    c.setFont(SERIF_ITALIC, 13)
    c.drawCentredString(right_x + right_w / 2, y - 50, sheet.place_date)
    pen.y = y - 58


def _info(pen: _Pen, sheet: SheetData) -> None:
    def field_line(label: str, value: str) -> None:
        if value:
            pen.text(f"{label}: {value}")
        else:
            pen.text(f"{label}: ", fill_dots=True)

    council = sheet.council + (f" ({sheet.decision})" if sheet.decision else "")
    field_line("Hội đồng", council)
    member = sheet.member_name
    if member and sheet.member_post:
        member = f"{member} — {sheet.member_post}"
    if member and sheet.member_role:
        member = f"{member} ({sheet.member_role})"
    field_line("Thành viên", member)
    if sheet.prefilled:
        field_line("Đề án", f"{sheet.proposal_code} — {sheet.proposal_title}")
    else:
        pen.text(f"Đề án: {sheet.proposal_code} — ", fill_dots=True)
    field_line("Đơn vị thụ hưởng", sheet.beneficiary if sheet.prefilled else "")
    field_line("Nội dung hoạt động", sheet.activity if sheet.prefilled else "")
    field_line("Kinh phí khuyến công đề nghị hỗ trợ", sheet.support if sheet.prefilled else "")


# Criteria table columns: TT, criterion, maximum, score, note.
_COLS = (10 * mm, WIDTH - 10 * mm - 17 * mm - 22 * mm - 22 * mm, 17 * mm, 22 * mm, 22 * mm)
_HEAD = ("TT", "Tiêu chí đánh giá", "Tối đa", "Điểm chấm", "Ghi chú")
_CELL = 11.5
_CELL_LEAD = 13.5


def _row(
    pen: _Pen, cells: Sequence[str], fonts: Sequence[str], aligns: Sequence[str], min_h: float
) -> None:
    lines = [
        wrap(text, font, _CELL, width - 6)
        for text, font, width in zip(cells, fonts, _COLS, strict=True)
    ]
    height = max(min_h, max(len(ls) for ls in lines) * _CELL_LEAD + 6)
    pen.need(height)
    c = pen.c
    top = pen.y
    x = LEFT
    for cell_lines, font, width, align in zip(lines, fonts, _COLS, aligns, strict=True):
        c.setFont(font, _CELL)
        text_top = top - (height - len(cell_lines) * _CELL_LEAD) / 2
        for index, line in enumerate(cell_lines):
            base = text_top - (index + 1) * _CELL_LEAD + 3.5
            if align == "centre":
                c.drawCentredString(x + width / 2, base, line)
            else:
                c.drawString(x + 3, base, line)
        c.rect(x, top - height, width, height, stroke=1, fill=0)
        x += width
    pen.y = top - height


def _criteria_table(pen: _Pen, sheet: SheetData) -> None:
    pen.c.setLineWidth(0.5)
    bold = [SERIF_BOLD] * 5
    pen.y -= 4
    _row(pen, _HEAD, bold, ["centre"] * 5, 22)
    regular = [SERIF, SERIF, SERIF, SERIF, SERIF]
    aligns = ["centre", "left", "centre", "centre", "left"]
    for index, crit in enumerate(sheet.criteria, start=1):
        _row(
            pen, (str(index), crit.label, str(crit.max_points), crit.score, ""), regular, aligns, 22
        )
    _row(pen, ("", "Tổng cộng", str(sheet.total_max), sheet.total, ""), bold, aligns, 20)


def _conclusions(pen: _Pen, sheet: SheetData) -> None:
    """Tick boxes, on one row when they fit (keeps the sheet to one page), else stacked."""
    if not sheet.conclusions:
        return
    pen.y -= 2
    pen.text("Kết luận (đánh dấu X vào một ô):", font=SERIF_BOLD)
    box, gap, size = 10.0, 18.0, 12.5
    widths = [box + 5 + _width(label, SERIF, size) for label in sheet.conclusions]
    one_row = sum(widths) + gap * (len(widths) - 1) <= WIDTH - 8 * mm
    x = LEFT + 8 * mm
    for index, label in enumerate(sheet.conclusions):
        if index == 0 or not one_row:
            pen.need(18)
            pen.y -= 18
            x = LEFT + 8 * mm
        _tick_box(pen, x, box, label, label == sheet.ticked, size)
        x += widths[index] + gap


def _tick_box(pen: _Pen, x: float, box: float, label: str, ticked: bool, size: float) -> None:
    c = pen.c
    c.rect(x, pen.y + 2, box, box, stroke=1, fill=0)
    if ticked:
        c.setFont(SERIF_BOLD, 11)
        c.drawCentredString(x + box / 2, pen.y + 3.5, "X")
    c.setFont(SERIF, size)
    c.drawString(x + box + 5, pen.y + 3, label)


def _comments(pen: _Pen, sheet: SheetData) -> None:
    """As many writing lines (1–3) as leave room for the signature on this page."""
    pen.y -= 2
    pen.text("Ý kiến khác của thành viên:", font=SERIF_BOLD)
    if sheet.comment:
        pen.text(sheet.comment)
    room = pen.y - BOTTOM - SIGNATURE_BLOCK
    pen.dotted_lines(max(1, min(3, int(room // DOTTED_LEADING))), leading=DOTTED_LEADING)


def _signature(pen: _Pen, sheet: SheetData) -> None:
    """Right half: the member's signature (place and date are in the header)."""
    pen.need(SIGNATURE_BLOCK)
    half = WIDTH / 2
    x = LEFT + half
    pen.y -= 4
    pen.text("THÀNH VIÊN HỘI ĐỒNG", font=SERIF_BOLD, size=13, x=x, width=half, align="centre")
    pen.text("(Ký, ghi rõ họ tên)", font=SERIF_ITALIC, size=12, x=x, width=half, align="centre")
    pen.y -= SIGNATURE_SPACE
    pen.text(sheet.member_name or " ", font=SERIF_BOLD, size=13, x=x, width=half, align="centre")


def draw_sheet(canvas: Canvas, sheet: SheetData) -> None:
    """Draw one sheet starting on the current (fresh) page; ends with showPage."""
    pen = _Pen(canvas)
    _header(pen, sheet)
    pen.text(sheet.title.upper(), font=SERIF_BOLD, size=14, leading=18, align="centre")
    if sheet.note:
        pen.text(f"({sheet.note})", font=SERIF_ITALIC, size=10.5, leading=13, align="centre")
    pen.y -= 6
    _info(pen, sheet)
    _criteria_table(pen, sheet)
    pen.text(
        f"Điểm đạt: tổng điểm bình quân của Hội đồng từ {sheet.pass_mark}/{sheet.total_max} "
        "điểm trở lên.",
        font=SERIF_ITALIC,
        size=11,
        leading=15,
    )
    _conclusions(pen, sheet)
    _comments(pen, sheet)
    _signature(pen, sheet)
    canvas.showPage()


def new_canvas(target: Path | BinaryIO | BytesIO, title: str, author: str = "") -> Canvas:
    register_fonts()
    # Starting in the embedded serif keeps ReportLab's Helvetica (never embedded) off
    # every page; the language and the organisation go into the metadata.
    c = Canvas(
        str(target) if isinstance(target, Path) else target,
        pagesize=A4,
        initialFontName=SERIF,
        initialFontSize=13,
        lang="vi-VN",
    )
    c.setTitle(title)
    c.setAuthor(author or "kcdesk")
    c.setCreator("kcdesk")
    c.setSubject(title)
    return c


def write_sheets(
    target: Path | BinaryIO | BytesIO,
    sheets: Iterable[SheetData],
    *,
    title: str = "Phiếu đánh giá thẩm định",
    progress: Callable[[int], bool] | None = None,
    author: str = "",
) -> int:
    """Write every sheet into ONE PDF; returns the number of sheets.

    ``progress(done)`` is called after each sheet; returning False stops early
    (cancelled) and nothing is written.
    """
    buffer = BytesIO()
    c = new_canvas(buffer, title, author)
    count = 0
    for sheet in sheets:
        draw_sheet(c, sheet)
        count += 1
        if progress is not None and progress(count) is False:
            return -1
    if count == 0:
        # An empty PDF is not a valid document; say so on one page.
        c.setFont(SERIF, 13)
        c.drawString(LEFT, TOP - 20, "Không có phiếu nào để in.")
        c.showPage()
    c.save()
    data = buffer.getvalue()
    if isinstance(target, Path):
        from kcdesk.services.core.safe_write import atomic_write_bytes

        atomic_write_bytes(target, data)
    else:
        target.write(data)
    return count

"""The ND 30/2020/NĐ-CP (Phụ lục I) page for every official-looking PDF.

A4; margins top/bottom 20 mm, left 30 mm, right 15 mm (landscape allowed for wide
tables); Liberation Serif embedded; the agency on the left and the national motto
on the right; "Số: …" and the place and date in italics; title in bold capitals;
page numbers from page 2, centred at the top; signature block and "Nơi nhận:".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kcdesk.formatting import format_official_date
from kcdesk.reports.common.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from kcdesk.reports.common.org import Agency, agency_display_name

MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"

MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": SERIF, "fontSize": 13, "leading": 17}
    base.update(kw)
    return ParagraphStyle(name, **base)


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles of an official document (body 13 pt, tables 11 pt)."""
    register_fonts()
    return {
        "body": _style("body", alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=4),
        "body_left": _style("body_left", alignment=TA_LEFT, spaceAfter=2),
        "heading": _style("heading", fontName=SERIF_BOLD, spaceBefore=6, spaceAfter=3),
        "title": _style("title", fontName=SERIF_BOLD, fontSize=14, leading=18, alignment=TA_CENTER),
        "subtitle": _style("subtitle", fontName=SERIF_BOLD, alignment=TA_CENTER),
        "centre": _style("centre", alignment=TA_CENTER),
        "italic_centre": _style("italic_centre", fontName=SERIF_ITALIC, alignment=TA_CENTER),
        "header_left": _style("header_left", fontSize=12.5, leading=15, alignment=TA_CENTER),
        "header_left_bold": _style(
            "header_left_bold", fontName=SERIF_BOLD, fontSize=12.5, leading=15, alignment=TA_CENTER
        ),
        "motto": _style(
            "motto", fontName=SERIF_BOLD, fontSize=12.5, leading=15, alignment=TA_CENTER
        ),
        "motto2": _style(
            "motto2", fontName=SERIF_BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "place_date": _style("place_date", fontName=SERIF_ITALIC, alignment=TA_CENTER),
        "number": _style("number", alignment=TA_CENTER),
        "cell": _style("cell", fontSize=11, leading=13, alignment=TA_LEFT),
        "cell_centre": _style("cell_centre", fontSize=11, leading=13, alignment=TA_CENTER),
        "cell_right": _style("cell_right", fontSize=11, leading=13, alignment=TA_RIGHT),
        "cell_bold": _style("cell_bold", fontName=SERIF_BOLD, fontSize=11, leading=13),
        "cell_bold_right": _style(
            "cell_bold_right", fontName=SERIF_BOLD, fontSize=11, leading=13, alignment=TA_RIGHT
        ),
        "cell_head": _style(
            "cell_head", fontName=SERIF_BOLD, fontSize=11, leading=13, alignment=TA_CENTER
        ),
        "recipients_title": _style(
            "recipients_title", fontName="LiberationSerif-BoldItalic", fontSize=12, leading=14
        ),
        "recipients": _style("recipients", fontSize=11, leading=13),
        "sign_caption": _style("sign_caption", fontName=SERIF_BOLD, alignment=TA_CENTER),
        "sign_name": _style("sign_name", fontName=SERIF_BOLD, alignment=TA_CENTER),
        "small_italic": _style("small_italic", fontName=SERIF_ITALIC, fontSize=11, leading=13),
    }


def p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; newlines kept)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def place_date_text(place: str, when: date | None) -> str:
    if when is None:
        return f"{place}, ngày ... tháng ... năm ..."
    return f"{place}, {format_official_date(when)}"


def draft_mark() -> Flowable:
    """'DỰ THẢO' in a box at the top right: a document not yet signed or approved."""
    st = styles()
    mark = Table([[p("DỰ THẢO", st["sign_caption"])]], colWidths=[32 * mm], hAlign="RIGHT")
    mark.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return mark


def header(
    agency: Agency,
    *,
    number: str | None,
    when: date | None,
    width: float,
    number_line: bool = True,
    draft: bool = False,
) -> list[Flowable]:
    """The two-column header: agency and number left, motto and place-date right.

    ``number_line=False`` leaves out "Số:" and the place and date (an appendix
    carries its decision's or letter's number in its own reference line);
    ``draft`` adds the "DỰ THẢO" mark above.
    """
    st = styles()
    left_w = width * 0.42
    left: list[Flowable] = []
    if agency.parent:
        left.append(p(_parent_lines(agency.parent, left_w, st["header_left"]), st["header_left"]))
    left.append(
        p(_parent_lines(agency.name, left_w, st["header_left_bold"]), st["header_left_bold"])
    )
    left.append(_Rule(28 * mm))
    right: list[Flowable] = [p(MOTTO_1, st["motto"]), p(MOTTO_2, st["motto2"]), _Rule(55 * mm)]
    rows: list[list[Any]] = [[left, right]]
    if number_line:
        rows.append(
            [
                p(f"Số: {number}" if number else "Số: ......", st["number"]),
                p(place_date_text(agency.place, when), st["place_date"]),
            ]
        )
    table = Table(rows, colWidths=[left_w, width - left_w])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                *([("TOPPADDING", (0, 1), (-1, 1), 6)] if number_line else []),
            ]
        )
    )
    # build_document names the issuing organisation as the PDF's author from here.
    table.kcdesk_agency = agency
    top: list[Flowable] = [draft_mark(), Spacer(1, 2 * mm)] if draft else []
    return [*top, table, Spacer(1, 8 * mm)]


def _parent_lines(parent: str, width: float, style: ParagraphStyle) -> str:
    """An agency's line (the parent or, for the committee, the issuer itself) on one
    line, or, when it does not fit, broken before the province ("SỞ CÔNG THƯƠNG" /
    "TỈNH CAO BẰNG") rather than inside its name."""
    if stringWidth(parent, style.fontName, style.fontSize) <= width:
        return parent
    for word in (" TỈNH ", " THÀNH PHỐ ", " UBND ", " ỦY BAN "):
        at = parent.rfind(word)
        if at > 0:
            return f"{parent[:at]}\n{parent[at + 1 :]}"
    return parent


def title(text: str, subtitle: str | None = None) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [p(text.upper(), st["title"])]
    if subtitle:
        out.append(p(subtitle, st["subtitle"]))
    out.append(Spacer(1, 6 * mm))
    return out


def signature_block(
    *,
    caption: str,
    post: str,
    name: str,
    recipients: Sequence[str] | None,
    width: float,
) -> Flowable:
    """'Nơi nhận:' on the left; 'TM. …', post, space to sign and the name on the right."""
    st = styles()
    left: list[Flowable] = []
    if recipients is not None:
        left.append(p("Nơi nhận:", st["recipients_title"]))
        left.extend(
            p(f"- {r};" if i < len(recipients) - 1 else f"- {r}.", st["recipients"])
            for i, r in enumerate(recipients)
        )
    right: list[Flowable] = []
    if caption:
        right.append(p(caption, st["sign_caption"]))
    right.append(p(post.upper(), st["sign_caption"]))
    right.append(SignatureSpace(22 * mm))
    right.append(p(name or " ", st["sign_name"]))
    # One row: it never splits, so it stays whole. Not wrapped in a KeepTogether: a
    # caller keeps it with the last rows or paragraph (reports.common.closing), and a
    # KeepTogether inside a KeepTogether always starts a new page.
    table = Table([[left, right]], colWidths=[width * 0.5, width * 0.5], spaceBefore=6 * mm)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


SIGNATURE_MARK = "KcdeskSignature"


class SignatureSpace(Spacer):
    """The space to sign in the signature block. It marks its place on the page with a
    marked-content point (``/KcdeskSignature <<…>> DP``, ignored when the page is shown)
    so that a digital signature's image can be put there later: ND 30/2020 Phụ lục I
    puts it between the signer's post and name."""

    def __init__(self, height: float) -> None:
        super().__init__(1, height)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        left, bottom = self.canv.absolutePosition(0, 0)
        right, top = self.canv.absolutePosition(self.width, self.height)
        self.canv._code.append(
            f"/{SIGNATURE_MARK} <</Rect [{left:.2f} {bottom:.2f} {right:.2f} {top:.2f}]>> DP"
        )


def grid_style(header_rows: int = 1, *, bold_rows: Sequence[int] = ()) -> TableStyle:
    """Thin black grid, header rows bold and repeated on every page."""
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("FONTNAME", (0, 0), (-1, header_rows - 1), SERIF_BOLD),
    ]
    for row in bold_rows:
        commands.append(("FONTNAME", (0, row), (-1, row), SERIF_BOLD))
    return TableStyle(commands)


class _Rule(Flowable):
    """The short line under the agency name and the motto."""

    def __init__(self, length: float) -> None:
        super().__init__()
        self.length = length
        self.width: float = 0
        self.height = 3

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        start = (self.width - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(start, 1.5, start + self.length, 1.5)


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    """From page 2 on: the number, centred in the top margin (ND 30/2020)."""
    page = canvas.getPageNumber()
    if page < 2:
        return
    canvas.saveState()
    canvas.setFont(SERIF, 13)
    width, height = doc.pagesize
    canvas.drawCentredString(
        doc.leftMargin + (width - doc.leftMargin - doc.rightMargin) / 2, height - 12 * mm, str(page)
    )
    canvas.restoreState()


def document(
    target: Path | BinaryIO | BytesIO,
    *,
    title_text: str,
    landscape_page: bool = False,
    author: str | Agency = "",
) -> SimpleDocTemplate:
    """A SimpleDocTemplate with the ND 30/2020 page; call ``build_document`` on it.

    The metadata carry the title, the issuing organisation as author and the
    language (vi-VN); the canvas starts in the embedded serif, so no page names
    ReportLab's default Helvetica, which is never embedded.
    """
    register_fonts()
    size = landscape(A4) if landscape_page else A4
    if isinstance(author, Agency):
        author = agency_display_name(author)
    return SimpleDocTemplate(
        str(target) if isinstance(target, Path) else target,
        pagesize=size,
        topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
        leftMargin=MARGINS["left"],
        rightMargin=MARGINS["right"],
        title=title_text,
        author=author or "kcdesk",
        creator="kcdesk",
        subject=title_text,
        lang="vi-VN",
        initialFontName=SERIF,
        initialFontSize=13,
    )


def content_width(doc: SimpleDocTemplate) -> float:
    """Width a flowable may take: the frame minus its 6 pt padding on each side."""
    return float(doc.width) - 12


@dataclass(frozen=True)
class CapturedStory:
    """What a PDF writer handed to ``build_document``: page, margins, title and story."""

    pagesize: tuple[float, float]
    margins: dict[str, float]
    title: str
    story: list[Flowable]


_STORY_SINK: ContextVar[list[CapturedStory] | None] = ContextVar("story_sink", default=None)


@contextmanager
def capture_stories() -> Iterator[list[CapturedStory]]:
    """While active, ``build_document`` records each story instead of drawing it, so a
    Word copy (``reports.docx``) is made from the very flowables of the PDF."""
    sink: list[CapturedStory] = []
    token = _STORY_SINK.set(sink)
    try:
        yield sink
    finally:
        _STORY_SINK.reset(token)


# A heading needs this much room under it on its page, or it starts the next page: it
# is never the last line of a page. (keepWithNext would move a whole table that does
# not fit what is left, leaving half a page empty.)
HEADING_ROOM = 35 * mm


def _headings_kept(story: list[Flowable]) -> list[Flowable]:
    out: list[Flowable] = []
    for flowable in story:
        style = getattr(flowable, "style", None)
        if isinstance(flowable, Paragraph) and getattr(style, "name", "") == "heading":
            out.append(CondPageBreak(HEADING_ROOM))
        out.append(flowable)
    return out


def build_document(doc: SimpleDocTemplate, story: list[Flowable]) -> None:
    sink = _STORY_SINK.get()
    if sink is not None:
        margins = {
            "top": doc.topMargin,
            "bottom": doc.bottomMargin,
            "left": doc.leftMargin,
            "right": doc.rightMargin,
        }
        sink.append(CapturedStory(tuple(doc.pagesize), margins, doc.title, list(story)))
        return
    story = _headings_kept(story)
    if doc.author in ("", "kcdesk"):
        agency = next((f.kcdesk_agency for f in story if hasattr(f, "kcdesk_agency")), None)
        if agency is not None:
            doc.author = agency_display_name(agency)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)

"""Turn a ReportLab story (Paragraph, Table, Spacer, KeepTogether, the catalogue's ruled
table) into a python-docx document with the same text, sizes, alignment and page."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from kcdesk.reports.catalogue.table import RuledTable
from kcdesk.reports.common.closing import TableWithClosing
from kcdesk.reports.common.official_pdf import CapturedStory

log = logging.getLogger(__name__)

FONT = "Times New Roman"  # by name: the PDFs embed Liberation Serif, its metric twin
_ALIGN = {
    0: WD_ALIGN_PARAGRAPH.LEFT,
    1: WD_ALIGN_PARAGRAPH.CENTER,
    2: WD_ALIGN_PARAGRAPH.RIGHT,
    4: WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_CELL_ALIGN = {
    "LEFT": WD_ALIGN_PARAGRAPH.LEFT,
    "CENTER": WD_ALIGN_PARAGRAPH.CENTER,
    "CENTRE": WD_ALIGN_PARAGRAPH.CENTER,
    "RIGHT": WD_ALIGN_PARAGRAPH.RIGHT,
    "DECIMAL": WD_ALIGN_PARAGRAPH.RIGHT,
}

Container = Document | _Cell


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _set_run_font(run: Any, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    # Word picks the font for Vietnamese letters from these slots as well.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def _paragraph(container: Container, first: list[bool]) -> DocxParagraph:
    """A new paragraph; a fresh table cell's own empty paragraph is used first."""
    if isinstance(container, _Cell) and first[0]:
        first[0] = False
        return container.paragraphs[0]
    return container.add_paragraph()


def _format(par: DocxParagraph, style: Any, alignment: Any = None) -> None:
    fmt = par.paragraph_format
    fmt.alignment = alignment if alignment is not None else _ALIGN.get(style.alignment)
    fmt.space_before = Pt(getattr(style, "spaceBefore", 0) or 0)
    fmt.space_after = Pt(getattr(style, "spaceAfter", 0) or 0)
    if getattr(style, "firstLineIndent", 0):
        fmt.first_line_indent = Pt(style.firstLineIndent)
    if getattr(style, "leftIndent", 0):
        fmt.left_indent = Pt(style.leftIndent)
    fmt.line_spacing = Pt(style.leading)
    fmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST


def _add_paragraph(container: Container, flow: Paragraph, first: list[bool]) -> None:
    par = _paragraph(container, first)
    style = flow.style
    _format(par, style)
    for frag in getattr(flow, "frags", []):
        if getattr(frag, "lineBreak", False):
            par.add_run().add_break()
            continue
        text = getattr(frag, "text", "")
        if not text:
            continue
        font = str(getattr(frag, "fontName", style.fontName))
        run = par.add_run(_nfc(text))
        _set_run_font(
            run,
            float(getattr(frag, "fontSize", style.fontSize)),
            bold="Bold" in font or bool(getattr(frag, "bold", 0)),
            italic="Italic" in font or bool(getattr(frag, "italic", 0)),
        )
        if getattr(frag, "underline", 0):
            run.font.underline = True


def _add_spacer(container: Container, height: float, first: list[bool]) -> None:
    par = _paragraph(container, first)
    fmt = par.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(max(height, 1))
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def _add_rule(container: Container, length: float, width: float, first: list[bool]) -> None:
    """The short line under the agency's name and under the motto (a bottom border)."""
    par = _paragraph(container, first)
    fmt = par.paragraph_format
    side = max((width - length) / 2, 0)
    fmt.left_indent = Pt(side)
    fmt.right_indent = Pt(side)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(3)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    par._p.get_or_add_pPr().append(borders)


def _text_cell(cell: _Cell, text: str, size: float, *, bold: bool, align: Any) -> None:
    par = cell.paragraphs[0]
    par.paragraph_format.alignment = align
    par.paragraph_format.space_after = Pt(0)
    if text:
        _set_run_font(par.add_run(_nfc(text)), size, bold=bold)


def _repeat_header(table: Any, rows: int) -> None:
    for row in table.rows[:rows]:
        tr_pr = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)


def _widths(table: Any, widths: Sequence[float]) -> None:
    table.autofit = False
    # LibreOffice reads the grid's column widths, Word the cells': set both.
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Pt(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Pt(width)


def _cell_padding(table: Any, points: float = 3) -> None:
    """Cell padding as in the PDF's tables (3 pt left and right)."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(points * 20)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    # The schema's order: tblCellMar comes before tblLook (LibreOffice ignores it after).
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)


def _has_grid(flow: Table) -> bool:
    return any(cmd[0] in ("GRID", "BOX", "INNERGRID") for cmd in getattr(flow, "_linecmds", []))


def _add_table(container: Container, flow: Table, width: float) -> None:
    data = flow._cellvalues
    n_rows, n_cols = len(data), max((len(r) for r in data), default=0)
    if n_rows == 0 or n_cols == 0:
        return
    table = container.add_table(rows=n_rows, cols=n_cols)
    if _has_grid(flow):
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [float(w) if isinstance(w, int | float) else width / n_cols for w in flow._colWidths]
    if not _has_grid(flow) and 0 < sum(widths) < width:
        # A layout table (header, signatures) may take the PDF frame's padding too: Word
        # lays out a line a little wider than ReportLab, and the motto must stay one line.
        widths = [w * width / sum(widths) for w in widths]
    hidden: set[tuple[int, int]] = set()
    for _cmd, start, stop in getattr(flow, "_spanCmds", []):
        c0, r0 = start[0] % n_cols, start[1] % n_rows
        c1, r1 = stop[0] % n_cols, stop[1] % n_rows
        c0, c1 = min(c0, c1), max(c0, c1)
        r0, r1 = min(r0, r1), max(r0, r1)
        if (c0, r0) == (c1, r1):
            continue
        table.cell(r0, c0).merge(table.cell(r1, c1))
        hidden |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    for r, row in enumerate(data):
        for c, value in enumerate(row):
            if (r, c) in hidden:
                continue
            cell = table.cell(r, c)
            cell_width = widths[c] if c < len(widths) else width / n_cols
            if isinstance(value, str | int | float):
                cs = flow._cellStyles[r][c]
                _text_cell(
                    cell,
                    str(value),
                    float(cs.fontsize),
                    bold="Bold" in str(cs.fontname),
                    align=_CELL_ALIGN.get(str(cs.alignment).upper()),
                )
            else:
                items = value if isinstance(value, list | tuple) else [value]
                add_flowables(cell, items, cell_width - 6)
    _widths(table, widths)
    _cell_padding(table, 3 if _has_grid(flow) else 0)
    repeat = flow.repeatRows if isinstance(flow.repeatRows, int) else 0
    if repeat:
        _repeat_header(table, repeat)
    _after_table(container)


def _add_ruled(container: Container, flow: RuledTable) -> None:
    rows = flow.rows
    if not rows:
        return
    table = container.add_table(rows=len(rows), cols=len(flow.widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        span = flow.spans.get(r)
        if span is not None:
            table.cell(r, span[0]).merge(table.cell(r, span[1]))
        for c, text in enumerate(row):
            if span is not None and span[0] < c <= span[1]:
                continue
            # The PDF's cells arrive wrapped into lines; Word wraps by itself.
            joined = " ".join(part.strip() for part in text.split("\n") if part.strip())
            _text_cell(
                table.cell(r, c),
                joined,
                flow.look.size,
                bold=r < flow.header_rows or r in flow.bold,
                align=WD_ALIGN_PARAGRAPH.CENTER
                if r < flow.header_rows
                else _CELL_ALIGN.get(flow.aligns[c].upper()),
            )
    _widths(table, flow.widths)
    _cell_padding(table, flow.look.pad_x)
    _repeat_header(table, flow.header_rows)
    _after_table(container)


def _after_table(container: Container) -> None:
    if isinstance(container, Document):
        return
    # A cell must end with a paragraph after a nested table.
    container.add_paragraph()


def add_flowables(container: Container, story: Iterable[Any], width: float) -> None:
    """Append ``story`` to a document body or a table cell ``width`` points wide."""
    first = [True]
    for flow in story:
        if isinstance(flow, Paragraph):
            _add_paragraph(container, flow, first)
        elif isinstance(flow, Table):
            first[0] = False
            _add_table(container, flow, width)
        elif isinstance(flow, RuledTable):
            first[0] = False
            _add_ruled(container, flow)
        elif isinstance(flow, KeepTogether):
            add_flowables(container, flow._content, width)
            first[0] = False
        elif isinstance(flow, Spacer):
            if float(flow.height) >= 2:
                _add_spacer(container, float(flow.height), first)
        elif type(flow).__name__ == "_Rule":
            _add_rule(container, float(flow.length), width, first)
        elif isinstance(flow, Flowable) and hasattr(flow, "_content"):
            add_flowables(container, flow._content, width)
        elif isinstance(flow, TableWithClosing):
            # A table kept with its closing block (reports.common.closing): both, in order.
            add_flowables(container, [flow.table, *flow.closing], width)
            first[0] = False
        else:
            # Page breaks and drawing-only flowables have no text to carry over.
            log.debug("flowable %s left out of the Word copy", type(flow).__name__)


def _page_number_header(doc: Document) -> None:
    """From page 2 on: the page number, centred in the header (ND 30/2020)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    par = section.header.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = par.add_run()
    _set_run_font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def story_to_docx(captured: CapturedStory) -> Document:
    """A Word document with the page, margins and content of ``captured``."""
    doc = new_document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    section = doc.sections[0]
    width, height = captured.pagesize
    section.orientation = WD_ORIENT.LANDSCAPE if width > height else WD_ORIENT.PORTRAIT
    section.page_width = Pt(width)
    section.page_height = Pt(height)
    section.top_margin = Pt(captured.margins["top"])
    section.bottom_margin = Pt(captured.margins["bottom"])
    section.left_margin = Pt(captured.margins["left"])
    section.right_margin = Pt(captured.margins["right"])
    section.header_distance = Pt(28)
    doc.core_properties.title = captured.title
    doc.core_properties.author = "kcdesk"
    _page_number_header(doc)
    text_width = width - captured.margins["left"] - captured.margins["right"]
    add_flowables(doc, captured.story, text_width)
    return doc

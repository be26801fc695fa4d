"""Danh mục đề án khuyến công as an ND 30/2020 PDF (landscape A4).

``default_issuer``, ``is_draft`` and ``reference_line`` live in ``wording`` (shared with
the XLSX) and are re-exported here.

The agency header, the title and the decision reference, the table with group
subtotals and the grand total, the total support in words, and the signature
block. Table text is wrapped once with the font's metrics into plain multi-line
cells (much faster than a Paragraph per cell: a catalogue can hold thousands of
rows) and the table is a RuledTable (catalogue_table), which splits in linear time.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from kcdesk.formatting import amount_in_words, format_money
from kcdesk.reports.catalogue.table import RuledTable, TableLook
from kcdesk.reports.catalogue.wording import default_issuer, is_draft, reference_line
from kcdesk.reports.catalogue.xlsx import TOTAL_LABEL, label_span
from kcdesk.reports.common import official_pdf as op
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.fonts import SERIF, SERIF_BOLD
from kcdesk.reports.common.org import Agency, Issuer, signer_name
from kcdesk.services.catalogue.build import CatalogueView
from kcdesk.services.catalogue.columns import CatalogueForm

# Table text is never smaller than 10 pt (docs/official-documents.md, "Trang in").
FONT_SIZE = 10

__all__ = ["default_issuer", "is_draft", "reference_line", "write_catalogue_pdf"]
LEADING = 12
PAD = 3


_WIDTHS: dict[tuple[str, str], float] = {}


def _width(word: str, font: str) -> float:
    # Catalogues repeat the same words thousands of times: measure each once.
    key = (word, font)
    found = _WIDTHS.get(key)
    if found is None:
        found = _WIDTHS[key] = stringWidth(word, font, FONT_SIZE)
    return found


# A number, an amount, a date or a date range: never cut ("1.136.000.000", "02-08/2027").
_NUMBER = re.compile(r"^\(?[\d.,/%-]+\)?[.,;:]?$")


def _pieces(word: str, font: str, width: float) -> list[str]:
    """A word as it fits ``width``: whole, or (a word wider than any column can be, such
    as a long web address) cut into pieces that fit. Numbers and date ranges are never
    cut: ``column_widths`` makes every column hold its widest."""
    if _width(word, font) <= width or _NUMBER.match(word):
        return [word]
    pieces, current = [], ""
    for char in word:
        if current and _width(current + char, font) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def _wrap(text: str, font: str, width: float) -> str:
    """Greedy word wrap into ``width`` points, breaking only at spaces."""
    if not text:
        return ""
    space = _width(" ", font)
    lines: list[str] = []
    for part in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for word in (p for w in part.split() for p in _pieces(w, font, width)):
            w = _width(word, font)
            if current and used + space + w > width:
                lines.append(" ".join(current))
                current, used = [word], w
            else:
                used += (space if current else 0.0) + w
                current.append(word)
        lines.append(" ".join(current))
    return "\n".join(lines)


def table_rows(
    view: CatalogueView, form: CatalogueForm, widths: list[float]
) -> tuple[list[list[str]], list[int]]:
    """The cell texts (wrapped) and the indexes of the bold rows (groups, total)."""
    columns = form.columns
    keys = [c.key for c in columns]
    inner = [w - 2 * PAD for w in widths]
    index_key = next((c.key for c in columns if c.kind == "index"), None)
    label_key = "title" if "title" in keys else keys[0]
    money = {c.key for c in columns if c.kind == "money"}
    span_start, span_end = label_span(form)
    span_width = sum(widths[span_start : span_end + 1]) - 2 * PAD
    rows: list[list[str]] = [
        [_wrap(c.label, SERIF_BOLD, w) for c, w in zip(columns, inner, strict=True)]
    ]
    bold: list[int] = []
    for group in view.groups:
        bold.append(len(rows))
        line: list[str] = []
        for key in keys:
            if key == index_key:
                line.append(group.numeral)
            elif key == label_key:
                line.append(_wrap(group.label, SERIF_BOLD, span_width))
            elif key in money:
                line.append(format_money(group.total(key)))
            else:
                line.append("")
        rows.append(line)
        for number, entry in enumerate(group.entries, start=1):
            cells: list[str] = []
            for key, w in zip(keys, inner, strict=True):
                if key == index_key:
                    cells.append(str(number))
                elif key in money:
                    cells.append(format_money(int(entry.value(key))))
                else:
                    cells.append(_wrap(str(entry.value(key)), SERIF, w))
            rows.append(cells)
    bold.append(len(rows))
    rows.append(
        [
            TOTAL_LABEL
            if key == label_key
            else format_money(view.total(key))
            if key in money
            else ""
            for key in keys
        ]
    )
    return rows, bold


# The widest amount a money column holds: no amount ever breaks inside its number.
WIDEST_AMOUNT = "999.999.999.999"
# The widest implementation periods (build.period_text): a period column prints them
# on one line, a date range never breaks.
WIDEST_PERIODS = ("Tháng 12-12/2099", "12/2099-12/2099")
# The widest group numeral and row number the index column holds when no catalogue is
# at hand (a catalogue measures its own).
WIDEST_INDEX = ("XVIII", "999")


def _least_widths(form: CatalogueForm, view: CatalogueView | None) -> list[float]:
    """The narrowest each column may be: its header's longest word in bold, and the
    widest content it can hold (amounts, periods, numbers) or holds (its longest word)."""
    out: list[float] = []
    for column in form.columns:
        texts = [(w, SERIF_BOLD) for w in column.label.split()]
        if column.kind == "money":
            texts.append((WIDEST_AMOUNT, SERIF_BOLD))  # totals are bold
            if view is not None:  # a total beyond it still prints whole
                totals = [view.total(column.key), *(g.total(column.key) for g in view.groups)]
                texts.append((format_money(max(totals, default=0)), SERIF_BOLD))
        elif column.kind == "index":
            indexes: tuple[str, ...] = WIDEST_INDEX
            if view is not None:
                most = max((len(g.entries) for g in view.groups), default=1)
                indexes = (*(g.numeral for g in view.groups), str(most))
            texts += [(t, SERIF_BOLD) for t in indexes]
        elif column.key == "period":
            texts += [(t, SERIF) for t in WIDEST_PERIODS]
        if view is not None and column.kind == "text":
            for group in view.groups:
                for entry in group.entries:
                    texts += [(w, SERIF) for w in str(entry.value(column.key)).split()]
        out.append(max(_width(t, font) for t, font in texts) + 2 * PAD + 1)
    return out


def column_widths(
    form: CatalogueForm, width: float, view: CatalogueView | None = None
) -> list[float]:
    """Every column at least as wide as the widest content it can hold
    (``_least_widths``): text columns break only at spaces, an amount or a date range
    never breaks. Amounts, numbers and periods get exactly that width; the text columns
    share the rest in the form's proportions. If the least widths cannot all fit, the
    widest word of a text column is cut (``_pieces``), never a number."""
    columns = form.columns
    least = _least_widths(form, view)
    fixed = {i for i, c in enumerate(columns) if c.kind != "text" or c.key == "period"}
    if sum(least) > width:  # a very long word: text columns share what is left
        least = [least[i] if i in fixed else 0.0 for i in range(len(columns))]
    widths = [least[i] if i in fixed else 0.0 for i in range(len(columns))]
    text = [i for i in range(len(columns)) if i not in fixed]
    room = width - sum(widths) - sum(least[i] for i in text)
    if view is not None and text and room > 0:
        for i in text:
            widths[i] = least[i]
        _balance(view, form, widths, text, room)
        return widths
    pinned = set(fixed) if len(fixed) < len(columns) else set()
    while True:
        free = [i for i in range(len(columns)) if i not in pinned]
        room = width - sum(widths[i] for i in pinned)
        share = sum(columns[i].pdf_width for i in free)
        for i in free:
            widths[i] = columns[i].pdf_width * room / share
        short = [i for i in free if widths[i] < least[i]]
        if not short or len(short) == len(free):
            break
        for i in short:
            widths[i] = least[i]
            pinned.add(i)
    return widths


# Rows the balancing measures: enough to stand for the catalogue, few enough to stay
# quick on one of thousands of rows. The room is shared out in _STEPS steps.
_SAMPLE_ROWS = 120
_STEPS = 30


def _balance(
    view: CatalogueView, form: CatalogueForm, widths: list[float], text: list[int], room: float
) -> None:
    """Share ``room`` among the text columns where it saves the most lines. A row is as
    tall as its tallest cell, so each step gives width to the column (by one step or a
    few, looking ahead) that lowers the sampled rows' total height most per point."""
    entries = [e for g in view.groups for e in g.entries][:_SAMPLE_ROWS]
    step = room / _STEPS
    cells = {i: [str(e.value(form.columns[i].key)) for e in entries] for i in text}
    cache: dict[tuple[int, int], list[int]] = {}

    def lines(i: int, k: int) -> list[int]:
        found = cache.get((i, k))
        if found is None:
            inner = widths[i] + k * step - 2 * PAD
            found = cache[(i, k)] = [_wrap(t, SERIF, inner).count("\n") + 1 for t in cells[i]]
        return found

    given = dict.fromkeys(text, 0)
    left = _STEPS
    rows = range(len(entries))
    while left > 0 and entries:
        now = [max(lines(j, given[j])[r] for j in text) for r in rows]
        best: tuple[float, int, int] = (0.0, -1, 0)
        for i in text:
            others = [max((lines(j, given[j])[r] for j in text if j != i), default=1) for r in rows]
            for more in range(1, min(left, 8) + 1):
                trial = lines(i, given[i] + more)
                saved = sum(now) - sum(max(t, o) for t, o in zip(trial, others, strict=True))
                if saved / more > best[0]:
                    best = (saved / more, i, more)
        if best[1] < 0:
            break  # no line left to save: the rest is shared in proportion below
        given[best[1]] += best[2]
        left -= best[2]
    share = sum(form.columns[i].pdf_width for i in text)
    for i in text:
        widths[i] += given[i] * step + left * step * form.columns[i].pdf_width / share


def _table(view: CatalogueView, form: CatalogueForm, width: float) -> RuledTable:
    columns = form.columns
    widths = column_widths(form, width, view)
    rows, bold = table_rows(view, form, widths)
    aligns = [
        "RIGHT" if c.kind == "money" else "CENTER" if c.kind == "index" else "LEFT" for c in columns
    ]
    span_start, span_end = label_span(form)
    spans = {row: (span_start, span_end) for row in bold} if span_end > span_start else {}
    look = TableLook(font=SERIF, bold_font=SERIF_BOLD, size=FONT_SIZE, leading=LEADING)
    return RuledTable(
        rows,
        widths,
        look,
        header_rows=1,
        bold=frozenset(bold),
        aligns=aligns,
        spans=spans,
        keep_with_next=frozenset(bold[:-1]),  # group rows; the last bold row is the total
    )


def write_catalogue_pdf(
    view: CatalogueView,
    form: CatalogueForm,
    agency: Agency,
    target: Path | BinaryIO | BytesIO,
    *,
    issuer: Issuer | None = None,
    audit_check: str | None = None,
) -> None:
    """Write the catalogue PDF; ``agency`` of ``issuer`` issues and signs it.

    ``audit_check``: the "mã kiểm tra nhật ký" printed on a submitted catalogue (the
    audit chain's head, ``audit.check_code``), an anchor on paper outside the database.
    """
    issuer = issuer or default_issuer(view)
    title = form.title_for(view.plan_year)
    doc = op.document(target, title_text=title, landscape_page=True, author=agency)
    # The frame keeps 6 pt of padding on each side: a table as wide as the page's
    # content would stick out past the right margin.
    width = op.content_width(doc)
    st = op.styles()
    story: list[Flowable] = []
    story += op.header(
        agency, number=None, when=None, width=width, number_line=False, draft=is_draft(view)
    )
    if issuer == "committee":
        story.append(op.p("Phụ lục", st["subtitle"]))
    story += op.title(title, form.subtitle_for(view.source_label) or None)[:-1]
    story.append(op.p(reference_line(view, issuer, agency), st["italic_centre"]))
    if view.changes_since_approval:
        story.append(
            op.p(
                f"Những thay đổi so với danh mục đã phê duyệt (phiên bản {view.approved_version}):",
                st["body_left"],
            )
        )
        story += [op.p(f"- {line}.", st["body_left"]) for line in view.changes_since_approval]
    story.append(op.p(form.unit_note, st["small_italic"]))
    story.append(Spacer(1, 2))
    story.append(_table(view, form, width))
    support = view.total("support")
    closing: list[Flowable] = [
        Spacer(1, 4),
        op.p(
            f"Tổng số: {view.count} đề án. Tổng kinh phí khuyến công hỗ trợ: "
            f"{format_money(support)} đồng.",
            st["body_left"],
        ),
        op.p(f"Bằng chữ: {amount_in_words(support)}.", st["small_italic"]),
        *(
            [op.p(f"Mã kiểm tra nhật ký: {audit_check}.", st["small_italic"])]
            if audit_check
            else []
        ),
        op.signature_block(
            caption="",
            post=agency.signer_post,
            name=signer_name(agency, draft=is_draft(view)),
            recipients=None,
            width=width,
        ),
    ]
    # The total row, the words and the signature stay with the table's last rows.
    keep_with_last(story, closing)
    op.build_document(doc, story)

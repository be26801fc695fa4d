"""The catalogue XLSX after the issue-24 speed-up is the workbook it was before.

The writer before the change is kept here as the reference: every table cell made as
its own Cell (``xlsx_fast.styled_cells``) and guarded, every row's height from
the line estimate asked cell by cell (copied here as it was), each entry's values
read key by key. Both write the demo catalogue (with texts a spreadsheet
would run, and multi-line ones, put in); the files must hold the same bytes (the
creation time aside) and, read back, the same cells — value, number format, font,
fill, border, alignment, protection, quote prefix — row heights, merges, column
widths and print set-up. The public-openpyxl fallback must give the same cells too.
"""

from __future__ import annotations

import dataclasses
import math
import zipfile
from collections.abc import Sequence
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from kcdesk.models.db import Database
from kcdesk.reports.catalogue import xlsx as cx
from kcdesk.reports.common import xlsx_fast
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.reports.common.xlsx_safe import guard_cell, needs_guard
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.build import CatalogueView, group_entries
from kcdesk.services.catalogue.columns import load_catalogue_form
from kcdesk.services.core import settings


def _old_styled(ws: Any, values: Sequence[object], styles: tuple[Any, ...]) -> list[Any]:
    """The table row as written before: a guarded Cell per value."""
    cells = xlsx_fast.styled_cells(ws, values, styles, plain_for=needs_guard)
    return [guard_cell(c) for c in cells]


def _old_lines(text: object, width: float) -> int:
    """The estimate of wrapped lines as it was written before (the rule itself)."""
    if not isinstance(text, str) or not text:
        return 1
    per_line = max(1.0, width * 1.15)
    if len(text) <= per_line and "\n" not in text:
        return 1
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _old_height(values: Sequence[object], widths: Sequence[float]) -> float:
    """The row height as worked out before: the estimate asked of every cell."""
    return 14.5 * max(_old_lines(v, w) for v, w in zip(values, widths, strict=True)) + 3


def _old_reader(keys: Sequence[str], index_key: str | None) -> Any:
    """An entry's cells as read before: ``Entry.value`` key by key."""
    return lambda entry, number: [number if key == index_key else entry.value(key) for key in keys]


def _as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cx, "_styled", _old_styled)
    monkeypatch.setattr(cx, "_entry_reader", _old_reader)
    # The rows' widths reach the height function as they are (no per-line figure).
    monkeypatch.setattr(cx, "_per_line", lambda width: width)
    monkeypatch.setattr(cx, "_row_height", _old_height)


def _demo_view(db: Database) -> tuple[CatalogueView, dict[str, Any]]:
    with db.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
        values = settings.get_all(s)
    entries = [e for g in view.groups for e in g.entries]
    assert len(entries) > 10
    # Texts a spreadsheet would run get cells of their own; long and multi-line ones
    # make taller rows; an empty one and a user's "formula" of the program's shape.
    entries[0] = dataclasses.replace(
        entries[0], title='=HYPERLINK("http://x")', note="+84 912", location="-", period=""
    )
    entries[1] = dataclasses.replace(
        entries[1], title="Dòng một\nDòng hai\n" + "chữ " * 60, beneficiary="@cmd"
    )
    entries[2] = dataclasses.replace(entries[2], note="=SUM(A1:A2)", implementing_unit="\tTab")
    return dataclasses.replace(view, groups=group_entries(entries)), values


def _write(view: CatalogueView, **kwargs: Any) -> bytes:
    out = BytesIO()
    cx.write_catalogue_xlsx(view, load_catalogue_form(), out, **kwargs)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _sheet(data: bytes) -> Worksheet:
    ws = load_workbook(BytesIO(data)).active
    assert isinstance(ws, Worksheet)
    return ws


def _cells(ws: Worksheet) -> list[tuple[object, ...]]:
    return [
        (
            c.coordinate,
            c.value,
            c.data_type,
            c.number_format,
            repr(c.font),
            repr(c.fill),
            repr(c.border),
            repr(c.alignment),
            repr(c.protection),
            c.quotePrefix,
        )
        for row in ws.iter_rows()
        for c in row
    ]


def _layout(ws: Worksheet) -> tuple[object, ...]:
    return (
        [(r, d.height, d.customHeight) for r, d in sorted(ws.row_dimensions.items())],
        sorted(str(m) for m in ws.merged_cells.ranges),
        sorted((k, d.width) for k, d in ws.column_dimensions.items()),
        *(
            tostring(part.to_tree())
            for part in (
                ws.page_setup,
                ws.page_margins,
                ws.sheet_properties,
                ws.print_options,
                ws.HeaderFooter,
            )
        ),
        ws.print_title_rows,
        ws.print_area,
        ws.freeze_panes,
        ws.max_row,
        ws.max_column,
    )


@pytest.mark.parametrize("with_agency", [False, True])
def test_catalogue_xlsx_is_the_workbook_it_was(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch, with_agency: bool
) -> None:
    view, values = _demo_view(demo_db)
    kwargs: dict[str, Any] = {"agency": agency_from_settings(values)} if with_agency else {}
    now = _write(view, **kwargs)
    with monkeypatch.context() as patched:
        _as_before(patched)
        before = _write(view, **kwargs)
    assert _parts(now) == _parts(before)
    ws_now, ws_before = _sheet(now), _sheet(before)
    assert _cells(ws_now) == _cells(ws_before)
    assert _layout(ws_now) == _layout(ws_before)
    # The checks above compare something: guarded texts, formulas, heights.
    cells = {c.value: c for row in ws_now.iter_rows() for c in row}
    guarded = cells['=HYPERLINK("http://x")']
    assert guarded.data_type == "s" and guarded.quotePrefix
    assert cells["@cmd"].quotePrefix and cells["\tTab"].quotePrefix
    assert any(str(v).startswith("=SUM(") and c.data_type == "f" for v, c in cells.items())
    heights = {d.height for d in ws_now.row_dimensions.values() if d.height}
    assert max(heights) >= cx.LINE_HEIGHT * 5 + 3


def test_fallback_writes_the_same_cells(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Public openpyxl only (a later openpyxl without the private details): same cells."""
    view, values = _demo_view(demo_db)
    agency = agency_from_settings(values)
    fast = _write(view, agency=agency)
    monkeypatch.setattr(xlsx_fast, "FAST", False)
    plain = _write(view, agency=agency)
    ws_fast, ws_plain = _sheet(fast), _sheet(plain)
    assert _cells(ws_fast) == _cells(ws_plain)
    assert _layout(ws_fast) == _layout(ws_plain)

"""The fast styled-row path (reports/common/xlsx_fast.py) against plain openpyxl.

Fails loudly when an openpyxl upgrade removes the private details it uses, and checks
that the fast and the fallback paths write the same cells and styles.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from kcdesk.reports.common import xlsx_fast, xlsx_style


def test_this_openpyxl_still_has_what_the_fast_path_uses() -> None:
    assert xlsx_fast.fast_path_works(), (
        "openpyxl changed Cell._style or WriteOnlyWorksheet._values_to_row: "
        "update kcdesk/reports/common/xlsx_fast.py (the fallback is slower)"
    )


def _write(path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    xlsx_fast.accept_ready_cells(ws)
    bold = xlsx_fast.prepare(ws, Font(name="Times New Roman", size=11, bold=True), Alignment())
    money = xlsx_fast.prepare(
        ws,
        Font(name="Times New Roman", size=11),
        Alignment(horizontal="right"),
        border=xlsx_style.BORDER,
        number_format=xlsx_style.MONEY_FORMAT,
    )
    for n in range(3):
        ws.append(xlsx_fast.styled_cells(ws, [f"Dòng {n}", 1_000_000 * (n + 1)], [bold, money]))
    wb.save(path)


def _read(path: Path) -> list[tuple[object, bool, str, str | None, str]]:
    ws = load_workbook(path).active
    out = []
    for row in ws.iter_rows():
        for c in row:
            out.append(
                (
                    c.value,
                    bool(c.font.b),
                    c.number_format,
                    c.alignment.horizontal,
                    c.border.left.style,
                )
            )
    return out


def test_fast_and_fallback_write_the_same_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "fast.xlsx")
    monkeypatch.setattr(xlsx_fast, "FAST", False)
    _write(tmp_path / "plain.xlsx")
    fast, plain = _read(tmp_path / "fast.xlsx"), _read(tmp_path / "plain.xlsx")
    assert fast == plain
    assert fast[0] == ("Dòng 0", True, "General", None, None)
    assert fast[1][0] == 1_000_000 and fast[1][2] == xlsx_style.MONEY_FORMAT
    assert fast[1][4] == "thin"


def _write_rows(path: Path, make_row: str) -> None:
    """Rows with a date, a text that ``plain_for`` picks (made text by ``guard``), None
    and numbers, through ``styled_cells`` or ``styled_row``."""
    from datetime import date

    from kcdesk.reports.common.xlsx_safe import guard_cell, needs_guard

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    xlsx_fast.accept_ready_cells(ws, guard=guard_cell)
    text = xlsx_fast.prepare(ws, Font(name="Times New Roman", size=11), Alignment(wrap_text=True))
    money = xlsx_fast.prepare(
        ws,
        Font(name="Times New Roman", size=11, bold=True),
        Alignment(horizontal="right"),
        border=xlsx_style.BORDER,
        number_format=xlsx_style.MONEY_FORMAT,
    )
    rows: list[list[object]] = [
        ["Dòng", 1_000, None, "=SUM(B1:B1)"],
        ["=HYPERLINK(1)", date(2027, 3, 1), "@x", 2.5],
        [None, 7, "chữ", None],
    ]
    for values in rows:
        styles = [text, money, text, money]
        if make_row == "cells":
            cells = xlsx_fast.styled_cells(ws, values, styles, plain_for=needs_guard)
            ws.append([guard_cell(c) for c in cells])
        else:
            ws.append(
                xlsx_fast.styled_row(ws, values, styles, plain_for=needs_guard, guard=guard_cell)
            )
    wb.save(path)


def _read_all(path: Path) -> list[tuple[object, ...]]:
    ws = load_workbook(path).active
    return [
        (c.coordinate, c.value, c.data_type, c.number_format, c.quotePrefix)
        + (repr(c.font), repr(c.border), repr(c.alignment))
        for row in ws.iter_rows()
        for c in row
    ]


@pytest.mark.parametrize("fast", [True, False])
def test_styled_rows_write_what_styled_cells_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    """A reused cell per sheet (styled_row) against a Cell per value (styled_cells)."""
    monkeypatch.setattr(xlsx_fast, "FAST", fast)
    _write_rows(tmp_path / "cells.xlsx", "cells")
    _write_rows(tmp_path / "row.xlsx", "row")
    cells, row = _read_all(tmp_path / "cells.xlsx"), _read_all(tmp_path / "row.xlsx")
    assert cells == row
    by_ref = {c[0]: c for c in row}
    assert by_ref["A2"][2] == "s" and by_ref["A2"][4]  # made text, quote prefix
    assert by_ref["B2"][3] != xlsx_style.MONEY_FORMAT  # the date's own format
    assert by_ref["B3"][3] == xlsx_style.MONEY_FORMAT  # … not leaked into the shared style
    assert by_ref["D1"][2] == "f" and by_ref["D2"][1] == 2.5

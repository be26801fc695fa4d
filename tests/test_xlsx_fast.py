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

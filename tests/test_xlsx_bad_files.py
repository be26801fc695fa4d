"""Bad XLSX files (issue 19 §7): a stray far cell, malformed XML, entity bombs, XXE and
impossible dates are one-line errors or row errors, never hours, gigabytes or guesses."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from kcdesk.services.core.errors import UserError
from kcdesk.services.imports import read
from kcdesk.services.imports.values import read_period

SHEET = "xl/worksheets/sheet1.xml"


def _workbook(path: Path, cells: dict[str, object]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


def _with_sheet_xml(source: Path, target: Path, xml: bytes) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, xml if name == SHEET else zin.read(name))
    return target


def test_a_stray_cell_at_the_last_row_is_not_a_million_rows(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "lạc.xlsx",
        {"A1": "TT", "B1": "Tên đề án", "A2": 1, "B2": "Máy", "C1048576": "x"},
    )
    assert path.stat().st_size < 20_000
    sheet = read.read_sheet(path)
    assert len(sheet.rows) == 2 and sheet.rows[1][1] == "Máy"


def test_too_many_rows_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_ROWS", 50)
    path = _workbook(tmp_path / "dài.xlsx", {f"A{n}": n for n in range(1, 80)})
    with pytest.raises(UserError, match="hơn 50 dòng") as info:
        read.read_sheet(path)
    assert "\n" not in str(info.value)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""
MALFORMED = b"<worksheet><sheetData><row r='1'><c r='A1'"


@pytest.mark.parametrize("xml", [BOMB, XXE, MALFORMED], ids=["billion-laughs", "xxe", "malformed"])
def test_hostile_xml_is_a_one_line_error(tmp_path: Path, xml: bytes) -> None:
    good = _workbook(tmp_path / "tốt.xlsx", {"A1": "TT"})
    bad = _with_sheet_xml(good, tmp_path / "xấu.xlsx", xml)
    with pytest.raises(UserError) as info:
        read.read_sheet(bad)
    message = str(info.value)
    assert "\n" not in message and "root:" not in message


@pytest.mark.parametrize("text", ["31/02/2027", "Tháng 3-13/2027", "13/2027"])
def test_impossible_dates_are_errors_not_guesses(text: str) -> None:
    with pytest.raises(ValueError):
        read_period(text)


def test_real_periods_still_read() -> None:
    assert read_period("Tháng 3-10/2027")[0] is not None
    assert read_period("15/03/2027")[0] is not None

"""Catalogue XLSX, PDF and submission letter read back; CLI export and state commands."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.formatting import amount_in_words, format_money
from kcdesk.models import APPROVED_OR_LATER, Proposal
from kcdesk.models.db import Database
from kcdesk.reports.catalogue.pdf import write_catalogue_pdf
from kcdesk.reports.catalogue.submission_letter_pdf import write_submission_letter
from kcdesk.reports.catalogue.xlsx import write_catalogue_xlsx
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.columns import load_catalogue_form
from kcdesk.services.core import settings
from kcdesk.services.security.actor import SYSTEM
from tests.pdftext import embedded_fonts, pdf_text
from tests.test_catalogue_service import add_proposal

MONEY = ("total_cost", "support", "counterpart", "other_funds")


@pytest.fixture
def approved(db: Database) -> Database:
    with db.session() as s:
        add_proposal(s, 1, activity="may_moc_thiet_bi", support=300_000_000)
        add_proposal(s, 2, activity="dao_tao_nghe", total=200_000_000, support=150_000_000)
        add_proposal(s, 3, activity="may_moc_thiet_bi", support=250_000_000, other=50_000_000)
        add_proposal(s, 4, activity="hoi_cho_trien_lam", support=123_456_789)
        add_proposal(s, 5, activity="zz_khong_co", support=1_000)  # unknown activity: last group
        catalogue.approve(
            s,
            SYSTEM,
            2027,
            "dia_phuong",
            decision_no="1234/QĐ-UBND",
            decision_date=date(2026, 10, 25),
        )
    return db


def db_totals(db: Database) -> dict[str, int]:
    """Totals straight from the register (independent of the catalogue code)."""
    with db.session() as s:
        rows = s.scalars(
            select(Proposal).where(
                Proposal.plan_year == 2027,
                Proposal.funding_source == "dia_phuong",
                Proposal.status.in_(sorted(APPROVED_OR_LATER)),
            )
        ).all()
        return {
            "total_cost": sum(p.total_cost for p in rows),
            "support": sum(p.approved_support or 0 for p in rows),
            "counterpart": sum(p.counterpart for p in rows),
            "other_funds": sum(p.other_funds for p in rows),
            "count": len(rows),
        }


def evaluate(ws: Worksheet, ref: str, depth: int = 0) -> int:
    """A tiny evaluator for the formulas the export writes: =SUM(A1:A9) and =SUM(A1,A7)."""
    assert depth < 5
    value = ws[ref].value
    if isinstance(value, int):
        return value
    if value is None:
        return 0
    match = re.fullmatch(r"=SUM\((.*)\)", str(value))
    assert match, f"unexpected formula {value!r} in {ref}"
    total = 0
    for part in match.group(1).split(","):
        if ":" in part:
            for row in ws[part]:
                for cell in row:
                    total += evaluate(ws, cell.coordinate, depth + 1)
        else:
            total += evaluate(ws, part, depth + 1)
    return total


def export(db: Database, tmp_path: Path) -> tuple[Path, Worksheet]:
    with db.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
    target = tmp_path / "Danh mục 2027.xlsx"
    write_catalogue_xlsx(view, load_catalogue_form(), target)
    ws = load_workbook(target).active
    assert ws is not None
    return target, ws


def test_xlsx_cells_formulas_formats_and_print_setup(approved: Database, tmp_path: Path) -> None:
    _, ws = export(approved, tmp_path)
    form = load_catalogue_form()
    keys = [c.key for c in form.columns]
    assert ws["A1"].value == "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG NĂM 2027"
    texts = [str(ws.cell(row=r, column=1).value or "") for r in range(1, 5)]
    assert any("Kèm theo Quyết định số 1234/QĐ-UBND ngày 25 tháng 10 năm 2026" in t for t in texts)
    assert any("Khuyến công địa phương" in t for t in texts)
    header = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "STT")
    assert any(
        ws.cell(row=header - 1, column=c).value == "Đơn vị tính: đồng"
        for c in range(1, len(keys) + 1)
    )
    assert [ws.cell(row=header, column=i + 1).value for i in range(len(keys))] == [
        c.label for c in form.columns
    ]
    # Group rows: roman numerals, formulas over exactly the rows below them.
    rows = list(range(header + 1, ws.max_row + 1))
    groups = [r for r in rows if ws.cell(row=r, column=1).value in ("I", "II", "III", "IV")]
    assert len(groups) == 4
    total_row = ws.max_row
    assert ws.cell(row=total_row, column=keys.index("title") + 1).value == "TỔNG CỘNG"
    totals = db_totals(approved)
    for key in MONEY:
        col = get_column_letter(keys.index(key) + 1)
        for g, nxt in zip(groups, [*groups[1:], total_row], strict=True):
            assert ws[f"{col}{g}"].value == f"=SUM({col}{g + 1}:{col}{nxt - 1})"
        assert str(ws[f"{col}{total_row}"].value).startswith("=SUM(")
        assert evaluate(ws, f"{col}{total_row}") == totals[key]
        for r in range(header + 1, total_row + 1):
            assert ws[f"{col}{r}"].number_format == "#,##0"
    # Entries numbered 1, 2 … inside each group, plain integers in money cells.
    first_group_entries = [ws.cell(row=r, column=1).value for r in range(groups[0] + 1, groups[1])]
    assert first_group_entries == list(range(1, len(first_group_entries) + 1))
    support_col = keys.index("support") + 1
    assert all(
        isinstance(ws.cell(row=r, column=support_col).value, int)
        for r in rows
        if r not in groups and r != total_row
    )
    # Print set-up.
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"
    assert ws.freeze_panes == f"A{header + 1}"
    # Page numbers at the top from page 2 (issue 17 §6).
    assert ws.oddHeader.center.text == "&P" and ws.HeaderFooter.differentFirst
    assert ws.page_margins.left == pytest.approx(30 / 25.4)
    assert ws.page_margins.top == pytest.approx(20 / 25.4)


def test_xlsx_every_table_cell_is_styled_and_rows_fit_their_text(
    approved: Database, tmp_path: Path
) -> None:
    """Borders on every cell of the table (empty ones too), Times New Roman 11, bold
    group and total rows, wrapped text, right-aligned money; each row as tall as its
    longest text needs, stored as a custom height."""
    target, ws = export(approved, tmp_path)
    form = load_catalogue_form()
    header = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "STT")
    # openpyxl reads "custom" from the height alone; Excel wants the flag itself.
    with zipfile.ZipFile(target) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    flagged = {int(m) for m in re.findall(r'<row r="(\d+)"[^>]*customHeight="1"', sheet_xml)}
    assert set(range(header, ws.max_row)) <= flagged
    group_or_total = {
        r
        for r in range(header + 1, ws.max_row + 1)
        if isinstance(ws.cell(row=r, column=1).value, str) or r == ws.max_row
    }
    merged = {(r, c) for rng in ws.merged_cells.ranges for r, c in list(rng.cells)[1:]}
    for r in range(header + 1, ws.max_row + 1):
        for c, column in enumerate(form.columns, start=1):
            if (r, c) in merged:  # inside a group label: openpyxl reads no style there
                continue
            cell = ws.cell(row=r, column=c)
            sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
            assert all(side.style == "thin" for side in sides), cell.coordinate
            assert cell.font.name == "Times New Roman" and cell.font.size == 11
            assert cell.font.bold is (r in group_or_total), cell.coordinate
            if column.kind == "money":
                assert cell.alignment.horizontal == "right"
            elif column.kind == "text":
                assert cell.alignment.wrap_text
    title_col = [c.key for c in form.columns].index("title")
    width = form.columns[title_col].width
    for r in sorted(set(range(header + 1, ws.max_row)) - group_or_total):
        dim = ws.row_dimensions[r]
        assert dim.customHeight
        title = str(ws.cell(row=r, column=title_col + 1).value)
        # At least the lines the title needs in its column (the estimate's own rule:
        # 1.15 characters per width unit), never a bare single line for a long title.
        needed = -(-len(title) // int(width * 1.15))
        assert dim.height >= 14.5 * needed + 3, (r, title)
    heights = {ws.row_dimensions[r].height for r in range(header + 1, ws.max_row)}
    assert len(heights) > 1  # rows differ: the height follows the text


def test_xlsx_a_date_cell_gets_its_own_style(tmp_path: Path) -> None:
    """Prepared styles are shared between cells; a date sets its own number format,
    which must not leak into the cells sharing the style."""
    from openpyxl import Workbook

    from kcdesk.reports.catalogue import xlsx as cx
    from kcdesk.reports.common import xlsx_fast as fast

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    fast.accept_ready_cells(ws)
    styles = cx._styles(ws)
    cells = cx._styled(ws, [date(2027, 3, 1), 5, "chữ"], (styles.money,) * 3)
    ws.append(cells)
    target = tmp_path / "d.xlsx"
    wb.save(target)
    back = load_workbook(target).active
    assert back is not None
    assert back["A1"].is_date and back["B1"].number_format == "#,##0"
    assert back["C1"].number_format == "#,##0" and back["C1"].value == "chữ"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_recalculates_to_the_same_totals(approved: Database, tmp_path: Path) -> None:
    target, _ = export(approved, tmp_path)
    out = tmp_path / "lo"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(target),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    lines = list(csv.reader((out / "Danh mục 2027.csv").read_text(encoding="utf-8").splitlines()))
    total = next(line for line in lines if "TỔNG CỘNG" in line)
    keys = [c.key for c in load_catalogue_form().columns]
    totals = db_totals(approved)
    for key in MONEY:
        shown = total[keys.index(key)]
        assert int(re.sub(r"\D", "", shown) or 0) == totals[key], key


def test_pdf_text_words_fonts_and_landscape(approved: Database, tmp_path: Path) -> None:
    with approved.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
        agency = agency_from_settings(settings.get_all(s), "committee")
    target = tmp_path / "danh mục.pdf"
    write_catalogue_pdf(view, load_catalogue_form(), agency, target)
    text = pdf_text(target)
    totals = db_totals(approved)
    assert "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG NĂM 2027" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG" in text
    assert "Kèm theo Quyết định số 1234/QĐ-UBND ngày 25 tháng 10 năm 2026" in text
    assert "TỔNG CỘNG" in text and "Tổng kinh phí" in text
    assert format_money(totals["support"]) in text
    assert format_money(totals["total_cost"]) in text
    assert f"Bằng chữ: {amount_in_words(totals['support'])}." in text
    assert "Đề án số 4 — hỗ trợ máy sấy" in text
    assert "zz_khong_co" in text  # unknown activity still printed, as its code
    assert "CHỦ TỊCH" in text
    assert any("LiberationSerif" in f for f in embedded_fonts(target))
    box = PdfReader(str(target)).pages[0].mediabox
    assert float(box.width) > float(box.height)


def test_pdf_long_catalogue_splits_pages_without_losing_rows(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        for n in range(1, 301):
            add_proposal(s, n, activity=("may_moc_thiet_bi", "dao_tao_nghe")[n % 2], facility=None)
        view = catalogue.view(s, 2027, "dia_phuong")
        agency = agency_from_settings(settings.get_all(s), "centre")
    target = tmp_path / "big.pdf"
    write_catalogue_pdf(view, load_catalogue_form(), agency, target)
    pages = PdfReader(str(target)).pages
    assert len(pages) > 5
    texts = [page.extract_text() or "" for page in pages]
    table_pages = [t for t in texts[1:] if "Đề án số" in t]
    assert len(table_pages) >= 4 and all("Tên đề án" in t for t in table_pages)
    assert "Bằng chữ" in texts[-1] and "GIÁM ĐỐC" in texts[-1]
    # Every row exactly once across the page splits, and the total at the end.
    text = pdf_text(target)
    for n in range(1, 301):
        assert text.count(f"Đề án số {n} — ") == 1, n
    assert f"TỔNG CỘNG {format_money(300 * 1_000_000_000)}" in text


def test_submission_letter(approved: Database, tmp_path: Path) -> None:
    with approved.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
        values = settings.get_all(s)
    target = tmp_path / "tờ trình.pdf"
    write_submission_letter(view, agency_from_settings(values, "centre"), values, target)
    text = pdf_text(target)
    totals = db_totals(approved)
    assert "TỜ TRÌNH" in text and "Kính gửi: Sở Công Thương tỉnh Cao Bằng" in text
    assert "danh mục đề án khuyến công năm 2027" in text
    assert f"Tổng số đề án: {totals['count']} đề án" in text
    assert amount_in_words(totals["support"]) in text
    assert format_money(totals["support"]) in text
    assert "Nơi nhận:" in text and "TTr-TTKC" in text
    # The organisation is the database's own (issue 17 §5: the demo's Cao Bằng Centre).
    assert "Trung tâm Khuyến công và Xúc tiến thương mại kính trình" in text


def test_cli_states_show_compare_and_export(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.session() as s:
        add_proposal(s, 1, support=300_000_000)
        add_proposal(s, 2, activity="dao_tao_nghe", total=200_000_000, support=150_000_000)
    db.dispose()
    base = ["--db", str(db_path), "catalogue"]
    year = ["--year", "2027"]
    assert main([*base, "submit", *year, "--letter-no", "12/TTr-TTKC"]) == 0
    assert (
        main(
            [*base, "approve", *year, "--decision-no", "1/QĐ-UBND", "--decision-date", "25/10/2026"]
        )
        == 0
    )
    capsys.readouterr()
    assert main([*base, "show", *year, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == "approved" and shown["versions"] == [1, 2]
    assert shown["totals"]["support"] == 450_000_000 and shown["count"] == 2
    assert main([*base, "compare", *year, "1", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    xlsx, pdf, letter = tmp_path / "dm.xlsx", tmp_path / "dm.pdf", tmp_path / "tt.pdf"
    assert (
        main(
            [
                *base,
                "export",
                *year,
                "--xlsx",
                str(xlsx),
                "--pdf",
                str(pdf),
                "--letter",
                str(letter),
            ]
        )
        == 0
    )
    # The exported workbook opens with the issuer's block (issue 17 §6), then the title.
    sheet = load_workbook(xlsx).active
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG"
    assert sheet["A4"].value == "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG NĂM 2027"
    # An approved catalogue is issued by the committee: its letter is the approval
    # decision, and the catalogue is that decision's appendix (issue 17 §2).
    assert "1/QĐ-UBND" in pdf_text(pdf) and "Số: 1/QĐ-UBND" in pdf_text(letter)
    assert not list(tmp_path.glob("*.part"))
    # User mistakes: one line on stderr, exit 2.
    capsys.readouterr()
    assert main([*base, "export", "--year", "2031", "--xlsx", str(tmp_path / "x.xlsx")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert (
        main([*base, "approve", *year, "--decision-no", "2", "--decision-date", "32/13/2026"]) == 2
    )

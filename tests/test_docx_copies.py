"""Word copies (.docx) read back with python-docx: the PDF's text, the ND 30/2020 page
(A4, margins, Times New Roman at the PDF's sizes, header table, Nơi nhận), and a
LibreOffice conversion to PDF that holds the same text."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm

from kcdesk.cli.main import main
from kcdesk.models.db import Database
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.reports.docx.write import write_docx
from kcdesk.reports.periodic.pdf import save_periodic_report_pdf, write_periodic_report_pdf
from kcdesk.reports.proposals.pdf import write_proposal_pdf
from kcdesk.services.core import settings
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.security.actor import SYSTEM
from tests.pdftext import pdf_text
from tests.proposal_factory import machine_input, make_facility
from tests.test_appraisal_cli import council  # noqa: F401  (fixture)
from tests.test_catalogue_exports import approved  # noqa: F401  (fixture)
from tests.test_dashboard_cli import counted  # noqa: F401  (fixture)
from tests.test_periodic_report import H1, _report, scenario  # noqa: F401  (fixture)

TOLERANCE = Mm(0.5)


def _paragraphs(container: object) -> Iterator[object]:
    """Every paragraph of a document or cell, nested tables included, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in container.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from _paragraphs(cell)


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    text = " ".join(p.text for p in _paragraphs(doc))  # type: ignore[attr-defined]
    return " ".join(unicodedata.normalize("NFC", text).split())


def words(text: str) -> set[str]:
    # Page numbers stand alone in the PDF's text; they are a field in the Word copy.
    return {w for w in re.findall(r"\w[\w.,%/–-]*", text) if not re.fullmatch(r"\d{1,2}", w)}


def assert_same_words(docx: str, pdf: str) -> None:
    """Every word of one text is in the other; a word the PDF's text extraction splits in
    a narrow table column ("Hạn g") is found in the other text without its spaces."""
    docx_flat, pdf_flat = "".join(docx.split()), "".join(pdf.split())
    assert sorted(w for w in words(docx) if w not in pdf_flat) == []
    assert sorted(w for w in words(pdf) if w not in docx_flat) == []


def assert_nd30_page(path: Path, *, landscape: bool = False, number: bool = True) -> None:
    doc = Document(str(path))
    section = doc.sections[0]
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    assert abs(section.page_width - width) < TOLERANCE
    assert abs(section.page_height - height) < TOLERANCE
    assert abs(section.left_margin - Mm(30)) < TOLERANCE
    assert abs(section.right_margin - Mm(15)) < TOLERANCE
    assert abs(section.top_margin - Mm(20)) < TOLERANCE
    assert abs(section.bottom_margin - Mm(20)) < TOLERANCE
    runs = [r for p in _paragraphs(doc) for r in p.runs if r.text.strip()]  # type: ignore[attr-defined]
    assert runs
    assert {r.font.name for r in runs} == {"Times New Roman"}
    # The header: agency left, the national motto right, in a two-column table.
    header = doc.tables[0]
    assert len(header.columns) == 2
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    assert "Độc lập - Tự do - Hạnh phúc" in header.cell(0, 1).text
    if number:
        assert "Số:" in header.cell(1, 0).text
    else:  # a decision's appendix has no number of its own (ND 30/2020; issue 17 §2)
        assert "Số:" not in " ".join(c.text for row in header.rows for c in row.cells)


def convert_with_libreoffice(docx: Path, tmp_path: Path) -> Path:
    out = tmp_path / "lo-out"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / f"{docx.stem}.pdf"


def poppler_text(path: Path) -> str:
    """pdftotext: it reads LibreOffice's Vietnamese glyphs back as the letters typed."""
    done = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True, timeout=60
    )
    return unicodedata.normalize("NFC", done.stdout)


@pytest.fixture
def proposal_code(db: Database) -> str:
    with db.session() as s:
        return create_proposal(s, SYSTEM, machine_input(make_facility(s).uuid)).code


def test_proposal_docx_same_text_page_and_fonts(
    db: Database, db_path: Path, proposal_code: str, tmp_path: Path
) -> None:
    pdf = tmp_path / "Đề án.pdf"
    with db.session() as s:
        write_proposal_pdf(s, proposal_code, pdf)
    target = tmp_path / "Đề án.docx"
    assert (
        main(["--db", str(db_path), "proposal", "docx", proposal_code, "--out", str(target)]) == 0
    )
    assert_nd30_page(target)
    text = docx_text(target)
    for expected in (
        "ĐỀ ÁN KHUYẾN CÔNG",
        "I. THÔNG TIN CHUNG",
        "VI. DỰ TOÁN KINH PHÍ",
        "394.000.000",
        "Ba trăm chín mươi tư triệu đồng",
        "47,5 %",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    assert words(text) == words(pdf_text(pdf))

    doc = Document(str(target))
    sizes = {
        r.font.size.pt
        for p in _paragraphs(doc)
        for r in p.runs  # type: ignore[attr-defined]
        if r.text.strip()
    }
    assert {13.0, 14.0, 11.0}.issubset(sizes)  # body, title, table cells as in the PDF
    title = next(p for p in _paragraphs(doc) if p.text == "ĐỀ ÁN KHUYẾN CÔNG")  # type: ignore[attr-defined]
    assert title.runs[0].font.bold and title.runs[0].font.size.pt == 14  # type: ignore[attr-defined]

    converted = convert_with_libreoffice(target, tmp_path)
    assert words(poppler_text(converted)) == words(poppler_text(pdf))


def test_proposal_docx_unknown_code_and_bad_suffix_are_one_line(
    db_path: Path,
    db: Database,
    proposal_code: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["--db", str(db_path), "proposal", "docx"]
    assert main([*base, "ĐA-1999-999", "--out", str(tmp_path / "x.docx")]) == 2
    assert main([*base, proposal_code, "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err and ".docx" in err
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.pdf").exists()


def test_catalogue_appendix_and_letter_docx(
    approved: Database,  # noqa: F811
    db_path: Path,
    tmp_path: Path,
) -> None:
    pdf, letter = tmp_path / "dm.pdf", tmp_path / "tt.pdf"
    docx, letter_docx = tmp_path / "Danh mục.docx", tmp_path / "Tờ trình.docx"
    args = ["--db", str(db_path), "catalogue", "export", "--year", "2027"]
    assert main([*args, "--pdf", str(pdf), "--letter", str(letter)]) == 0
    assert main([*args, "--docx", str(docx), "--letter-docx", str(letter_docx)]) == 0
    assert_nd30_page(docx, landscape=True, number=False)
    assert_nd30_page(letter_docx)
    text = docx_text(docx)
    assert "TỔNG CỘNG" in text and "1234/QĐ-UBND" in text
    assert_same_words(text, pdf_text(pdf))
    letter_text = docx_text(letter_docx)
    # The catalogue is approved: the text issued with it is the chairman's decision,
    # whose appendix it is (issue 17 §2), not a tờ trình.
    assert "QUYẾT ĐỊNH" in letter_text and "Nơi nhận:" in letter_text
    assert_same_words(letter_text, pdf_text(letter))


def test_appraisal_minutes_docx(
    council: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    pdf, docx = tmp_path / "bb.pdf", tmp_path / "bb.docx"
    base = ["--db", str(council), "appraisal", "minutes", "--session", "1"]
    assert main([*base, "--pdf", str(pdf), "--docx", str(docx)]) == 0
    assert_nd30_page(docx)
    text = docx_text(docx)
    assert "CHỦ TỊCH HỘI ĐỒNG" in text
    assert_same_words(text, pdf_text(pdf))


def test_periodic_report_docx(
    scenario: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    report = _report(scenario, *H1)
    with scenario.session() as s:
        values = settings.get_all(s)
    agency = agency_from_settings(values, "centre")
    pdf, docx = tmp_path / "bc.pdf", tmp_path / "Báo cáo.docx"
    kwargs = {"when": date(2026, 7, 5), "department": "Sở Công Thương tỉnh Cao Bằng"}
    save_periodic_report_pdf(report, agency, pdf, **kwargs)  # type: ignore[arg-type]
    write_docx(docx, lambda h: write_periodic_report_pdf(report, agency, h, **kwargs))  # type: ignore[arg-type]
    assert_nd30_page(docx, landscape=True)
    text = docx_text(docx)
    assert "Cao Bằng, ngày 05 tháng 7 năm 2026" in text and "600.000.000" in text
    assert_same_words(text, pdf_text(pdf))


def test_other_pdf_commands_take_docx(
    counted: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Progress report, settlement summary and amendment list: --docx beside --pdf."""
    base = ["--db", str(counted)]
    pdf, docx = tmp_path / "td.pdf", tmp_path / "td.docx"
    dash = [*base, "dashboard", "--programme", "KH-2026-2030", "--today", "30/06/2027"]
    assert main([*dash, "--pdf", str(pdf), "--docx", str(docx)]) == 0
    assert_nd30_page(docx, landscape=True)
    assert_same_words(docx_text(docx), pdf_text(pdf))
    for name, argv in (
        ("qt", ["settlement", "summary", "--year", "2026"]),
        ("dc", ["proposal", "amendments"]),
    ):
        pdf, docx = tmp_path / f"{name}.pdf", tmp_path / f"{name}.docx"
        assert main([*base, *argv, "--pdf", str(pdf), "--docx", str(docx)]) == 0
        assert_same_words(docx_text(docx), pdf_text(pdf))
        assert "Nơi nhận:" in docx_text(docx) or "CỘNG HÒA" in docx_text(docx)


def test_acceptance_minutes_docx(db: Database, db_path: Path, tmp_path: Path) -> None:
    from kcdesk.reports.implementation.acceptance_minutes_pdf import write_acceptance_minutes
    from tests.test_implementation_reports import accepted

    with db.session() as s:
        p = accepted(s, "ĐA-2026-001", 123_456_000, 80_000_000)
        pdf = write_acceptance_minutes(s, p, tmp_path / "bb.pdf")
    docx = tmp_path / "Biên bản nghiệm thu.docx"
    assert (
        main(["--db", str(db_path), "acceptance", "docx", "ĐA-2026-001", "--out", str(docx)]) == 0
    )
    assert_nd30_page(docx)
    text = docx_text(docx)
    assert "BIÊN BẢN NGHIỆM THU" in text and "12/BB-NT" in text
    assert_same_words(text, pdf_text(pdf))

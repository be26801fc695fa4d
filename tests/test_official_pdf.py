"""The shared ND 30/2020 page: header, title, signature, page numbers, embedded fonts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.platypus import PageBreak

from kcdesk.reports.common import official_pdf as op
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.services.core.organisation import DEMO_ORGANISATION
from kcdesk.services.core.settings import DEFAULTS
from tests.pdftext import embedded_fonts, pdf_pages, pdf_text


def test_official_page_layout_text_and_fonts(tmp_path: Path) -> None:
    values = {**DEFAULTS, **DEMO_ORGANISATION}
    values["org.place_name"] = "Khánh Hòa"
    values["signer.centre_name"] = "Nguyễn Văn Đức"
    agency = agency_from_settings(values, "centre")
    target = tmp_path / "Tờ trình.pdf"
    doc = op.document(target, title_text="Tờ trình")
    width = op.content_width(doc)
    story = [
        *op.header(agency, number="12/TTr-TTKC", when=date(2027, 1, 5), width=width),
        *op.title("Tờ trình", "Về việc đề nghị phê duyệt danh mục đề án"),
        op.p("Nội dung đầu tiên.", op.styles()["body"]),
        PageBreak(),
        op.p("Trang hai.", op.styles()["body"]),
        op.signature_block(
            caption="TM. BAN GIÁM ĐỐC",
            post=agency.signer_post,
            name=agency.signer_name,
            recipients=["Sở Công Thương", "Lưu: VT"],
            width=width,
        ),
    ]
    op.build_document(doc, story)
    text = pdf_text(target)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/TTr-TTKC",
        "Khánh Hòa, ngày 05 tháng 01 năm 2027",
        "TỜ TRÌNH",
        "TRUNG TÂM KHUYẾN CÔNG",
        "Nơi nhận:",
        "Nguyễn Văn Đức",
    ):
        assert expected in text, expected
    pages = pdf_pages(target)
    assert len(pages) == 2
    assert not pages[0].strip().startswith("1")
    assert pages[1].strip().startswith("2")
    fonts = embedded_fonts(target)
    assert any("LiberationSerif" in f for f in fonts)
    assert any("Italic" in f for f in fonts)


def test_parent_agency_breaks_before_the_province(tmp_path: Path) -> None:
    """ "SỞ CÔNG THƯƠNG TỈNH CAO BẰNG" is wider than a portrait page's left block: it
    breaks before "TỈNH", never inside the province's name ("… CAO" / "BẰNG")."""
    from tests.document_checks import pages_text

    agency = agency_from_settings({**DEFAULTS, **DEMO_ORGANISATION}, "centre")
    target = tmp_path / "Đề án.pdf"
    doc = op.document(target, title_text="Đề án")
    width = op.content_width(doc)
    op.build_document(doc, [*op.header(agency, number=None, when=None, width=width)])
    lines = [" ".join(line.split()) for line in pages_text(target)[0].splitlines()]
    assert any(line.startswith("SỞ CÔNG THƯƠNG") and "CAO" not in line for line in lines)
    assert any(line.startswith("TỈNH CAO BẰNG") for line in lines), lines


def test_committee_name_breaks_before_the_province(tmp_path: Path) -> None:
    from tests.document_checks import pages_text

    agency = agency_from_settings({**DEFAULTS, **DEMO_ORGANISATION}, "committee")
    target = tmp_path / "Quyết định.pdf"
    doc = op.document(target, title_text="Quyết định")
    width = op.content_width(doc)
    op.build_document(doc, [*op.header(agency, number=None, when=None, width=width)])
    lines = [" ".join(line.split()) for line in pages_text(target)[0].splitlines()]
    assert not any(line.strip() == "BẰNG" for line in lines), lines
    assert any(line.startswith("TỈNH CAO BẰNG") for line in lines), lines

"""The printed đề án: every Phụ lục II section in order, totals in figures and words."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.models.db import Database
from kcdesk.reports.proposals.pdf import write_proposal_pdf
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.security.actor import SYSTEM
from tests.pdftext import embedded_fonts, pdf_pages, pdf_text
from tests.proposal_factory import machine_input, make_facility

SECTIONS = (
    "I. THÔNG TIN CHUNG",
    "II. SỰ CẦN THIẾT VÀ CĂN CỨ CỦA ĐỀ ÁN",
    "III. MỤC TIÊU",
    "IV. QUY MÔ ĐỀ ÁN",
    "V. NỘI DUNG VÀ TIẾN ĐỘ THỰC HIỆN",
    "VI. DỰ TOÁN KINH PHÍ",
    "VII. TỔ CHỨC THỰC HIỆN",
    "VIII. HIỆU QUẢ CỦA ĐỀ ÁN",
)


@pytest.fixture
def code(db: Database) -> str:
    with db.session() as s:
        f = make_facility(s)
        return create_proposal(s, SYSTEM, machine_input(f.uuid)).code


def test_sections_in_template_order_with_totals_and_words(
    db: Database, code: str, tmp_path: Path
) -> None:
    target = tmp_path / "Đề án của tôi.pdf"
    with db.session() as s:
        write_proposal_pdf(s, code, target)
    text = pdf_text(target)
    positions = [text.find(heading) for heading in SECTIONS]
    assert all(pos >= 0 for pos in positions), list(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions)
    assert "ĐỀ ÁN KHUYẾN CÔNG" in text and "ĐA-2027-001" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    # Typed by hand: 3 × 125.000.000 + 19.000.000; support 187.000.000.
    assert "394.000.000" in text and "187.000.000" in text and "207.000.000" in text
    assert "Ba trăm chín mươi tư triệu đồng" in text
    assert "Một trăm tám mươi bảy triệu đồng" in text
    assert "47,5 %" in text
    assert "Hợp tác xã Chè Đại Từ" in text and "4600123456" in text
    assert "Khảo sát, chọn nhà cung cấp" in text and "04/2027 – 09/2027" in text
    assert "Số máy móc, thiết bị: 3" in text
    assert "Giảm khói bụi." in text
    assert any(
        name.endswith("LiberationSerif") or "LiberationSerif" in name
        for name in embedded_fonts(target)
    )
    assert len(pdf_pages(target)) >= 2


def test_province_template_relabels_the_print(
    db: Database, code: str, tmp_path: Path, _data_dir: Path
) -> None:
    from kcdesk import paths

    shipped = (paths.shipped_forms_dir() / "proposal_template.toml").read_text(encoding="utf-8")
    own = paths.user_forms_dir()
    own.mkdir(parents=True, exist_ok=True)
    (own / "proposal_template.toml").write_text(
        shipped.replace('heading = "Mục tiêu"', 'heading = "Mục tiêu của tỉnh"'), encoding="utf-8"
    )
    target = tmp_path / "x.pdf"
    with db.session() as s:
        write_proposal_pdf(s, code, target)
    assert "III. MỤC TIÊU CỦA TỈNH" in pdf_text(target)


def test_cli_proposal_pdf(db: Database, db_path: Path, code: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db.dispose()
    out = tmp_path / "đề-án.pdf"
    assert main(["--db", str(db_path), "proposal", "pdf", code, "--out", str(out)]) == 0
    assert "VI. DỰ TOÁN KINH PHÍ" in pdf_text(out)
    assert main(["--db", str(db_path), "proposal", "pdf", "ĐA-2027-999", "--out", str(out)]) == 2
    assert "ĐA-2027-999" in capsys.readouterr().err

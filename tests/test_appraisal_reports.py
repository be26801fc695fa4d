"""Printed appraisal documents, read back through their text: sheets, minutes, XLSX."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kcdesk.models.db import Database
from kcdesk.reports.appraisal.minutes_pdf import write_minutes
from kcdesk.reports.appraisal.sheet_data import print_sheets
from kcdesk.reports.appraisal.sheet_pdf import CriterionLine, SheetData, write_sheets
from kcdesk.reports.appraisal.summary_xlsx import write_summary
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.scores import enter_scores
from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.security.actor import SYSTEM
from tests.appraisal_support import make_council, points, score_first_two
from tests.pdftext import embedded_fonts, pdf_pages, pdf_text


def test_prefilled_sheet_carries_everything_a_member_needs(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "phiếu.pdf"
    with db.session() as session:
        c = make_council(session, members=1)
        count = print_sheets(session, [c.session], target)
    assert count == 3  # one member × three proposals
    pages = pdf_pages(target)
    assert len(pages) == 3  # one page per sheet
    first = " ".join(pages[0].split())
    for expected in (
        "SỞ CÔNG THƯƠNG",
        "HỘI ĐỒNG THẨM ĐỊNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Cao Bằng, ngày 20 tháng 9 năm 2026",  # ND 30: no zero before month 9
        "PHIẾU ĐÁNH GIÁ THẨM ĐỊNH ĐỀ ÁN KHUYẾN CÔNG",
        "Quyết định số 245/QĐ-SCT ngày 05/09/2026",
        "Nông Văn Hùng",
        "ĐA-2027-001 — Hỗ trợ máy sao chè cho Hợp tác xã Chè Đại Từ",
        "Đơn vị thụ hưởng: Hợp tác xã Chè Đại Từ",
        "187.000.000 đồng",
        "Năng lực của đơn vị thực hiện, đơn vị phối hợp, đơn vị thụ hưởng",
        "Tổng cộng 100",
        "Đề nghị hỗ trợ có điều chỉnh",
        "Không đề nghị hỗ trợ",
        "Ý kiến khác",
        "THÀNH VIÊN HỘI ĐỒNG",
        "(Ký, ghi rõ họ tên)",
    ):
        assert expected in first, expected
    # The default scale's internal note belongs in Settings, not on a signed sheet.
    assert "chưa có thang điểm chính thức" not in first and "Thang điểm mặc định" not in first
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"} <= {
        name.split("+")[-1] for name in embedded_fonts(target)
    }


def test_blank_sheet_leaves_the_summary_to_handwriting(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "blank.pdf"
    with db.session() as session:
        c = make_council(session, members=1)
        print_sheets(session, [c.session], target, blank=True)
    text = pdf_text(target)
    assert "ĐA-2027-001" in text  # the code lets the paper be matched back
    assert "Hỗ trợ máy sao chè" not in text
    assert "187.000.000" not in text
    assert "Nông Văn Hùng" in text


def _sheet_order(path: Path) -> list[tuple[str, str]]:
    out = []
    for page in pdf_pages(path):
        text = " ".join(page.split())
        member = next(
            name for name in ("Nông Văn Hùng", "Hoàng Thị Lan", "Lục Văn Đức") if name in text
        )
        code = next(code for code in ("ĐA-2027-001", "ĐA-2027-002", "ĐA-2027-003") if code in text)
        out.append((member, code))
    return out


@pytest.mark.parametrize("order", ["member", "proposal"])
def test_batch_order_and_conflicts(db: Database, tmp_path: Path, order: str) -> None:
    target = tmp_path / f"{order}.pdf"
    with db.session() as session:
        c = make_council(session, members=3)
        appraisal.declare_conflict(session, SYSTEM, c.items[1], c.members[2], "Họ hàng")
        count = print_sheets(session, [c.session], target, order=order)  # type: ignore[arg-type]
    assert count == 8  # 3 × 3 minus the conflict
    seen = _sheet_order(target)
    assert ("Lục Văn Đức", "ĐA-2027-002") not in seen
    if order == "member":
        assert [m for m, _ in seen] == ["Nông Văn Hùng"] * 3 + ["Hoàng Thị Lan"] * 3 + [
            "Lục Văn Đức"
        ] * 2
    else:
        assert [code for _, code in seen] == ["ĐA-2027-001"] * 3 + ["ĐA-2027-002"] * 2 + [
            "ĐA-2027-003"
        ] * 3


def test_sheet_with_scores_prints_them(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "scored.pdf"
    with db.session() as session:
        c = make_council(session, members=1)
        enter_scores(
            session,
            SYSTEM,
            c.items[0],
            c.members[0],
            points(18, 22.5, 18, 12, 8, 8),
            conclusion="ho_tro",
            comment="Cần bổ sung báo giá",
        )
        print_sheets(session, [c.session], target, with_scores=True)
    first = " ".join(pdf_pages(target)[0].split())
    assert "22,5" in first
    assert "Tổng cộng 100 86,5" in first
    assert "Cần bổ sung báo giá" in first


def test_printing_without_members_is_refused(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "none.pdf"
    with db.session() as session:
        c = make_council(session, members=0)
        with pytest.raises(UserError, match="chưa có thành viên"):
            print_sheets(session, [c.session], target)
    assert not target.exists()


def test_minutes_show_results_and_both_signatures(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "biên bản.pdf"
    with db.session() as session:
        c = make_council(session, members=2)
        score_first_two(session, c)
        write_minutes(c.session, settings.get_all(session), target)
    text = pdf_text(target)
    for expected in (
        "BIÊN BẢN HỌP HỘI ĐỒNG THẨM ĐỊNH",
        "Đề án khuyến công năm 2027",
        "Căn cứ Quyết định số 245/QĐ-SCT ngày 05/09/2026",
        "Nông Văn Hùng, Phó Giám đốc Sở Công Thương — Chủ tịch Hội đồng",
        "III. KẾT QUẢ THẨM ĐỊNH",
        # Averages in one format: two decimals, decimal comma (issue 17 §4).
        "86,00 Đạt Đề nghị hỗ trợ",
        "45,00 Không đạt Không đề nghị hỗ trợ",
        "Chưa chấm",
        "1 đề án đạt, 1 đề án không đạt, 1 đề án chưa chấm",
        "187.000.000 đồng",
        "Một trăm tám mươi bảy triệu đồng",
        "THƯ KÝ HỘI ĐỒNG",
        "CHỦ TỊCH HỘI ĐỒNG",
        "Hoàng Thị Lan",
    ):
        assert expected in text, expected
    # Ranking order: the passed proposal is listed before the failed one.
    assert text.index("ĐA-2027-001") < text.index("ĐA-2027-002")


def test_summary_xlsx_has_formulas_over_member_totals(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "tổng hợp.xlsx"
    with db.session() as session:
        c = make_council(session, members=2)
        enter_scores(session, SYSTEM, c.items[0], c.members[0], points(20, 25, 20, 15, 10, 10))
        enter_scores(session, SYSTEM, c.items[0], c.members[1], points(10, 10, 10, 10, 10, 10))
        write_summary(c.session, target)
    wb = openpyxl.load_workbook(target)
    ws = wb["Kết quả"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Hạng")
    first = header + 1
    assert ws.cell(first, 2).value == "ĐA-2027-001"
    assert ws.cell(first, 4).value == 187_000_000
    assert ws.cell(first, 4).number_format == "#,##0"
    assert str(ws.cell(first, 6).value).startswith("=IF(COUNT('Điểm chi tiết'!")
    # Rank and result follow the formulas (issue 17 §6), as the average does.
    assert ws.cell(first, 8).value == (
        f'=IF(F{first}="","Chưa chấm",IF(F{first}>=G{first},"Đạt","Không đạt"))'
    )  # (100 + 60) / 2 = 80 ≥ 70: "Đạt" once calculated
    assert str(ws.cell(first, 1).value).startswith(f'=IF(F{first}="","",RANK(F{first},')
    detail = wb["Điểm chi tiết"]
    rows = [r for r in detail.iter_rows(values_only=True) if r[0] == "ĐA-2027-001"]
    assert [r[1] for r in rows] == ["Nông Văn Hùng", "Hoàng Thị Lan"]
    assert rows[0][3:9] == (20, 25, 20, 15, 10, 10)
    assert str(rows[0][9]).startswith("=SUM(D")


def _sheet(title: str) -> SheetData:
    return SheetData(
        agency_parent="SỞ CÔNG THƯƠNG",
        agency_name="HỘI ĐỒNG THẨM ĐỊNH",
        place_date="Cao Bằng, ngày ... tháng ... năm ...",
        title="Phiếu chấm điểm",
        note="",
        council="Hội đồng bình chọn",
        decision="",
        member_name="Hà Thị Hằng",
        member_post="",
        member_role="Ủy viên",
        proposal_code="SP-01",
        proposal_title=title,
        beneficiary="Hợp tác xã Mây tre Hòa An",
        activity="Bình chọn sản phẩm",
        support="0 đồng",
        criteria=tuple(CriterionLine(f"Tiêu chí số {n}", 10) for n in range(1, 5)),
        total_max=40,
        pass_mark=28,
        conclusions=("Đề nghị công nhận", "Không đề nghị công nhận"),
    )


def test_a_sheet_too_long_for_one_page_continues_numbered(tmp_path: Path) -> None:
    target = tmp_path / "dài.pdf"
    long_title = " ".join(["Sản phẩm mây tre đan xuất khẩu truyền thống"] * 120)
    assert write_sheets(target, [_sheet("Ngắn"), _sheet(long_title)]) == 2
    pages = pdf_pages(target)
    assert len(pages) == 3  # one page, then a sheet on two pages
    assert pages[2].split()[0] == "2"  # ND 30/2020: numbered from page 2 of that sheet
    assert not pages[1].split()[0].isdigit()  # each sheet's first page carries no number
    assert "THÀNH VIÊN HỘI ĐỒNG" in pages[2]


def test_cancelled_batch_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "hủy.pdf"
    seen: list[int] = []

    def progress(done: int) -> bool:
        seen.append(done)
        return done < 2

    assert write_sheets(target, [_sheet("A"), _sheet("B"), _sheet("C")], progress=progress) == -1
    assert seen == [1, 2]
    assert not target.exists()

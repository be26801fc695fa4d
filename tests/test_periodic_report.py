"""Periodic report (báo cáo kết quả thực hiện chương trình): figures, PDF text, XLSX cells."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kcdesk.models import ProposalStatus
from kcdesk.models.db import Database
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.reports.periodic.pdf import save_periodic_report_pdf
from kcdesk.reports.periodic.xlsx import save_periodic_report_xlsx
from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.dashboard.periodic import PeriodReport, compute_period
from tests.dashboard_support import add_programme, add_proposal, target
from tests.pdftext import embedded_fonts, pdf_pages, pdf_text

S = ProposalStatus
CODE = "TEST-2026-2028"
MIL = 1_000_000
H1 = (date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture
def scenario(db: Database) -> Database:
    with db.session() as s:
        add_programme(
            s,
            [
                target("MH", "models", ("mo_hinh_trinh_dien",), quantity=4),
                target("TV", "proposals", ("tu_van",), quantity=5),
                target("TL", "other", ("tu_van",), quantity=20),
            ],
        )
        mh = "mo_hinh_trinh_dien"
        # Accepted inside the first half of 2026.
        add_proposal(
            s,
            year=2026,
            activity=mh,
            status=S.ACCEPTED,
            outputs={"models": (2, 2)},
            approved_support=100 * MIL,
            disbursed=80 * MIL,
            accepted_at=datetime(2026, 5, 10, 9, 0),
        )
        # Accepted after the half year: plan only (and in the annual report).
        add_proposal(
            s,
            year=2026,
            activity=mh,
            status=S.SETTLED,
            outputs={"models": (3, 1)},
            approved_support=200 * MIL,
            accepted_at=datetime(2026, 8, 1, 9, 0),
        )
        add_proposal(
            s,
            year=2026,
            activity=mh,
            status=S.APPROVED,
            outputs={"models": (4, None)},
            approved_support=300 * MIL,
        )
        # Plan year 2025 lies before the programme: never counted.
        add_proposal(
            s,
            year=2025,
            activity=mh,
            status=S.ACCEPTED,
            outputs={"models": (9, 9)},
            approved_support=900 * MIL,
            accepted_at=datetime(2026, 3, 1, 9, 0),
        )
        # Accepted before the period began: cumulative only.
        add_proposal(
            s,
            year=2026,
            activity="tu_van",
            status=S.SETTLED,
            approved_support=50 * MIL,
            accepted_at=datetime(2025, 12, 20, 9, 0),
        )
        # Plan year 2027: not in a 2026 report.
        add_proposal(s, year=2027, activity="tu_van", status=S.APPROVED, approved_support=70 * MIL)
    return db


def _report(db: Database, start: date, end: date) -> PeriodReport:
    with db.session() as s:
        return compute_period(s, CODE, start, end)


def test_half_year_figures(scenario: Database) -> None:
    report = _report(scenario, *H1)
    assert report.kind == "6 tháng đầu năm"
    assert report.plan_years == (2026,)
    targets = {t.code: t for t in report.targets}
    mh = targets["MH"]
    assert (mh.planned, mh.plan, mh.done, mh.cumulative) == (4, 2 + 3 + 4, 2, 2)
    assert mh.percent == 0.5
    tv = targets["TV"]
    assert (tv.plan, tv.done, tv.cumulative) == (1, 0, 1)
    assert (targets["TL"].plan, targets["TL"].done, targets["TL"].percent) == (None, None, None)
    rows = {a.activity: a for a in report.activities}
    assert set(rows) == {"mo_hinh_trinh_dien", "tu_van"}
    m = rows["mo_hinh_trinh_dien"]
    assert (m.plan_count, m.plan_support, m.done_count, m.done_support) == (
        3,
        600 * MIL,
        1,
        100 * MIL,
    )
    assert (m.cumulative_count, m.disbursed) == (1, 80 * MIL)
    t = rows["tu_van"]
    assert (t.plan_count, t.plan_support, t.done_count, t.cumulative_count) == (1, 50 * MIL, 0, 1)
    total = report.totals()
    assert (total.plan_count, total.plan_support) == (4, 650 * MIL)


def test_annual_figures(scenario: Database) -> None:
    report = _report(scenario, date(2026, 1, 1), date(2026, 12, 31))
    assert report.kind == "năm"
    mh = next(t for t in report.targets if t.code == "MH")
    assert (mh.done, mh.cumulative) == (2 + 1, 3)
    assert report.budget_planned == 2000 * MIL


def test_reversed_period_is_refused(scenario: Database) -> None:
    with pytest.raises(UserError, match="đứng trước"):
        _report(scenario, date(2026, 6, 30), date(2026, 1, 1))


def test_pdf_text_follows_nd30_and_the_figures(scenario: Database, tmp_path: Path) -> None:
    report = _report(scenario, *H1)
    with scenario.session() as s:
        values = settings.get_all(s)
    values["signer.centre_name"] = "Nông Văn Đức"
    target_file = tmp_path / "Báo cáo 6 tháng.pdf"
    save_periodic_report_pdf(
        report,
        agency_from_settings(values, "centre"),
        target_file,
        when=date(2026, 7, 5),
        department="Sở Công Thương tỉnh Cao Bằng",
    )
    text = pdf_text(target_file)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Cao Bằng, ngày 05 tháng 7 năm 2026",  # ND 30: month padded only below 3
        "BÁO CÁO",
        "Kết quả thực hiện chương trình khuyến công 6 tháng đầu năm 2026",
        "Kính gửi: Sở Công Thương tỉnh Cao Bằng",
        "từ ngày 01/01/2026 đến ngày 30/06/2026",
        "Mô hình trình diễn kỹ thuật",
        "600.000.000",
        "650.000.000",
        "Sáu trăm năm mươi triệu đồng",
        "Chỉ tiêu MH",
        "50,0 %",
        "Nơi nhận:",
        "Nông Văn Đức",
    ):
        assert expected in text, expected
    assert "900.000.000" not in text  # the 2025 proposal stays out
    assert any("LiberationSerif" in f for f in embedded_fonts(target_file))
    pages = pdf_pages(target_file)
    if len(pages) > 1:
        assert pages[1].strip().startswith("2")


def test_xlsx_cells_read_back(scenario: Database, tmp_path: Path) -> None:
    report = _report(scenario, *H1)
    path = tmp_path / "Báo cáo.xlsx"
    save_periodic_report_xlsx(report, path)
    wb = load_workbook(path)
    ws = wb["Theo nội dung"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = rows.index(next(r for r in rows if r[0] == "TT"))
    mh = rows[header + 1]
    assert mh == [1, "Mô hình trình diễn kỹ thuật", 3, 600 * MIL, 1, 100 * MIL, 1, 80 * MIL]
    total = rows[header + 3]
    assert total[1] == "Tổng cộng"
    first, last = header + 2, header + 3  # 1-based rows of the two activities
    assert total[3] == f"=SUM(D{first}:D{last})"
    assert ws.cell(row=header + 2, column=4).number_format == "#,##0"
    ts = wb["Theo chỉ tiêu"]
    values = {
        r[0].value: [c.value for c in r] for r in ts.iter_rows() if r[0].value in ("MH", "TL")
    }
    assert values["MH"][3:7] == [4, 9, 2, 2]
    row = next(r[0].row for r in ts.iter_rows() if r[0].value == "MH")
    assert values["MH"][7] == f"=G{row}/D{row}"
    assert values["TL"][4:8] == [None, None, None, None]

"""Acceptance minutes PDF and the yearly settlement summary, read back from the files."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from kcdesk.models import Facility, FacilityKind, Proposal, ProposalFacility
from kcdesk.models.db import Database
from kcdesk.models.implementation import DisbursementKind
from kcdesk.reports.implementation import settlement_summary as summary_report
from kcdesk.reports.implementation.acceptance_minutes_pdf import (
    minutes_bytes,
    write_acceptance_minutes,
)
from kcdesk.services.core import settings
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.forms.load import load_activities, load_measures
from kcdesk.services.implementation import acceptance, money
from kcdesk.services.implementation import progress as impl
from kcdesk.services.security.actor import SYSTEM
from tests.implementation_support import ACTIVITY, all_evidence
from tests.implementation_support import make_proposal as _make_proposal
from tests.pdftext import embedded_fonts, pdf_text

# Machinery advances need a progress report above 70 % (Điều 13 TT 36/2013, issue 18):
# these proposals have one on file, so the tests reach the ceilings they check.
make_proposal = functools.partial(_make_proposal, progress=75)

ADV, PAY = DisbursementKind.ADVANCE, DisbursementKind.SETTLEMENT


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        settings.put(s, SYSTEM, "org.place_name", "Khánh Hòa")
        settings.put(s, SYSTEM, "org.centre_name", "Trung tâm Khuyến công Khánh Hòa")
        settings.put(s, SYSTEM, "signer.centre_name", "Trần Thị Hạnh")
        yield s


def accepted(session: Session, code: str, approved: int, advance: int) -> Proposal:
    p = make_proposal(session, code=code, approved=approved)
    p.facility_links = [
        ProposalFacility(
            facility=Facility(name="HTX Mây tre đan Phú Hòa", kind=FacilityKind.COOPERATIVE),
            position=0,
        )
    ]
    money.add_disbursement(session, SYSTEM, p, kind=ADV, amount=advance, paid_on=date(2026, 4, 1))
    impl.start(session, SYSTEM, p)
    all_evidence(session, p)
    achieved = {o.measure: o.planned + 10 for o in p.outputs}
    acceptance.record_acceptance(
        session,
        SYSTEM,
        p,
        accepted_on=date(2026, 11, 5),
        minutes_no="12/BB-NT",
        participants=["Nguyễn Văn Đức — Phó Giám đốc Trung tâm", "Hà Thị Mai — Chủ nhiệm HTX"],
        result="Đạt yêu cầu, đề nghị thanh toán phần kinh phí còn lại.",
        achieved=achieved,
    )
    return p


def test_minutes_pdf_text(session: Session, tmp_path: Path) -> None:
    p = accepted(session, "ĐA-2026-001", 123_456_000, 80_000_000)
    target = write_acceptance_minutes(session, p, tmp_path / "biên bản.pdf")
    text = pdf_text(target)
    for expected in (
        "TRUNG TÂM KHUYẾN CÔNG KHÁNH HÒA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 12/BB-NT",
        "Khánh Hòa, ngày 05 tháng 11 năm 2026",
        "BIÊN BẢN NGHIỆM THU ĐỀ ÁN KHUYẾN CÔNG",
        "Nguyễn Văn Đức — Phó Giám đốc Trung tâm",
        "Hà Thị Mai — Chủ nhiệm HTX",
        "Đơn vị thụ hưởng: HTX Mây tre đan Phú Hòa",
        "123.456.000 đồng",
        "Một trăm hai mươi ba triệu bốn trăm năm mươi sáu nghìn đồng",
        # Figures as of the minutes' date (issue 17 §4).
        "Đến ngày 05/11/2026: đã tạm ứng 80.000.000 đồng",
        "Đạt yêu cầu, đề nghị thanh toán phần kinh phí còn lại.",
        "ĐẠI DIỆN ĐƠN VỊ THỰC HIỆN",
        "Trần Thị Hạnh",
    ):
        assert expected in text, expected
    # Every planned output with its plan and achieved figure; every evidence paper.
    measures = load_measures()
    for output in p.outputs:
        assert measures[output.measure].label in text
        assert f"{output.planned} {output.achieved}" in text
    for item in load_activities()[ACTIVITY].evidence:
        if item.code == "bien_ban_nghiem_thu":  # the minutes are not their own evidence
            continue
        assert item.label[:40] in text
    assert "Chưa" not in text.split("IV.")[1].split("V.")[0]
    assert any("LiberationSerif" in f for f in embedded_fonts(target))


def test_minutes_need_an_acceptance(session: Session) -> None:
    p = make_proposal(session)
    with pytest.raises(ValidationError, match="chưa có biên bản nghiệm thu"):
        minutes_bytes(session, p)


def test_settlement_summary_xlsx_and_pdf(session: Session, tmp_path: Path) -> None:
    a = accepted(session, "ĐA-2026-001", 100_000_000, 70_000_000)
    money.add_disbursement(
        session, SYSTEM, a, kind=PAY, amount=30_000_000, paid_on=date(2026, 12, 1)
    )
    money.record_settlement(
        session,
        SYSTEM,
        a,
        final_amount=100_000_000,
        settled_on=date(2027, 1, 10),
        reference="03/QĐ-SCT",
    )
    b = accepted(session, "ĐA-2026-002", 50_000_000, 35_000_000)
    money.record_settlement(
        session,
        SYSTEM,
        b,
        final_amount=33_000_000,
        settled_on=date(2027, 1, 12),
        reference="04/QĐ-SCT",
    )
    make_proposal(session, code="ĐA-2026-003", approved=20_000_000)
    make_proposal(session, code="ĐA-2025-001", plan_year=2025, approved=9_000_000)

    summary = summary_report.build_summary(session, 2026)
    assert [line.code for line in summary.lines] == ["ĐA-2026-001", "ĐA-2026-002", "ĐA-2026-003"]
    assert summary.due == date(2027, 1, 22)
    b_line = summary.lines[1]
    assert (b_line.disbursed, b_line.final_amount, b_line.refund_due) == (
        35_000_000,
        33_000_000,
        2_000_000,
    )

    xlsx = summary_report.write_xlsx(summary, tmp_path / "tổng hợp.xlsx")
    ws = load_workbook(xlsx).active
    assert ws is not None
    header = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "TT")
    assert ws.cell(row=header, column=8).value == "Quyết toán"
    first = header + 1
    assert [ws.cell(row=first + n, column=2).value for n in range(3)] == [
        "ĐA-2026-001",
        "ĐA-2026-002",
        "ĐA-2026-003",
    ]
    assert ws.cell(row=first + 1, column=9).value == 2_000_000
    assert ws.cell(row=first + 2, column=8).value is None
    total = first + 3
    assert ws.cell(row=total, column=3).value == "Tổng cộng"
    assert ws.cell(row=total, column=4).value == f"=SUM(D{first}:D{first + 2})"
    assert ws.cell(row=total, column=8).value == f"=SUM(H{first}:H{first + 2})"
    assert ws.cell(row=first, column=4).number_format == "#,##0"
    assert ws.print_title_rows == f"${header}:${header}"

    pdf = summary_report.write_pdf(session, summary, tmp_path / "tổng hợp.pdf")
    text = pdf_text(pdf)
    assert "TỔNG HỢP QUYẾT TOÁN KINH PHÍ KHUYẾN CÔNG NĂM 2026" in text
    assert "Hạn nộp hồ sơ quyết toán: 22/01/2027" in text
    assert "170.000.000" in text  # approved total
    assert "133.000.000" in text  # settled total
    assert "Một trăm ba mươi ba triệu đồng" in text
    assert "ĐA-2025-001" not in text

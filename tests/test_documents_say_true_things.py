"""Each document says true things (issue 17 §4): proposals without a beneficiary, the
cap of the proposal's funding source, the amendment list's months, request letter and
authority sentence, the appraisal sheets without internal notes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.db import Database
from tests.pdftext import pdf_text


def _proposal(demo_db: Database, *, with_facility: bool, source: str | None = None) -> str:
    with demo_db.session() as s:
        for p in s.scalars(select(Proposal).order_by(Proposal.code)):
            if bool(p.facility_links) == with_facility and (
                source is None or p.funding_source == source
            ):
                return p.code
    raise AssertionError("no such proposal in the demo")


def test_proposal_without_beneficiary_does_not_contradict_itself(
    demo_db: Database, tmp_path: Path
) -> None:
    code = _proposal(demo_db, with_facility=False)
    out = tmp_path / "de-an.pdf"
    assert (
        main(["--db", str(tmp_path / "demo.sqlite"), "proposal", "pdf", code, "--out", str(out)])
        == 0
    )
    text = pdf_text(out)
    assert "không có đơn vị thụ hưởng cụ thể" in text
    assert "Đơn vị thụ hưởng: không có" not in text
    assert "cơ sở được hỗ trợ" not in text
    assert "- Đơn vị thụ hưởng;" not in text  # not among the recipients


def test_cap_printed_is_the_one_of_the_funding_source(demo_db: Database, tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite")
    local = _proposal(demo_db, with_facility=True, source="dia_phuong")
    national = _proposal(demo_db, with_facility=True, source="quoc_gia")
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert main(["--db", db, "proposal", "pdf", local, "--out", str(a)]) == 0
    assert main(["--db", db, "proposal", "pdf", national, "--out", str(b)]) == 0
    local_text, national_text = pdf_text(a), pdf_text(b)
    assert "«Khuyến công địa phương (ngân sách tỉnh)»: chưa đối chiếu" in local_text
    assert "khuyến công quốc gia" not in local_text.split("Mức hỗ trợ tối đa")[-1]
    with demo_db.session() as s:
        activity = s.scalars(select(Proposal.activity).where(Proposal.code == national)).one()
    from kcdesk.services.forms.load import load_activities

    if load_activities()[activity].cap is not None:
        assert "Mức hỗ trợ tối đa của nội dung này:" in national_text


def test_amendment_list_months_request_and_authority(demo_db: Database, tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite")
    with demo_db.session() as s:
        p = s.scalars(
            select(Proposal).where(
                Proposal.status == ProposalStatus.IMPLEMENTING, Proposal.end_month.is_not(None)
            )
        ).first()
        assert p is not None and p.end_month is not None
        code, old_end = p.code, p.end_month
    args = ["--set", "end_month=2026-12", "--reason", "Thời tiết bất lợi"]
    request = ["--request-no", "12/CV-HTX", "--request-date", "2026-08-03"]
    assert main(["--db", db, "proposal", "amend", code, *args, *request]) == 0
    out = tmp_path / "dieu-chinh.pdf"
    assert main(["--db", db, "proposal", "amendments", "--pdf", str(out)]) == 0
    text = pdf_text(out)
    assert f"{old_end:%m/%Y} → 12/2026" in text
    assert "2026-12-01" not in text
    assert "văn bản số 12/CV-HTX ngày 03/08/2026" in text
    assert "Sở Công Thương phê duyệt." in text


def test_appraisal_sheets_carry_no_internal_note(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "phieu.pdf"
    db = str(tmp_path / "demo.sqlite")
    assert main(["--db", db, "appraisal", "sheets", "--year", "2027", "--pdf", str(out)]) == 0
    text = pdf_text(out)
    assert "chưa có thang điểm chính thức" not in text
    minutes = tmp_path / "bien-ban.pdf"
    assert main(["--db", db, "appraisal", "minutes", "--session", "1", "--pdf", str(minutes)]) == 0
    import re

    averages = re.findall(r"\b\d{2,3},\d{2}\b", pdf_text(minutes))
    assert averages, "averages print with two decimals and a comma"

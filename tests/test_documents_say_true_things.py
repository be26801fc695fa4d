"""Each document says true things (issue 17 §4): proposals without a beneficiary, the
cap of the proposal's funding source, the amendment list's months, request letter and
authority sentence, the appraisal sheets without internal notes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.core import organisation
from kcdesk.services.security.actor import SYSTEM
from tests.document_checks import pages_text
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
    assert main(["--db", demo_db.url, "proposal", "pdf", code, "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "không có đơn vị thụ hưởng cụ thể" in text
    assert "Đơn vị thụ hưởng: không có" not in text
    assert "cơ sở được hỗ trợ" not in text
    assert "- Đơn vị thụ hưởng;" not in text  # not among the recipients


def test_cap_printed_is_the_one_of_the_funding_source(demo_db: Database, tmp_path: Path) -> None:
    db = demo_db.url
    local = _proposal(demo_db, with_facility=True, source="dia_phuong")
    national = _proposal(demo_db, with_facility=True, source="quoc_gia")
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert main(["--db", db, "proposal", "pdf", local, "--out", str(a)]) == 0
    assert main(["--db", db, "proposal", "pdf", national, "--out", str(b)]) == 0
    local_text, national_text = pdf_text(a), pdf_text(b)
    # No provincial figure for local funds is known: said so, never the national one
    # (issue 18 §1; forms/activities.toml).
    assert "Chưa có mức tối đa của tỉnh cho nguồn này" in local_text
    assert "khuyến công quốc gia" not in local_text.split("Mức hỗ trợ tối đa")[-1]
    with demo_db.session() as s:
        activity = s.scalars(select(Proposal.activity).where(Proposal.code == national)).one()
    from kcdesk.services.forms.load import load_activities

    if load_activities()[activity].cap is not None:
        assert "Mức hỗ trợ tối đa của nội dung này:" in national_text


def test_amendment_list_months_request_and_authority(demo_db: Database, tmp_path: Path) -> None:
    db = demo_db.url
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
    db = demo_db.url
    assert main(["--db", db, "appraisal", "sheets", "--year", "2027", "--pdf", str(out)]) == 0
    text = pdf_text(out)
    assert "chưa có thang điểm chính thức" not in text
    minutes = tmp_path / "bien-ban.pdf"
    assert main(["--db", db, "appraisal", "minutes", "--session", "1", "--pdf", str(minutes)]) == 0
    import re

    minutes_text = pdf_text(minutes)
    averages = re.findall(r"\b\d{2,3},\d{2}\b", minutes_text)
    assert averages, "averages print with two decimals and a comma"
    # Notes about the app's scale or rules are for the Centre, not for signed minutes.
    for note in ("thang điểm mặc định", "không phải quy định của văn bản pháp luật", "))"):
        assert note not in minutes_text, note
    assert "Theo quy tắc làm việc của Hội đồng" in minutes_text


def _accept(db: Database, *, achieved_delta: int, result: str, later_payment: bool) -> bytes:
    from datetime import date

    from kcdesk.models.implementation import DisbursementKind
    from kcdesk.reports.implementation.acceptance_minutes_pdf import minutes_bytes
    from kcdesk.services.implementation import acceptance, money
    from kcdesk.services.implementation import progress as impl
    from kcdesk.services.security.actor import SYSTEM
    from tests.implementation_support import all_evidence, make_proposal

    with db.session() as s:
        p = make_proposal(s, code="ĐA-2026-001", approved=120_000_000)
        impl.start(s, SYSTEM, p)
        # Machinery is advanced after a report of more than 70 % done (Art 13, issue 18).
        impl.add_progress(s, SYSTEM, p, on=date(2026, 3, 31), percent=80)
        money.add_disbursement(
            s, SYSTEM, p, kind=DisbursementKind.ADVANCE, amount=50_000_000, paid_on=date(2026, 4, 1)
        )
        all_evidence(s, p)
        acceptance.record_acceptance(
            s,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 5),
            minutes_no="12/BB-NT",
            participants=[
                "Nguyễn Văn Đức — Phó Giám đốc, Trung tâm Khuyến công",
                "Hà Thị Mai — Chủ nhiệm, HTX Mây tre đan Phú Hòa",
                "Lò Văn Pấng — Công chức, UBND xã Phú Hòa",
            ],
            result=result,
            achieved={o.measure: max(0, o.planned + achieved_delta) for o in p.outputs},
        )
        if later_payment:
            money.add_disbursement(
                s,
                SYSTEM,
                p,
                kind=DisbursementKind.SETTLEMENT,
                amount=70_000_000,
                paid_on=date(2026, 12, 20),
            )
        return minutes_bytes(s, p)


def test_acceptance_minutes_state_what_was_true_that_day(db: Database) -> None:
    text = pdf_text(_accept(db, achieved_delta=0, result="Đạt yêu cầu.", later_payment=True))
    # The payment of 20/12 came after the minutes of 05/11: not in them.
    assert "Đến ngày 05/11/2026: đã tạm ứng 50.000.000 đồng; đã thanh toán 0 đồng" in text
    # Every person present: named with their post, and a signature cell each.
    for name in ("Nguyễn Văn Đức", "Hà Thị Mai", "Lò Văn Pấng"):
        assert f"Ông/Bà {name} —" in text
        assert name in text.split("VI. KẾT LUẬN")[1]
    assert "CHỦ NHIỆM" in text.split("VI. KẾT LUẬN")[1]
    # The minutes do not list themselves as evidence.
    assert "Biên bản nghiệm thu cơ sở" not in text.split("IV.")[1].split("V. KINH PHÍ")[0]


def test_acceptance_never_concludes_pass_below_plan_without_reason(db: Database) -> None:
    text = pdf_text(_accept(db, achieved_delta=-1, result="Đạt yêu cầu.", later_payment=False))
    assert "Các kết quả thấp hơn kế hoạch:" in text
    assert "Chưa kết luận đạt" in text and "Đạt yêu cầu." not in text


def test_acceptance_below_plan_with_the_councils_reason(db: Database) -> None:
    result = "Đạt yêu cầu; lý do: số học viên giảm vì mưa lũ, Hội đồng chấp nhận."
    text = pdf_text(_accept(db, achieved_delta=-1, result=result, later_payment=False))
    assert result in text and "Chưa kết luận đạt" not in text


def test_a_programme_of_another_province_is_not_printed_under_the_centres_letterhead(
    demo_db: Database, tmp_path: Path, capsys
) -> None:
    """The Cao Bằng demo Centre holds Khánh Hòa's programme (a seed): its dashboard and
    periodic report are refused with one line, no file written (issue 17 §4)."""
    out = tmp_path / "kh.pdf"
    args = ["--db", demo_db.url, "dashboard", "--programme", "KH-2026-2030", "--pdf", str(out)]
    assert main(args) == 2
    assert "tỉnh Khánh Hòa" in capsys.readouterr().err and not out.exists()
    periodic = ["--db", demo_db.url, "report", "periodic", "--programme", "KH-2026-2030"]
    assert main([*periodic, "--from", "2026-01-01", "--to", "2026-12-31", "--pdf", str(out)]) == 2
    assert not out.exists()


def test_programme_total_is_the_sum_of_its_rows(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "tien-do.pdf"
    with demo_db.session() as s:  # a Khánh Hòa Centre prints Khánh Hòa's programme
        organisation.apply_trusted(s, SYSTEM, {"org.province": "Khánh Hòa"})
    args = ["--db", demo_db.url, "dashboard", "--programme", "KH-2026-2030"]
    assert main([*args, "--pdf", str(out), "--today", "2026-12-31"]) == 0
    text = pdf_text(out)
    assert "Tổng cộng 36.383.300.000" in text
    assert "Tổng kinh phí ghi trong quyết định phê duyệt chương trình 36.383.000.000" in text
    # Signed, with its recipients (issue 17 §4).
    assert "Nơi nhận:" in text and "GIÁM ĐỐC" in text


def test_one_year_view_says_what_it_compares_with(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "nam.pdf"
    args = ["--db", demo_db.url, "dashboard", "--programme", "CB-2026-2030"]
    assert main([*args, "--year", "2026", "--pdf", str(out), "--today", "2026-12-31"]) == 0
    assert "so với chỉ tiêu cả giai đoạn" in pdf_text(out)


def test_proposal_states_each_expected_result_once(demo_db: Database, tmp_path: Path) -> None:
    """A measure's figure counted toward a programme target repeats the proposal's own
    figure: "Số nhãn hiệu được đăng ký: 2 nhãn hiệu" was printed twice."""
    from kcdesk.services.forms.load import load_measures

    measures = load_measures()
    with demo_db.session() as s:
        found = None
        for p in s.scalars(select(Proposal).order_by(Proposal.code)):
            own = {o.measure: o.planned for o in p.outputs if not o.target and o.planned}
            repeated = [o.measure for o in p.outputs if o.target and o.measure in own]
            if repeated and repeated[0] != "facilities":
                found = (p.code, repeated[0], own[repeated[0]])
                break
    assert found is not None, "the demo has a proposal counting a measure toward a target"
    code, measure, planned = found
    out = tmp_path / "de-an.pdf"
    assert main(["--db", demo_db.url, "proposal", "pdf", code, "--out", str(out)]) == 0
    lines = [" ".join(line.split()) for page in pages_text(out) for line in page.splitlines()]
    label = measures[measure].label
    assert sum(line.startswith(f"- {label}:") for line in lines) == 1
    assert any(line.startswith(f"- {label}: {planned} ") for line in lines)


def test_acceptance_signers_names_line_up(tmp_path: Path) -> None:
    """A caption on two lines ("TRƯỞNG PHÒNG KINH TẾ") no longer pushes its name below
    the others of its row."""
    from pypdf import PdfReader

    from kcdesk.reports.common import official_pdf as op
    from kcdesk.reports.implementation.acceptance_minutes_pdf import _party_signatures
    from tests.document_checks import _shown

    people = [
        ("Bế Thị Hoa", "Phó Giám đốc, Trung tâm Khuyến công"),
        ("Nông Văn Thắng", "Trưởng phòng Kinh tế, UBND xã nơi thực hiện"),
        ("Hoàng Văn Lâm", "Người đại diện, cơ sở thụ hưởng"),
    ]
    target = tmp_path / "ky.pdf"
    doc = op.document(target, title_text="Biên bản")
    width = op.content_width(doc)
    op.build_document(doc, [_party_signatures(people, "Giám đốc", "Nông Văn Đức", width)])
    heights: dict[str, float] = {}
    for page in PdfReader(str(target)).pages:
        texts, _rules = _shown(page)
        for _x0, _x1, y, text in texts:
            if text.strip() in {name for name, _ in people}:
                heights[text.strip()] = round(y, 1)
    assert len(heights) == 3 and len(set(heights.values())) == 1, heights


def test_proposal_names_its_place_once_as_an_address(demo_db: Database, tmp_path: Path) -> None:
    """ "Địa điểm thực hiện: Phường Thục Phán" then "Xã, phường: Phường Thục Phán":
    the place is one line, the commune once in normal case, then the province."""
    from kcdesk.services.communes.official import commune

    with demo_db.session() as s:
        p = s.scalars(
            select(Proposal).where(Proposal.commune_code.is_not(None)).order_by(Proposal.code)
        ).first()
        assert p is not None, "the demo has a proposal with an official commune"
        code, official = p.code, commune(p.commune_code)
    assert official is not None
    out = tmp_path / "de-an.pdf"
    assert main(["--db", demo_db.url, "proposal", "pdf", code, "--out", str(out)]) == 0
    lines = [" ".join(line.split()) for page in pages_text(out) for line in page.splitlines()]
    place = [line for line in lines if "Địa điểm thực hiện:" in line]
    assert len(place) == 1
    assert not any(line.split(". ", 1)[-1].startswith("Xã, phường:") for line in lines)
    text = " ".join(lines)
    assert text.count(official.bare_name) >= 1
    assert f"{official.province.address_name}" in place[0] or official.province.address_name in text
    assert place[0].lower().count(official.bare_name.lower()) == 1

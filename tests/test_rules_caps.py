"""Caps as the law and each province say (issue 18 §1): per facility, per funding
source, a whole technology line, the demonstration-model choice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kcdesk.models.db import Database
from kcdesk.services.forms import caps
from kcdesk.services.forms.load import clear_cache, load_activities
from kcdesk.services.forms.spec import FormsError
from kcdesk.services.proposals.draft import BudgetLineInput, FacilityRef, ProposalInput
from kcdesk.services.proposals.validation import errors, validate
from tests.test_forms import data_dir, shipped_text, write_override  # noqa: F401 (autouse)


def machinery() -> caps.ActivitySpec:
    return load_activities()["may_moc_thiet_bi"]


def _proposal(
    *, facilities: int, support: int, total: int, source: str = "quoc_gia", **extra: object
) -> ProposalInput:
    data = ProposalInput(
        plan_year=2027,
        title="Máy móc cho nhóm cơ sở",
        activity="may_moc_thiet_bi",
        funding_source=source,
        start_month=date(2027, 3, 1),
        end_month=date(2027, 10, 1),
        facilities=[FacilityRef(uuid=f"u-{n}", name=f"Cơ sở {n}") for n in range(facilities)],
        budget_lines=[
            BudgetLineInput(
                item="Máy",
                unit="bộ",
                quantity=Decimal(1),
                unit_price=total,
                support=support,
                counterpart=total - support,
            )
        ],
    )
    for key, value in extra.items():
        setattr(data, key, value)
    return data


def _cap_errors(data: ProposalInput) -> list[str]:
    return [
        p.message
        for p in errors(validate(data, check_files=False))
        if p.field in ("budget_lines", "whole_line", "cap_kind")
    ]


# --- per facility --------------------------------------------------------------


def test_machinery_cap_is_per_facility_with_its_unit_and_clause() -> None:
    cap = caps.select_cap(machinery(), "quoc_gia")
    assert cap is not None
    assert (cap.per, cap.unit_label, cap.amount) == ("co_so", "cơ sở", 300_000_000)
    assert "Khoản 4 Điều 8 Thông tư 28/2018/TT-BTC" in cap.source


def test_one_facility_may_not_exceed_one_ceiling() -> None:
    assert _cap_errors(_proposal(facilities=1, support=300_000_000, total=600_000_000)) == []
    messages = _cap_errors(_proposal(facilities=1, support=300_000_001, total=700_000_000))
    assert len(messages) == 1
    assert "300.000.000 đồng/cơ sở" in messages[0] and "Khoản 4 Điều 8" in messages[0]


def test_group_proposal_of_three_facilities_at_200_million_each_is_lawful() -> None:
    # Seed 001 IV.3.c: a group proposal (đề án nhóm) of three facilities.
    assert _cap_errors(_proposal(facilities=3, support=600_000_000, total=1_200_000_000)) == []
    assert _cap_errors(_proposal(facilities=3, support=900_000_000, total=1_800_000_000)) == []
    messages = _cap_errors(_proposal(facilities=3, support=900_000_001, total=1_800_000_002))
    assert len(messages) == 1
    assert "× 3 cơ sở = 900.000.000 đồng" in messages[0]


def test_cap_text_prints_the_unit_and_the_group_total() -> None:
    text = caps.cap_text(machinery(), "quoc_gia", facilities=3)
    assert "300.000.000 đồng/cơ sở" in text and "3 cơ sở: 900.000.000 đồng" in text
    assert "Khoản 4 Điều 8 Thông tư 28/2018/TT-BTC" in text
    # The amending text could not be checked: said so, never presented as verified.
    assert "chưa đối chiếu" in text


# --- per funding source -----------------------------------------------------------


@pytest.mark.parametrize("source", ["dia_phuong", "cap_xa"])
def test_local_funds_get_no_national_cap_and_the_wizard_says_so(source: str) -> None:
    data = _proposal(facilities=1, support=900_000_000, total=1_000_000_000, source=source)
    problems = validate(data, check_files=False)
    assert not [p for p in errors(problems) if p.field == "budget_lines"]
    notices = [p for p in problems if p.field == "funding_source"]
    assert len(notices) == 1 and not notices[0].is_error
    assert "Chưa có mức tối đa của tỉnh cho nguồn này" in notices[0].message
    assert "26/2014" in notices[0].source
    text = caps.cap_text(machinery(), source)
    assert text == "Chưa có mức tối đa của tỉnh cho nguồn này."
    assert "300.000.000" not in text and "28/2018" not in text


def test_province_sets_its_own_cap_for_local_funds() -> None:
    own = shipped_text("activities").replace(
        "# Mức cho mỗi cơ sở: đề án nhóm",
        '[[activity.cap]]\nfunding = ["dia_phuong"]\nper = "co_so"\npercent = 30\n'
        "amount = 150_000_000\n"
        'source = "Điều 5 Nghị quyết 07/2025/NQ-HĐND tỉnh Cao Bằng"\n\n'
        "# Mức cho mỗi cơ sở: đề án nhóm",
        1,
    )
    write_override("activities", own)
    clear_cache()
    local = _proposal(facilities=2, support=300_000_001, total=1_100_000_000, source="dia_phuong")
    messages = _cap_errors(local)
    assert len(messages) == 1
    assert "150.000.000 đồng/cơ sở × 2 cơ sở = 300.000.000 đồng" in messages[0]
    assert "Nghị quyết 07/2025" in messages[0]
    # The national figure still applies to national money, and only there.
    national = _proposal(facilities=2, support=300_000_001, total=1_100_000_000)
    assert _cap_errors(national) == []
    assert "Nghị quyết 07/2025" in caps.cap_text(machinery(), "dia_phuong")
    assert "Chưa có mức" in caps.cap_text(machinery(), "cap_xa")


def test_a_cap_for_an_unknown_source_is_refused() -> None:
    bad = shipped_text("activities").replace('funding = ["quoc_gia"]', 'funding = ["tinh"]', 1)
    write_override("activities", bad)
    clear_cache()
    with pytest.raises(FormsError, match="funding_sources.toml"):
        load_activities()


# --- whole technology line ----------------------------------------------------------


def test_whole_line_raises_the_ceiling_by_one_and_a_half() -> None:
    line = _proposal(facilities=1, support=450_000_000, total=900_000_000, whole_line=True)
    assert _cap_errors(line) == []
    single = _proposal(facilities=1, support=450_000_000, total=900_000_000)
    assert len(_cap_errors(single)) == 1
    over = _proposal(facilities=1, support=450_000_001, total=900_000_002, whole_line=True)
    messages = _cap_errors(over)
    assert len(messages) == 1 and "cả dây chuyền công nghệ" in messages[0]
    assert "cả dây chuyền" in caps.cap_text(machinery(), "quoc_gia", whole_line=True)


def test_whole_line_is_refused_where_no_multiplier_applies() -> None:
    data = _proposal(facilities=1, support=1, total=10, source="dia_phuong", whole_line=True)
    assert any("dây chuyền" in m for m in _cap_errors(data))


# --- demonstration models ------------------------------------------------------------


def test_models_to_spread_are_a_separate_choice_left_unset_and_said_so() -> None:
    model = load_activities()["mo_hinh_trinh_dien"]
    assert model.cap_kinds == {
        "mo_hinh_nhan_rong": "Mô hình của cơ sở đang hoạt động có hiệu quả cần phổ biến, nhân rộng"
    }
    sub = caps.select_cap(model, "quoc_gia", "mo_hinh_nhan_rong")
    assert sub is not None and sub.amount is None and not sub.verified
    assert "Khoản 2 Điều 8 Thông tư 28/2018/TT-BTC" in sub.source
    # Unset: never enforced, and the UI says "chưa đối chiếu".
    assert caps.cap_check(model, 10, 10, cap_kind="mo_hinh_nhan_rong") == []
    notice = caps.cap_notice(model, "quoc_gia", "mo_hinh_nhan_rong")
    assert notice is not None and "chưa đối chiếu" in notice
    # The main model cap is per model and still enforced.
    main = caps.select_cap(model, "quoc_gia")
    assert main is not None and main.per == "mo_hinh" and main.amount == 1_000_000_000
    assert len(caps.cap_check(model, 4_000_000_000, 1_000_000_001)) == 1


def test_a_province_may_set_the_model_sub_cap() -> None:
    own = shipped_text("activities").replace(
        'kind = "mo_hinh_nhan_rong"\n', 'kind = "mo_hinh_nhan_rong"\namount = 100_000_000\n', 1
    )
    write_override("activities", own)
    clear_cache()
    model = load_activities()["mo_hinh_trinh_dien"]
    messages = caps.cap_check(model, 500_000_000, 100_000_001, cap_kind="mo_hinh_nhan_rong")
    assert len(messages) == 1 and "100.000.000 đồng/mô hình" in messages[0]


def test_unknown_cap_choice_is_an_error() -> None:
    data = _proposal(facilities=1, support=1, total=10, cap_kind="khong_co")
    assert any("lựa chọn mức hỗ trợ" in m for m in _cap_errors(data))


# --- stored, exchanged ----------------------------------------------------------------


def test_whole_line_and_cap_choice_are_stored(db: Database) -> None:
    from kcdesk.services.proposals.draft import from_proposal
    from kcdesk.services.proposals.save import create_proposal
    from kcdesk.services.security.actor import SYSTEM
    from tests.proposal_factory import machine_input, make_facility

    with db.session() as s:
        facility = make_facility(s)
        data = machine_input(facility.uuid)
        data.funding_source = "quoc_gia"
        data.whole_line = True
        code = create_proposal(s, SYSTEM, data).code
    with db.session() as s:
        from kcdesk.services.proposals.lookup import detail_dict, get_proposal

        proposal = get_proposal(s, code)
        assert proposal.whole_line is True
        assert from_proposal(proposal).whole_line is True
        assert detail_dict(proposal)["whole_line"] is True


def test_whole_line_travels_in_exchange_packs(tmp_path: object) -> None:
    from pathlib import Path

    from kcdesk.models import OutputMeasure
    from kcdesk.services.exchange import export, importer
    from kcdesk.services.security.actor import SYSTEM
    from tests.exchange_support import OFFICE, add_proposal, get, make_pair

    pair = make_pair(Path(str(tmp_path)))
    with pair.office.db.session() as s:
        p = add_proposal(s, OFFICE, 1, files=pair.office.files)
        p.whole_line, p.cap_kind, p.programme = True, "", "CB-2026-2030"
        p.outputs.append(OutputMeasure(measure="jobs", target="II.2-4", planned=12))
    pack = Path(str(tmp_path)) / "gói.kcpack"
    with pair.office.db.session() as s:
        export.export_pack(s, SYSTEM, pack, attachments_root=pair.office.files)
    with pair.centre.db.session() as s:
        importer.import_pack(s, SYSTEM, pack, attachments_root=pair.centre.files)
    with pair.centre.db.session() as s:
        got = get(s, "ĐA-2027-001")
        assert got.whole_line is True and got.programme == "CB-2026-2030"
        assert ("jobs", "II.2-4", 12) in {(o.measure, o.target, o.planned) for o in got.outputs}


# --- printed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "whole_line", "expected", "absent"),
    [
        ("dia_phuong", False, "Chưa có mức tối đa của tỉnh cho nguồn này", "300.000.000"),
        ("quoc_gia", False, "300.000.000 đồng/cơ sở", "dây chuyền"),
        ("quoc_gia", True, "450.000.000 đồng/cơ sở (cả dây chuyền công nghệ", "Chưa có mức"),
    ],
)
def test_the_proposal_prints_the_cap_of_its_source(
    db: Database, tmp_path: object, source: str, whole_line: bool, expected: str, absent: str
) -> None:
    from pathlib import Path

    from kcdesk.reports.proposals.pdf import write_proposal_pdf
    from kcdesk.services.proposals.save import create_proposal
    from kcdesk.services.security.actor import SYSTEM
    from tests.pdftext import pdf_text
    from tests.proposal_factory import machine_input, make_facility

    with db.session() as s:
        facility = make_facility(s)
        data = machine_input(facility.uuid)
        data.funding_source, data.whole_line = source, whole_line
        code = create_proposal(s, SYSTEM, data).code
        target = Path(str(tmp_path)) / "đề án.pdf"
        write_proposal_pdf(s, code, target)
    text = " ".join(pdf_text(target).split())
    assert expected in text
    assert absent not in text.split("Mức hỗ trợ tối đa")[-1]

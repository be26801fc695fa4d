"""Disbursement rules at their boundaries (TT 36/2013 defaults) and settlement."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent, Proposal, ProposalStatus, Role
from kcdesk.models.db import Database
from kcdesk.models.implementation import Disbursement, DisbursementKind, Settlement
from kcdesk.services.core import audit
from kcdesk.services.core.errors import PermissionDenied, ValidationError
from kcdesk.services.forms.load import FormsError
from kcdesk.services.implementation import acceptance, money
from kcdesk.services.implementation.progress import start
from kcdesk.services.implementation.rules import load_rules
from kcdesk.services.security.actor import SYSTEM, Actor
from tests.implementation_support import all_evidence, outputs_for
from tests.implementation_support import make_proposal as _make_proposal

# Machinery advances need a progress report above 70 % (Điều 13 TT 36/2013, issue 18):
# these proposals have one on file, so the tests reach the ceilings they check.
make_proposal = functools.partial(_make_proposal, progress=75)

ADV = DisbursementKind.ADVANCE
PAY = DisbursementKind.SETTLEMENT
DAY = date(2026, 9, 1)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s


def pay(session: Session, p: Proposal, kind: DisbursementKind, amount: int) -> Disbursement:
    return money.add_disbursement(
        session, SYSTEM, p, kind=kind, amount=amount, paid_on=DAY, voucher="PC-01"
    )


def stored_sum(session: Session, p: Proposal) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Disbursement.amount), 0)).where(
                Disbursement.proposal_id == p.id
            )
        )
    )


def accept(session: Session, p: Proposal) -> None:
    if p.status is ProposalStatus.APPROVED:
        start(session, SYSTEM, p)
    all_evidence(session, p)
    acceptance.record_acceptance(
        session,
        SYSTEM,
        p,
        accepted_on=date(2026, 11, 5),
        minutes_no="12/BB-NT",
        achieved=outputs_for(p),
    )


def test_advance_exactly_70_percent_is_allowed_one_dong_more_is_refused(session: Session) -> None:
    p = make_proposal(session, approved=100_000_000)
    pay(session, p, ADV, 50_000_000)
    with pytest.raises(money.RuleRefused) as refused:
        pay(session, p, ADV, 20_000_001)
    message = str(refused.value)
    assert refused.value.rules == ["advance"]
    assert "Quy tắc tạm ứng" in message
    assert "Khoản 2 Điều 13 Thông tư 36/2013/TT-BCT" in message
    # The numbers: ceiling, already advanced, this one, the sum and the excess.
    for text in (
        "70 %",
        "100.000.000",
        "70.000.000",
        "50.000.000",
        "20.000.001",
        "70.000.001",
        "vượt 1 đồng",
        "Còn được tạm ứng tối đa 20.000.000",
    ):
        assert text in message, text
    pay(session, p, ADV, 20_000_000)
    assert p.disbursed == 70_000_000 == stored_sum(session, p)
    with pytest.raises(money.RuleRefused, match="vượt 1 đồng"):
        pay(session, p, ADV, 1)
    assert p.disbursed == 70_000_000 == stored_sum(session, p)


def test_advance_ceiling_rounds_down_to_whole_dong(session: Session) -> None:
    # 70 % of 123.456.789 is 86.419.752,3 đồng: 86.419.752 fits, one more does not.
    p = make_proposal(session, approved=123_456_789)
    pay(session, p, ADV, 86_419_752)
    with pytest.raises(money.RuleRefused, match="86.419.753"):
        pay(session, p, ADV, 1)
    assert money.advance_ceiling(123_456_789, 70) == 86_419_752


def test_settlement_payment_only_after_acceptance(session: Session) -> None:
    p = make_proposal(session)
    pay(session, p, ADV, 70_000_000)
    start(session, SYSTEM, p)
    with pytest.raises(money.RuleRefused) as refused:
        pay(session, p, PAY, 30_000_000)
    assert refused.value.rules == ["settlement"]
    assert "Điều 14 Thông tư 36/2013/TT-BCT" in str(refused.value)
    assert "'Đang thực hiện', chưa nghiệm thu" in str(refused.value)
    assert p.disbursed == 70_000_000


def test_settlement_equal_to_the_rest_is_allowed_one_dong_over_is_refused(
    session: Session,
) -> None:
    p = make_proposal(session, approved=100_000_000)
    pay(session, p, ADV, 70_000_000)
    accept(session, p)
    assert p.status is ProposalStatus.ACCEPTED
    with pytest.raises(money.RuleRefused) as refused:
        pay(session, p, PAY, 30_000_001)
    assert refused.value.rules == ["total"]
    message = str(refused.value)
    for text in (
        "Quy tắc tổng kinh phí",
        "100.000.000",
        "100.000.001",
        "vượt 1 đồng",
        "Còn được chi tối đa 30.000.000",
    ):
        assert text in message, text
    pay(session, p, PAY, 30_000_000)
    assert p.disbursed == 100_000_000 == stored_sum(session, p)
    with pytest.raises(money.RuleRefused, match="vượt 1 đồng"):
        pay(session, p, PAY, 1)


def test_no_advance_after_acceptance(session: Session) -> None:
    p = make_proposal(session)
    accept(session, p)
    with pytest.raises(money.RuleRefused) as refused:
        pay(session, p, ADV, 1_000)
    assert refused.value.rules == ["advance"]
    assert "trước khi nghiệm thu" in str(refused.value)


def test_amendment_raising_support_raises_both_ceilings(session: Session) -> None:
    p = make_proposal(session, approved=100_000_000)
    pay(session, p, ADV, 70_000_000)
    p.approved_support = 120_000_000  # amended (Chủ tịch UBND approved the raise)
    # 70 % of 120.000.000 = 84.000.000: 14.000.000 more fits, one đồng over does not.
    with pytest.raises(money.RuleRefused, match="84.000.001"):
        pay(session, p, ADV, 14_000_001)
    pay(session, p, ADV, 14_000_000)
    accept(session, p)
    with pytest.raises(money.RuleRefused, match="120.000.001"):
        pay(session, p, PAY, 36_000_001)
    pay(session, p, PAY, 36_000_000)
    assert p.disbursed == 120_000_000 == stored_sum(session, p)


def test_amendment_lowering_support_lowers_both_ceilings(session: Session) -> None:
    p = make_proposal(session, approved=100_000_000)
    pay(session, p, ADV, 40_000_000)
    p.approved_support = 80_000_000
    # 70 % of 80.000.000 = 56.000.000.
    with pytest.raises(money.RuleRefused, match="56.000.001"):
        pay(session, p, ADV, 16_000_001)
    pay(session, p, ADV, 16_000_000)
    accept(session, p)
    with pytest.raises(money.RuleRefused, match="80.000.001"):
        pay(session, p, PAY, 24_000_001)
    pay(session, p, PAY, 24_000_000)
    assert p.disbursed == 80_000_000


def test_lowered_below_what_was_paid_refuses_any_payment_and_says_so(session: Session) -> None:
    p = make_proposal(session, approved=100_000_000)
    pay(session, p, ADV, 70_000_000)
    p.approved_support = 60_000_000
    with pytest.raises(money.RuleRefused) as refused:
        pay(session, p, ADV, 1)
    assert refused.value.rules == ["advance", "total"]
    assert "Còn được chi tối đa 0 đồng" in str(refused.value)
    accept(session, p)
    with pytest.raises(money.RuleRefused, match="vượt 10.000.001 đồng"):
        pay(session, p, PAY, 1)
    # Settling at the amended support leaves a refund of what was overpaid.
    settled = money.record_settlement(
        session,
        SYSTEM,
        p,
        final_amount=60_000_000,
        settled_on=date(2027, 1, 10),
        reference="05/QĐ-SCT",
    )
    assert settled.refund_due == 10_000_000
    assert p.status is ProposalStatus.SETTLED


def test_bad_amounts_and_states(session: Session) -> None:
    p = make_proposal(session)
    for bad in (0, -5, True):
        with pytest.raises(ValidationError, match="lớn hơn 0"):
            pay(session, p, ADV, bad)  # type: ignore[arg-type]
    unapproved = make_proposal(session, code="ĐA-2026-002", status=ProposalStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="'Đã trình phê duyệt'"):
        pay(session, unapproved, ADV, 1_000)
    no_support = make_proposal(session, code="ĐA-2026-003")
    no_support.approved_support = None
    with pytest.raises(ValidationError, match="chưa có kinh phí hỗ trợ được duyệt"):
        pay(session, no_support, ADV, 1_000)


def test_settlement_record_rules(session: Session) -> None:
    p = make_proposal(session)
    pay(session, p, ADV, 70_000_000)
    with pytest.raises(money.RuleRefused, match="chỉ quyết toán đề án đã nghiệm thu"):
        money.record_settlement(
            session, SYSTEM, p, final_amount=70_000_000, settled_on=DAY, reference="QT-1"
        )
    accept(session, p)
    with pytest.raises(ValidationError, match="số, ký hiệu"):
        money.record_settlement(
            session, SYSTEM, p, final_amount=70_000_000, settled_on=DAY, reference=" "
        )
    with pytest.raises(money.RuleRefused, match="vượt kinh phí hỗ trợ được duyệt"):
        money.record_settlement(
            session, SYSTEM, p, final_amount=100_000_001, settled_on=DAY, reference="QT-1"
        )
    with pytest.raises(money.RuleRefused, match="khoản thanh toán còn lại 30.000.000"):
        money.record_settlement(
            session, SYSTEM, p, final_amount=100_000_000, settled_on=DAY, reference="QT-1"
        )
    pay(session, p, PAY, 30_000_000)
    row = money.record_settlement(
        session,
        SYSTEM,
        p,
        final_amount=100_000_000,
        settled_on=date(2027, 1, 15),
        reference="15/QĐ-SCT",
    )
    assert (row.final_amount, row.refund_due, row.reference) == (100_000_000, 0, "15/QĐ-SCT")
    assert p.status is ProposalStatus.SETTLED
    assert [c.to_status for c in p.status_changes][-3:] == ["implementing", "accepted", "settled"]
    with pytest.raises(ValidationError, match="đã quyết toán"):
        pay(session, p, PAY, 1)
    assert session.scalar(select(func.count(Settlement.id))) == 1


def test_every_write_is_audited_and_the_chain_holds(session: Session) -> None:
    p = make_proposal(session)
    before = session.scalar(select(func.count(AuditEvent.id)))
    pay(session, p, ADV, 10_000_000)
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "disbursement")).all()
    assert len(events) == 1
    assert events[0].entity_label == p.code
    assert events[0].changes["amount"] == {"old": None, "new": 10_000_000}
    assert events[0].changes["disbursed"] == {"old": 0, "new": 10_000_000}
    assert session.scalar(select(func.count(AuditEvent.id))) == before + 1
    with pytest.raises(money.RuleRefused):
        pay(session, p, ADV, 90_000_000)
    assert audit.verify_chain(session) is None


def test_permission_is_checked(session: Session) -> None:
    p = make_proposal(session)
    leader = Actor("lanhdao", Role.LEADER)
    with pytest.raises(PermissionDenied):
        pay_as = money.add_disbursement
        pay_as(session, leader, p, kind=ADV, amount=1_000, paid_on=DAY)
    assert p.disbursed == 0


def test_province_rules_override(session: Session, _data_dir: Path) -> None:
    forms = _data_dir / "forms"
    forms.mkdir(parents=True)
    (forms / "disbursement_rules.toml").write_text(
        '[advance]\nmax_percent = 50\nsource = "Quyết định 12/2025 của UBND tỉnh"\n'
        "[advance.by_activity]\nmay_moc_thiet_bi = 30\n"
        "[settlement]\nrequires_acceptance = true\n[total]\n",
        encoding="utf-8",
    )
    rules = load_rules()
    assert rules.advance_percent == 50
    assert rules.advance_percent_for("may_moc_thiet_bi") == 30
    p = make_proposal(session)
    pay(session, p, ADV, 30_000_000)
    with pytest.raises(money.RuleRefused, match="Quyết định 12/2025 của UBND tỉnh") as refused:
        pay(session, p, ADV, 1)
    assert "tối đa 30 %" in str(refused.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[advance]\nmax_percent = 101\n[settlement]\n[total]\n", "từ 0 đến 100"),
        ("[advance]\nmax_percent = 70.5\n[settlement]\n[total]\n", "số nguyên phần trăm"),
        ("[advance]\nmax_procent = 70\n[settlement]\n[total]\n", "max_procent"),
        ("[advance]\nmax_percent = 70\n[total]\n", "thiếu mục [settlement]"),
    ],
)
def test_bad_rules_file_is_explained(_data_dir: Path, body: str, message: str) -> None:
    forms = _data_dir / "forms"
    forms.mkdir(parents=True)
    (forms / "disbursement_rules.toml").write_text(body, encoding="utf-8")
    with pytest.raises(FormsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_rules()

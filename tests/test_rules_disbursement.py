"""Disbursement as Điều 13 and 18 TT 36/2013 say (issue 18 §3): the advance after a
progress report above 70 % (machinery, models, pollution treatment), the lower advance
for cluster infrastructure, the settlement dossier 15 days after acceptance, multi-year
settlement after the proposal's end."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kcdesk.models.db import Database
from kcdesk.models.implementation import DisbursementKind
from kcdesk.services.attention import settlement as attention_settlement
from kcdesk.services.implementation import acceptance, money
from kcdesk.services.implementation import progress as impl
from kcdesk.services.implementation.rules import load_rules
from kcdesk.services.implementation.views import settlement_due
from kcdesk.services.security.actor import SYSTEM
from tests.implementation_support import all_evidence, make_proposal, outputs_for

ADV = DisbursementKind.ADVANCE


def _advance(session: Session, p: object, amount: int) -> None:
    money.add_disbursement(
        session,
        SYSTEM,
        p,  # type: ignore[arg-type]
        kind=ADV,
        amount=amount,
        paid_on=date(2026, 6, 1),
    )


@pytest.mark.parametrize("activity", ["may_moc_thiet_bi", "mo_hinh_trinh_dien"])
def test_advance_needs_a_progress_report_above_70_percent(db: Database, activity: str) -> None:
    with db.session() as s:
        p = make_proposal(s, approved=100_000_000, activity=activity)
        with pytest.raises(money.RuleRefused) as refused:
            _advance(s, p, 10_000_000)
        assert refused.value.rules == ["advance_progress"]
        assert "chưa có báo cáo tiến độ" in str(refused.value)
        assert "Điều 13 Thông tư 36/2013/TT-BCT" in str(refused.value)
        impl.add_progress(s, SYSTEM, p, on=date(2026, 5, 1), percent=70)
        with pytest.raises(money.RuleRefused, match="mới 70 %"):
            _advance(s, p, 10_000_000)  # exactly 70 % is not "above 70 %"
        impl.add_progress(s, SYSTEM, p, on=date(2026, 5, 20), percent=71)
        _advance(s, p, 70_000_000)
        assert p.disbursed == 70_000_000


def test_training_advances_without_a_progress_report(db: Database) -> None:
    with db.session() as s:
        p = make_proposal(s, approved=100_000_000, activity="dao_tao_nghe")
        _advance(s, p, 70_000_000)
        assert p.disbursed == 70_000_000


def test_cluster_infrastructure_gets_the_lower_advance(db: Database) -> None:
    rules = load_rules()
    assert rules.advance_percent_for("cum_cong_nghiep") == 30
    assert rules.progress_needed_for("cum_cong_nghiep") == 50
    with db.session() as s:
        p = make_proposal(s, approved=100_000_000, activity="cum_cong_nghiep", progress=51)
        with pytest.raises(money.RuleRefused, match="30 %"):
            _advance(s, p, 30_000_001)
        _advance(s, p, 30_000_000)


def test_settlement_dossier_is_due_15_days_after_acceptance(db: Database) -> None:
    with db.session() as s:
        p = make_proposal(s, approved=100_000_000, progress=75)
        impl.start(s, SYSTEM, p)
        all_evidence(s, p)
        acceptance.record_acceptance(
            s,
            SYSTEM,
            p,
            accepted_on=date(2026, 9, 10),
            minutes_no="5/BB",
            achieved=outputs_for(p),
        )
        assert settlement_due(s, 2026, None, date(2026, 9, 10)) == date(2026, 9, 25)
        assert attention_settlement.items(s, date(2026, 9, 25)) == []
        items = attention_settlement.items(s, date(2026, 9, 26))
        assert [i.code for i in items] == [p.code]
        assert "25/09/2026" in items[0].message and "khoản 1 Điều 18" in items[0].message


def test_multi_year_settlement_follows_the_end_not_plan_year_plus_one(db: Database) -> None:
    with db.session() as s:
        assert settlement_due(s, 2026) == date(2027, 1, 22)
        assert settlement_due(s, 2026, date(2027, 6, 1)) == date(2028, 1, 22)
        p = make_proposal(s, approved=100_000_000, activity="cum_cong_nghiep")
        p.end_month = date(2027, 6, 1)
        s.flush()
        assert attention_settlement.items(s, date(2027, 2, 1)) == []
        assert [i.code for i in attention_settlement.items(s, date(2028, 1, 23))] == [p.code]

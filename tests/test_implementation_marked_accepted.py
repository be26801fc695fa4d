"""A proposal marked "Đã nghiệm thu" before its minutes are recorded: no money moves.

The rules (forms/disbursement_rules.toml, TT 36/2013/TT-BCT Điều 13–14): an advance
(tạm ứng) is paid only *before* acceptance; the rest (thanh toán) only after
acceptance, which the minutes (biên bản nghiệm thu) prove. A status moved to
"Đã nghiệm thu" in the register, or brought by an exchange pack, without minutes sits
exactly on the boundary: it is past the advance and not yet proven for settlement.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.cli.main import main
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.models.implementation import Disbursement, DisbursementKind
from kcdesk.services.implementation import acceptance, money
from kcdesk.services.implementation.progress import add_progress, start
from kcdesk.services.security.actor import SYSTEM
from tests.implementation_support import all_evidence, make_proposal, outputs_for

ADV = DisbursementKind.ADVANCE
PAY = DisbursementKind.SETTLEMENT
S = ProposalStatus
DAY = date(2026, 10, 20)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s


def pay(session: Session, p: Proposal, kind: DisbursementKind, amount: int) -> Disbursement:
    return money.add_disbursement(
        session, SYSTEM, p, kind=kind, amount=amount, paid_on=DAY, voucher="PC-07"
    )


def stored(session: Session, p: Proposal) -> list[tuple[DisbursementKind, int]]:
    return [
        (kind, amount)
        for kind, amount in session.execute(
            select(Disbursement.kind, Disbursement.amount)
            .where(Disbursement.proposal_id == p.id)
            .order_by(Disbursement.id)
        )
    ]


def marked_accepted(session: Session, *, advanced: int) -> Proposal:
    """Implementing, ``advanced`` paid, then marked accepted with no minutes."""
    p = make_proposal(session, approved=100_000_000)
    start(session, SYSTEM, p)
    # Machinery is advanced only after a report of more than 70 % done (Art 13, issue 18).
    add_progress(session, SYSTEM, p, on=date(2026, 9, 30), percent=80)
    if advanced:
        pay(session, p, ADV, advanced)
    p.status = S.ACCEPTED  # as the register or a pack sets it: no Acceptance row
    session.flush()
    assert money.get_acceptance(session, p) is None
    return p


def test_the_same_advance_is_paid_while_implementing(session: Session) -> None:
    """Control: one đồng inside the 70 % ceiling is an allowed advance before acceptance."""
    p = make_proposal(session, approved=100_000_000)
    start(session, SYSTEM, p)
    add_progress(session, SYSTEM, p, on=date(2026, 9, 30), percent=80)
    pay(session, p, ADV, 69_999_999)
    pay(session, p, ADV, 1)
    assert stored(session, p) == [(ADV, 69_999_999), (ADV, 1)]
    assert p.disbursed == 70_000_000


@pytest.mark.parametrize("advanced", [0, 10_000_000, 69_999_999])
def test_no_advance_on_a_proposal_marked_accepted_without_minutes(
    session: Session, advanced: int
) -> None:
    p = marked_accepted(session, advanced=advanced)
    before = stored(session, p)
    # 1 đồng: inside the 70 % ceiling, so only the "before acceptance" part can refuse it.
    with pytest.raises(money.RuleRefused) as refused:
        pay(session, p, ADV, 1)
    assert refused.value.rules == ["advance"]
    message = str(refused.value)
    assert "chỉ tạm ứng trước khi nghiệm thu" in message
    assert "'Đã nghiệm thu'" in message
    assert "Khoản 2 Điều 13 Thông tư 36/2013/TT-BCT" in message
    assert stored(session, p) == before
    assert p.disbursed == advanced


def test_no_settlement_payment_either_until_the_minutes_are_recorded(session: Session) -> None:
    p = marked_accepted(session, advanced=70_000_000)
    with pytest.raises(money.RuleRefused) as refused:
        pay(session, p, PAY, 30_000_000)
    assert refused.value.rules == ["settlement"]
    assert "chưa có biên bản nghiệm thu" in str(refused.value)
    with pytest.raises(money.RuleRefused, match="chưa có biên bản nghiệm thu"):
        money.record_settlement(
            session, SYSTEM, p, final_amount=70_000_000, settled_on=DAY, reference="QT-1"
        )
    assert stored(session, p) == [(ADV, 70_000_000)]

    # The minutes recorded late: the rest is paid, and still no advance.
    all_evidence(session, p)
    acceptance.record_acceptance(
        session,
        SYSTEM,
        p,
        accepted_on=date(2026, 11, 5),
        minutes_no="15/BB-NT",
        achieved=outputs_for(p),
    )
    assert p.status is S.ACCEPTED
    with pytest.raises(money.RuleRefused) as refused:
        pay(session, p, ADV, 1)
    assert refused.value.rules == ["advance"]
    pay(session, p, PAY, 30_000_000)
    assert stored(session, p) == [(ADV, 70_000_000), (PAY, 30_000_000)]
    assert p.disbursed == 100_000_000


def test_cli_refuses_the_advance_in_one_message_and_writes_nothing(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.session() as s:
        marked_accepted(s, advanced=0)
    argv = ["--db", db.url, "disbursement", "add", "ĐA-2026-001"]
    code = main([*argv, "--kind", "advance", "--amount", "1000000", "--date", "2026-10-20"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "trước khi nghiệm thu" in err and "Traceback" not in err
    with db.session() as s:
        assert s.scalar(select(func.count(Disbursement.id))) == 0

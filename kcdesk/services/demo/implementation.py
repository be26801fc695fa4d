"""Demo implementation records, consistent with the statuses the generator set.

- implementing: every third one has no payment yet and all its acceptance evidence
  in (ready to accept on screen); the others have progress reports and advances;
- accepted: evidence, acceptance minutes (outputs already set by the generator),
  the 70 % advance and sometimes the rest paid;
- settled: all that plus the rest paid and the settlement record.

Money obeys the default rules (advance ≤ 70 %, total ≤ approved support), and
``Proposal.disbursed`` is the sum of the demo payments.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kcdesk.models import Base, Proposal, ProposalStatus
from kcdesk.models.implementation import (
    Acceptance,
    Disbursement,
    DisbursementKind,
    EvidenceItem,
    ProgressEntry,
    Settlement,
)
from kcdesk.services.demo.context import DemoContext
from kcdesk.services.forms.load import load_activities
from kcdesk.services.implementation.money import advance_ceiling
from kcdesk.services.implementation.rules import load_rules

S = ProposalStatus
# "Name — post, unit": the acceptance minutes print each with a signature cell.
PARTICIPANTS = (
    "Bế Thị Hoa — Phó Giám đốc, Trung tâm Khuyến công và Xúc tiến thương mại",
    "Nông Văn Thắng — Trưởng phòng Kinh tế, UBND xã nơi thực hiện",
    "Hoàng Văn Lâm — Người đại diện, cơ sở thụ hưởng",
)


def _changed_on(proposal: Proposal, status: S) -> date:
    for change in proposal.status_changes:
        if change.to_status == status.value:
            return change.at.date()
    return proposal.status_changed_at.date()


def _evidence(proposal: Proposal, on: date, complete: bool, rng: random.Random) -> list[Base]:
    spec = load_activities().get(proposal.activity)
    rows: list[Base] = []
    for item in spec.evidence if spec else ():
        received = complete or rng.random() < 0.5
        if received:
            rows.append(
                EvidenceItem(
                    proposal_id=proposal.id,
                    code=item.code,
                    received=True,
                    received_on=on,
                    file_name="",
                )
            )
    return rows


def _progress(
    proposal: Proposal, start: date, end: date, rng: random.Random, top: int
) -> list[Base]:
    span = max(1, (end - start).days)
    steps = sorted(rng.sample(range(10, top, 10), k=min(3, top // 10 - 1))) if top > 10 else []
    if top == 100:
        steps.append(100)  # accepted work was reported complete
    return [
        ProgressEntry(
            proposal_id=proposal.id,
            reported_on=start + timedelta(days=span * n // (len(steps) + 1)),
            percent=percent,
            note=f"Báo cáo tiến độ: hoàn thành khoảng {percent} % khối lượng.",
            file_name="",
            origin_office=proposal.origin_office,
        )
        for n, percent in enumerate(steps, start=1)
    ]


def _pay(proposal: Proposal, kind: DisbursementKind, amount: int, on: date, n: int) -> Disbursement:
    prefix = "TU" if kind is DisbursementKind.ADVANCE else "TT"
    return Disbursement(
        proposal_id=proposal.id,
        kind=kind,
        paid_on=on,
        amount=amount,
        voucher=f"{prefix}-{proposal.plan_year}-{proposal.id:04d}-{n}",
        note="",
        origin_office=proposal.origin_office,
    )


def _records(proposal: Proposal, rng: random.Random, index: int, percent: int) -> list[Base]:
    """The records of one proposal; index counts implementing ones for the mix."""
    approved = proposal.approved_support or 0
    started = _changed_on(proposal, S.IMPLEMENTING)
    out: list[Base] = []
    if proposal.status is S.IMPLEMENTING:
        if index % 3 == 0:
            # Ready for acceptance: everything in, not a đồng paid yet.
            return _evidence(proposal, started + timedelta(days=20), True, rng)
        out += _progress(proposal, started, started + timedelta(days=60), rng, 80)
        out += _evidence(proposal, started + timedelta(days=30), False, rng)
        if advance_ceiling(approved, percent) >= 2:
            out.append(
                _pay(
                    proposal,
                    DisbursementKind.ADVANCE,
                    advance_ceiling(approved, percent) // 2,
                    started + timedelta(days=7),
                    1,
                )
            )
        return out
    accepted_on = _changed_on(proposal, S.ACCEPTED)
    out += _progress(proposal, started, accepted_on, rng, 100)
    out += _evidence(proposal, accepted_on, True, rng)
    spec = load_activities().get(proposal.activity)
    out.append(
        Acceptance(
            proposal_id=proposal.id,
            accepted_on=accepted_on,
            minutes_no=f"{rng.randint(1, 99):02d}/BB-NT",
            participants=list(PARTICIPANTS),
            result="Đề án đã thực hiện đạt mục tiêu, nội dung, kết quả theo đề án được phê duyệt.",
            evidence={e.code: True for e in spec.evidence} if spec else {},
            origin_office=proposal.origin_office,
        )
    )
    advance = advance_ceiling(approved, percent)
    if advance:
        out.append(
            _pay(proposal, DisbursementKind.ADVANCE, advance, started + timedelta(days=7), 1)
        )
    rest = approved - advance
    settled = proposal.status is S.SETTLED
    if rest and (settled or rng.random() < 0.5):
        out.append(
            _pay(proposal, DisbursementKind.SETTLEMENT, rest, accepted_on + timedelta(days=10), 2)
        )
    if settled:
        out.append(
            Settlement(
                proposal_id=proposal.id,
                final_amount=approved,
                settled_on=_changed_on(proposal, S.SETTLED),
                reference=f"{rng.randint(10, 999)}/QĐ-SCT",
                refund_due=0,
                note="",
                origin_office=proposal.origin_office,
            )
        )
    return out


def extend(session: Session, ctx: DemoContext) -> None:
    """Add progress, evidence, acceptance, payments and settlements to the demo."""
    year, proposals = ctx.year, ctx.proposals
    # Own generator: the shared one stays as the other extensions expect it.
    rng = random.Random(f"kcdesk-demo-implementation-{year}-{len(proposals)}")
    rules = load_rules()
    implementing = 0
    for proposal in proposals:
        if proposal.status not in (S.IMPLEMENTING, S.ACCEPTED, S.SETTLED):
            continue
        percent = rules.advance_percent_for(proposal.activity)
        records = _records(proposal, rng, implementing, percent)
        if proposal.status is S.IMPLEMENTING:
            implementing += 1
        session.add_all(records)
        proposal.disbursed = sum(r.amount for r in records if isinstance(r, Disbursement))
    session.flush()

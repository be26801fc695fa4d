"""Disbursement and settlement (tạm ứng, thanh toán, quyết toán), no Qt.

Rules (forms/disbursement_rules.toml, defaults from Thông tư 36/2013/TT-BCT):

1. advance — before acceptance, all advances together reach at most
   ``max_percent`` % of the approved (or amended) support;
2. settlement — the rest is paid only after acceptance;
3. total — advances plus payments never exceed the approved (or amended) support.

Every refusal names the rule, its legal source and the numbers, in đồng. All the
arithmetic is on ints: ``advances * 100 <= support * percent`` is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.formatting import format_dong
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.implementation import Acceptance, Disbursement, DisbursementKind, Settlement
from kcdesk.services.core import audit
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.implementation.progress import BEFORE_ACCEPTANCE, latest_progress
from kcdesk.services.implementation.rules import DisbursementRules, load_rules
from kcdesk.services.proposals import workflow
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import IMPLEMENTATION_EDIT, require

S = ProposalStatus


class RuleRefused(ValidationError):
    """A payment or settlement breaks a disbursement rule; ``rules`` names which."""

    def __init__(self, message: str, rules: list[str]) -> None:
        super().__init__(message, {"amount": message})
        self.rules = rules


@dataclass(frozen=True)
class MoneyState:
    """Where a proposal's money stands (đồng)."""

    approved: int
    advanced: int
    paid: int

    @property
    def disbursed(self) -> int:
        return self.advanced + self.paid

    @property
    def remaining(self) -> int:
        """Còn được chi: may be negative after an amendment lowered the support."""
        return self.approved - self.disbursed


def money_state(session: Session, proposal: Proposal) -> MoneyState:
    sums: dict[DisbursementKind, int] = {
        kind: int(total)
        for kind, total in session.execute(
            select(Disbursement.kind, func.coalesce(func.sum(Disbursement.amount), 0))
            .where(Disbursement.proposal_id == proposal.id)
            .group_by(Disbursement.kind)
        )
    }
    return MoneyState(
        approved=proposal.approved_support or 0,
        advanced=sums.get(DisbursementKind.ADVANCE, 0),
        paid=sums.get(DisbursementKind.SETTLEMENT, 0),
    )


def advance_ceiling(approved: int, percent: int) -> int:
    """The largest whole-đồng total of advances: floor(approved × percent / 100)."""
    return approved * percent // 100


def _cite(source: str) -> str:
    return f" ({source})" if source else ""


def _not_accepted(proposal: Proposal) -> str:
    if proposal.status is S.ACCEPTED:
        return "chưa có biên bản nghiệm thu (hãy ghi biên bản nghiệm thu trước)"
    return "chưa nghiệm thu"


def check_disbursement(
    proposal: Proposal,
    state: MoneyState,
    kind: DisbursementKind,
    amount: int,
    rules: DisbursementRules,
    *,
    accepted: bool,
    progress: int | None = None,
) -> list[tuple[str, str]]:
    """Broken rules as ``(rule, message)``; empty when the payment is allowed.

    ``progress`` is the percent of the latest progress report (None: none yet)."""
    broken: list[tuple[str, str]] = []
    approved = state.approved
    after = state.disbursed + amount
    if kind is DisbursementKind.ADVANCE:
        if accepted or proposal.status not in BEFORE_ACCEPTANCE:
            broken.append(
                (
                    "advance",
                    f"Quy tắc tạm ứng{_cite(rules.advance_source)}: chỉ tạm ứng trước khi "
                    f"nghiệm thu; đề án {proposal.code} đang ở trạng thái "
                    f"'{proposal.status.label}'. Phần còn lại chi bằng thanh toán sau nghiệm thu.",
                )
            )
        else:
            needed = rules.progress_needed_for(proposal.activity)
            if needed is not None and (progress is None or progress <= needed):
                shown = "chưa có báo cáo tiến độ" if progress is None else f"mới {progress} %"
                broken.append(
                    (
                        "advance_progress",
                        f"Quy tắc tạm ứng{_cite(rules.advance_progress_source)}: đề án "
                        f"{proposal.code} chỉ được tạm ứng khi báo cáo tiến độ xác định đã "
                        f"thực hiện trên {needed} % ({shown}). Hãy ghi báo cáo tiến độ trước.",
                    )
                )
            percent = rules.advance_percent_for(proposal.activity)
            advanced_after = state.advanced + amount
            if advanced_after * 100 > approved * percent:
                ceiling = advance_ceiling(approved, percent)
                broken.append(
                    (
                        "advance",
                        f"Quy tắc tạm ứng{_cite(rules.advance_source)}: trước nghiệm thu, tổng "
                        f"tạm ứng tối đa {percent} % kinh phí hỗ trợ được duyệt {format_dong(approved)}, "
                        f"tức {format_dong(ceiling)}. Đã tạm ứng {format_dong(state.advanced)}, lần này "
                        f"{format_dong(amount)}, cộng {format_dong(advanced_after)}: vượt "
                        f"{format_dong(advanced_after - ceiling)}. Còn được tạm ứng tối đa "
                        f"{format_dong(max(0, ceiling - state.advanced))}.",
                    )
                )
    elif rules.settlement_requires_acceptance and not accepted:
        broken.append(
            (
                "settlement",
                f"Quy tắc thanh toán{_cite(rules.settlement_source)}: phần kinh phí còn lại chỉ "
                f"thanh toán sau khi đề án đã nghiệm thu; đề án {proposal.code} đang ở trạng "
                f"thái '{proposal.status.label}', {_not_accepted(proposal)}. Đã chi "
                f"{format_dong(state.disbursed)} trên {format_dong(approved)} được duyệt.",
            )
        )
    if after > approved:
        broken.append(
            (
                "total",
                f"Quy tắc tổng kinh phí{_cite(rules.total_source)}: tổng đã chi không vượt kinh "
                f"phí hỗ trợ được duyệt (hoặc đã điều chỉnh) {format_dong(approved)}. Đã chi "
                f"{format_dong(state.disbursed)}, lần này {format_dong(amount)}, cộng {format_dong(after)}: vượt "
                f"{format_dong(after - approved)}. Còn được chi tối đa {format_dong(max(0, state.remaining))}.",
            )
        )
    return broken


def get_acceptance(session: Session, proposal: Proposal) -> Acceptance | None:
    return session.scalars(select(Acceptance).where(Acceptance.proposal_id == proposal.id)).first()


def get_settlement(session: Session, proposal: Proposal) -> Settlement | None:
    return session.scalars(select(Settlement).where(Settlement.proposal_id == proposal.id)).first()


def disbursements(session: Session, proposal: Proposal) -> list[Disbursement]:
    return list(
        session.scalars(
            select(Disbursement)
            .where(Disbursement.proposal_id == proposal.id)
            .order_by(Disbursement.paid_on, Disbursement.id)
        )
    )


def refresh_disbursed(session: Session, proposal: Proposal) -> None:
    """Keep ``Proposal.disbursed`` equal to the sum of its disbursements."""
    total = money_state(session, proposal).disbursed
    if proposal.disbursed != total:
        proposal.disbursed = total
        proposal.revision += 1


def add_disbursement(
    session: Session,
    actor: Actor,
    proposal: Proposal,
    *,
    kind: DisbursementKind,
    amount: int,
    paid_on: date,
    voucher: str = "",
    note: str = "",
    rules: DisbursementRules | None = None,
) -> Disbursement:
    """Record an advance or a settlement payment if every rule allows it."""
    require(actor, IMPLEMENTATION_EDIT)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError(
            f"Số tiền phải là số nguyên đồng lớn hơn 0, không phải {amount!r}.",
            {"amount": "Nhập số tiền"},
        )
    if paid_on is None:
        raise ValidationError("Nhập ngày chi.", {"date": "Nhập ngày"})
    if proposal.status is S.SETTLED:
        raise ValidationError(f"Đề án {proposal.code} đã quyết toán: không ghi thêm khoản chi nào.")
    if proposal.status not in (S.APPROVED, S.IMPLEMENTING, S.ACCEPTED):
        raise ValidationError(
            f"Đề án {proposal.code} đang ở trạng thái '{proposal.status.label}': chỉ chi cho "
            "đề án đã phê duyệt, đang thực hiện hoặc đã nghiệm thu."
        )
    if proposal.approved_support is None:
        raise ValidationError(
            f"Đề án {proposal.code} chưa có kinh phí hỗ trợ được duyệt: không thể chi."
        )
    rules = rules or load_rules()
    state = money_state(session, proposal)
    accepted = proposal.status is S.ACCEPTED and get_acceptance(session, proposal) is not None
    reported = latest_progress(session, [proposal.id]).get(proposal.id)
    broken = check_disbursement(
        proposal,
        state,
        kind,
        amount,
        rules,
        accepted=accepted,
        progress=reported[1] if reported else None,
    )
    if broken:
        label = kind.label.lower()
        raise RuleRefused(
            f"Không ghi được khoản {label} {format_dong(amount)} cho đề án {proposal.code}.\n"
            + "\n".join(f"- {message}" for _rule, message in broken),
            [rule for rule, _m2 in broken],
        )
    row = Disbursement(
        proposal_id=proposal.id,
        kind=kind,
        paid_on=paid_on,
        amount=amount,
        voucher=voucher.strip(),
        note=note.strip(),
        origin_office=actor.office_code,
    )
    session.add(row)
    session.flush()
    old_total = proposal.disbursed
    refresh_disbursed(session, proposal)
    audit.record(
        session,
        actor,
        entity="disbursement",
        entity_uuid=row.uuid,
        entity_label=proposal.code,
        action="create",
        changes={
            **audit.diff(
                {},
                {"kind": kind, "amount": amount, "date": paid_on, "voucher": row.voucher},
            ),
            "disbursed": {"old": old_total, "new": proposal.disbursed},
        },
    )
    session.flush()
    return row


def record_settlement(
    session: Session,
    actor: Actor,
    proposal: Proposal,
    *,
    final_amount: int,
    settled_on: date,
    reference: str,
    note: str = "",
    rules: DisbursementRules | None = None,
) -> Settlement:
    """Quyết toán: store the final amount and move the proposal to 'settled'.

    The final amount may not exceed the approved support nor what was paid (pay the
    rest first); when it is less than what was paid the difference is due back.
    """
    require(actor, IMPLEMENTATION_EDIT)
    reference = reference.strip()
    problems: dict[str, str] = {}
    if isinstance(final_amount, bool) or not isinstance(final_amount, int) or final_amount < 0:
        problems["amount"] = "Nhập số tiền quyết toán (số nguyên đồng, không âm)"
    if not reference:
        problems["reference"] = "Nhập số, ký hiệu văn bản phê duyệt quyết toán"
    if settled_on is None:
        problems["date"] = "Nhập ngày quyết toán"
    if problems:
        raise ValidationError(
            "Thông tin quyết toán chưa đủ: " + "; ".join(problems.values()) + ".", problems
        )
    if proposal.status is not S.ACCEPTED or get_acceptance(session, proposal) is None:
        rules = rules or load_rules()
        raise RuleRefused(
            f"Quy tắc thanh toán{_cite(rules.settlement_source)}: chỉ quyết toán đề án đã "
            f"nghiệm thu; đề án {proposal.code} đang ở trạng thái '{proposal.status.label}', "
            f"{_not_accepted(proposal)}.",
            ["settlement"],
        )
    rules = rules or load_rules()
    state = money_state(session, proposal)
    if final_amount > state.approved:
        raise RuleRefused(
            f"Quy tắc tổng kinh phí{_cite(rules.total_source)}: số quyết toán "
            f"{format_dong(final_amount)} vượt kinh phí hỗ trợ được duyệt {format_dong(state.approved)} "
            f"{format_dong(final_amount - state.approved)}.",
            ["total"],
        )
    if final_amount > state.disbursed:
        raise RuleRefused(
            f"Số quyết toán {format_dong(final_amount)} lớn hơn số đã chi {format_dong(state.disbursed)}: "
            f"hãy ghi khoản thanh toán còn lại {format_dong(final_amount - state.disbursed)} trước khi "
            "quyết toán.",
            ["settlement"],
        )
    row = Settlement(
        proposal_id=proposal.id,
        final_amount=final_amount,
        settled_on=settled_on,
        reference=reference,
        refund_due=state.disbursed - final_amount,
        note=note.strip(),
        origin_office=actor.office_code,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        entity="settlement",
        entity_uuid=row.uuid,
        entity_label=proposal.code,
        action="create",
        changes=audit.diff(
            {},
            {
                "final_amount": final_amount,
                "date": settled_on,
                "reference": reference,
                "refund_due": row.refund_due,
            },
        ),
    )
    reason = f"Quyết toán {format_dong(final_amount)}, {reference}"
    if row.refund_due:
        reason += f"; đơn vị hoàn trả {format_dong(row.refund_due)}"
    workflow.change_status(session, actor, proposal, S.SETTLED, reason=reason)
    return row

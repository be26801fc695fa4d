"""The provincial procedure as a state machine (quy trình phê duyệt danh mục đề án).

received → forwarded → dossier_complete → awaiting_appraisal → appraised →
submitted → approved → implementing → accepted → settled, with the exits returned,
rejected, withdrawn and stopped (docs/architecture.md#the-yearly-cycle). Only listed
transitions are allowed; each one records who, when, why, and the decision where one is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import ProposalStatus as S
from kcdesk.models import StatusChange, new_uuid, utcnow
from kcdesk.models.proposal import Proposal
from kcdesk.services.core import audit
from kcdesk.services.core.errors import NotFoundError, UserError, ValidationError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import require_status_change

TRANSITIONS: dict[S, frozenset[S]] = {
    S.RECEIVED: frozenset({S.FORWARDED, S.RETURNED, S.REJECTED, S.WITHDRAWN}),
    S.FORWARDED: frozenset({S.DOSSIER_COMPLETE, S.RETURNED, S.REJECTED, S.WITHDRAWN}),
    S.RETURNED: frozenset({S.RECEIVED, S.FORWARDED, S.REJECTED, S.WITHDRAWN}),
    S.DOSSIER_COMPLETE: frozenset({S.AWAITING_APPRAISAL, S.RETURNED, S.REJECTED, S.WITHDRAWN}),
    S.AWAITING_APPRAISAL: frozenset({S.APPRAISED, S.RETURNED, S.WITHDRAWN}),
    S.APPRAISED: frozenset({S.SUBMITTED, S.REJECTED, S.RETURNED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.IMPLEMENTING, S.STOPPED}),
    S.IMPLEMENTING: frozenset({S.ACCEPTED, S.STOPPED}),
    S.ACCEPTED: frozenset({S.SETTLED}),
    S.SETTLED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
}

# Entering these needs the number and date of the decision that allows it.
NEEDS_DECISION = frozenset({S.APPROVED, S.STOPPED})
# Entering these needs a reason the applicant can read.
NEEDS_REASON = frozenset({S.RETURNED, S.REJECTED, S.WITHDRAWN, S.STOPPED})


def allowed_targets(status: S) -> list[S]:
    """Statuses reachable from ``status``, in the procedure's order."""
    order = list(S)
    return sorted(TRANSITIONS[status], key=order.index)


def parse_status(text: str) -> S:
    try:
        return S(text)
    except ValueError as exc:
        names = ", ".join(s.value for s in S)
        raise ValidationError(f"Trạng thái '{text}' không có. Các trạng thái: {names}.") from exc


def change_status(
    session: Session,
    actor: Actor,
    proposal: Proposal,
    to: S,
    *,
    reason: str = "",
    decision_no: str | None = None,
    decision_date: date | None = None,
    at: datetime | None = None,
) -> StatusChange:
    """Move ``proposal`` to ``to`` if the procedure allows it; audited, one transaction."""
    require_status_change(actor, to)
    current = proposal.status
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(f"{s.label} ({s.value})" for s in allowed_targets(current)) or "không"
        raise ValidationError(
            f"Đề án {proposal.code} đang ở trạng thái '{current.label}': không thể chuyển sang "
            f"'{to.label}'. Có thể chuyển sang: {allowed}."
        )
    reason = reason.strip()
    if to in NEEDS_REASON and not reason:
        raise ValidationError(
            f"Chuyển sang '{to.label}' cần ghi rõ lý do.", {"reason": "Nhập lý do"}
        )
    decision_no = (decision_no or "").strip() or None
    if to in NEEDS_DECISION and (not decision_no or decision_date is None):
        raise ValidationError(
            f"Chuyển sang '{to.label}' cần số và ngày của quyết định.",
            {"decision_no": "Nhập số quyết định", "decision_date": "Nhập ngày quyết định"},
        )
    when = at or utcnow()
    change = StatusChange(
        uuid=new_uuid(),
        proposal=proposal,
        from_status=current.value,
        to_status=to.value,
        at=when,
        username=actor.username,
        office_code=actor.office_code,
        reason=reason,
        decision_no=decision_no,
        decision_date=decision_date,
    )
    session.add(change)
    proposal.status = to
    proposal.status_changed_at = when
    proposal.revision += 1
    if to is S.APPROVED and proposal.approved_support is None:
        proposal.approved_support = proposal.support
    audit.record(
        session,
        actor,
        entity="proposal",
        entity_uuid=proposal.uuid,
        entity_label=proposal.code,
        action="status",
        changes={
            "status": {"old": current.value, "new": to.value},
            **({"reason": {"old": None, "new": reason}} if reason else {}),
            **(
                {"decision": {"old": None, "new": f"{decision_no} ({decision_date})"}}
                if decision_no
                else {}
            ),
        },
    )
    session.flush()
    return change


def common_targets(statuses: Sequence[S]) -> list[S]:
    """Statuses every one of ``statuses`` may move to (the bulk action offers these)."""
    if not statuses:
        return []
    common = set(TRANSITIONS[statuses[0]])
    for status in statuses[1:]:
        common &= TRANSITIONS[status]
    order = list(S)
    return sorted(common, key=order.index)


def bulk_change_status(
    session_scope: Callable[[], object],
    actor: Actor,
    codes: Sequence[str],
    to: S,
    *,
    reason: str = "",
    decision_no: str | None = None,
    decision_date: date | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Move several proposals, each in its own transaction.

    ``session_scope`` is ``Database.session``. Returns the codes moved and, for the
    others, why not (one refused proposal does not undo the rest).
    """
    done: list[str] = []
    refused: dict[str, str] = {}
    for code in codes:
        try:
            with session_scope() as session:  # type: ignore[attr-defined]
                proposal = session.scalars(select(Proposal).where(Proposal.code == code)).first()
                if proposal is None:
                    raise NotFoundError(f"Không tìm thấy đề án có mã {code}.")
                change_status(
                    session,
                    actor,
                    proposal,
                    to,
                    reason=reason,
                    decision_no=decision_no,
                    decision_date=decision_date,
                )
            done.append(code)
        except UserError as exc:
            refused[code] = str(exc)
    return done, refused

"""Which programme a proposal counts toward, and which of its targets (chỉ tiêu) it may
record outputs against — every target counted on its own.

A proposal belongs to one programme: the programme of the Centre's province (setting
``org.province``) covering its plan year. The programme's budget names the funding
sources it counts; the seeds' programmes count national and local khuyến công money
alike, so the funding source does not choose the programme. A proposal records its
planned and achieved quantities against *leaf* targets (targets without ``parts``)
whose activities include its activity; a target made of parts adds its parts up.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcdesk.models import OutputMeasure, Programme, Proposal, Target
from kcdesk.services.core import audit, settings
from kcdesk.services.core.errors import NotFoundError, ValidationError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import PROPOSAL_EDIT, require
from kcdesk.text import nfc


def _province_key(text: str) -> str:
    return nfc(text or "").strip().casefold()


def centre_programmes(session: Session) -> list[Programme]:
    """The programmes of the Centre's province, by start year."""
    province = _province_key(str(settings.get(session, "org.province") or ""))
    rows = session.scalars(
        select(Programme).options(selectinload(Programme.targets)).order_by(Programme.start_year)
    ).all()
    return [p for p in rows if _province_key(p.province) == province]


def programme_for(session: Session, plan_year: int) -> Programme | None:
    """The Centre's programme covering ``plan_year``; None if none, or several, do."""
    covering = [p for p in centre_programmes(session) if p.start_year <= plan_year <= p.end_year]
    return covering[0] if len(covering) == 1 else None


def get(session: Session, code: str) -> Programme | None:
    if not code:
        return None
    return session.scalars(
        select(Programme).options(selectinload(Programme.targets)).where(Programme.code == code)
    ).first()


def countable(target: Target) -> bool:
    """A target a proposal can record a quantity against (leaf, counted from proposals)."""
    return bool(target.activities) and target.measure != "other" and not target.parts


def offered_targets(programme: Programme | None, activity: str) -> list[Target]:
    """The targets of ``programme`` an ``activity`` can count toward, in decision order."""
    if programme is None or not activity:
        return []
    return [t for t in programme.targets if countable(t) and activity in (t.activities or [])]


def target_label(target: Target) -> str:
    """ "II.2-6 — Sản phẩm … (sản phẩm)", with the decision's note when it has one."""
    unit = f" ({target.unit})" if target.unit else ""
    note = f" — ghi chú: {target.note}" if target.note else ""
    return f"{target.code} — {target.name}{unit}{note}"


@dataclass(frozen=True)
class Unassigned:
    """An output recorded before targets, that two targets or more could count."""

    proposal_code: str
    plan_year: int
    activity: str
    measure: str
    planned: int
    achieved: int | None
    candidates: tuple[str, ...]


def unassigned(session: Session, programme_code: str) -> list[Unassigned]:
    """Outputs of the programme's proposals that two targets or more could count and
    that are recorded against none (what migration 0010 could not decide). None of
    them is counted until the user assigns it (``assign``): nothing is counted twice.
    """
    programme = get(session, programme_code)
    if programme is None:
        return []
    rows = session.execute(
        select(Proposal.id, Proposal.code, Proposal.plan_year, Proposal.activity, OutputMeasure)
        .join(OutputMeasure, OutputMeasure.proposal_id == Proposal.id)
        .where(Proposal.programme == programme.code, OutputMeasure.target == "")
        .order_by(Proposal.code, OutputMeasure.measure)
    ).all()
    # (proposal, measure) already recorded against a target: the untargeted row is the
    # figure printed on the proposal, not a second count waiting for a target.
    recorded = set(
        session.execute(
            select(OutputMeasure.proposal_id, OutputMeasure.measure)
            .join(Proposal, Proposal.id == OutputMeasure.proposal_id)
            .where(Proposal.programme == programme.code, OutputMeasure.target != "")
        ).all()
    )
    out = []
    for pid, code, year, activity, output in rows:
        if (pid, output.measure) in recorded:
            continue
        candidates = tuple(
            t.code for t in offered_targets(programme, activity) if t.measure == output.measure
        )
        # One candidate: migration 0010 assigned it; a new untargeted figure is the
        # user's choice not to count it. Two or more: the user must choose.
        if len(candidates) >= 2:
            out.append(
                Unassigned(
                    code,
                    year,
                    activity,
                    output.measure,
                    output.planned,
                    output.achieved,
                    candidates,
                )
            )
    return out


def assign(session: Session, actor: Actor, proposal_code: str, measure: str, target: str) -> None:
    """Record an unassigned output of ``proposal_code`` against one of its programme's
    targets (the user's choice for what migration 0010 could not decide); audited."""
    require(actor, PROPOSAL_EDIT)
    proposal = session.scalars(select(Proposal).where(Proposal.code == proposal_code)).first()
    if proposal is None:
        raise NotFoundError(f"Không có đề án mã {proposal_code}.")
    output = next((o for o in proposal.outputs if o.measure == measure and not o.target), None)
    if output is None:
        raise ValidationError(
            f"Đề án {proposal_code} không có kết quả «{measure}» chưa gắn chỉ tiêu.",
            {"measure": "Không có kết quả chưa gắn chỉ tiêu"},
        )
    programme = get(session, proposal.programme)
    allowed = [
        t.code for t in offered_targets(programme, proposal.activity) if t.measure == measure
    ]
    if target not in allowed:
        where = f"chương trình {proposal.programme}" if programme else "chương trình nào"
        raise ValidationError(
            f"Chỉ tiêu «{target}» của {where} không tính kết quả «{measure}» của đề án "
            f"{proposal_code}; chọn một trong: {', '.join(allowed) or '(không có)'}.",
            {"target": "Chỉ tiêu không phù hợp"},
        )
    if any(o.measure == measure and o.target == target for o in proposal.outputs):
        raise ValidationError(
            f"Đề án {proposal_code} đã có kết quả ghi cho chỉ tiêu {target}.",
            {"target": "Đã có kết quả cho chỉ tiêu này"},
        )
    output.target = target
    proposal.revision += 1
    audit.record(
        session,
        actor,
        entity="proposal",
        entity_uuid=proposal.uuid,
        entity_label=proposal.code,
        action="update",
        changes=audit.diff({f"target.{measure}": ""}, {f"target.{measure}": target}),
    )

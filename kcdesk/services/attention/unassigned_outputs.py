""" "Cần chú ý": outputs recorded before targets existed that two targets or more of the
proposal's programme could count (migration 0010 left them unassigned, so nothing is
counted twice). They count toward no target until assigned with
``kcdesk programme assign`` (docs/rules.md).

The same lines as :func:`kcdesk.services.programmes.membership.unassigned`, but the
query asks only for the (activity, measure) pairs two targets could count: the panel
reloads after every save, and loading every untargeted output of the programme grew
with the database (issue 24).
"""

from __future__ import annotations

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.orm import Session, aliased

from kcdesk.models import OutputMeasure, Programme, Proposal
from kcdesk.services.attention.item import AttentionItem
from kcdesk.services.forms.load import load_measures
from kcdesk.services.programmes import membership

KIND = "target_unassigned"
LIMIT = 500


def _ambiguous(programme: Programme) -> dict[tuple[str, str], tuple[str, ...]]:
    """(activity, measure) -> its candidate targets, where two or more could count it."""
    activities = {a for t in programme.targets for a in (t.activities or [])}
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for activity in sorted(activities):
        offered = membership.offered_targets(programme, activity)
        for measure in sorted({t.measure for t in offered}):
            candidates = tuple(t.code for t in offered if t.measure == measure)
            if len(candidates) >= 2:
                out[(activity, measure)] = candidates
    return out


def _rows(
    session: Session,
    programme: Programme,
    pairs: dict[tuple[str, str], tuple[str, ...]],
    limit: int,
) -> list[tuple[str, str, int, str]]:
    """(proposal code, measure, planned, activity) of the unassigned outputs, in order."""
    if not pairs:
        return []
    by_activity: dict[str, list[str]] = {}
    for activity, measure in pairs:
        by_activity.setdefault(activity, []).append(measure)
    targeted = aliased(OutputMeasure)
    rows = session.execute(
        select(Proposal.code, OutputMeasure.measure, OutputMeasure.planned, Proposal.activity)
        .join(OutputMeasure, OutputMeasure.proposal_id == Proposal.id)
        .where(
            # The programme's entries of ix_proposal_dashboard (programme first; it
            # holds the activity, tested there), so only the proposals of those
            # activities have their outputs looked up; the activities and the pairs in
            # CASEs so that SQLite does not start from the activity or the measure
            # index. It walked every proposal in code order, then its outputs
            # (issue 24: 0.28–0.38 s at 100,000 proposals, finding none).
            Proposal.programme == programme.code,
            case((Proposal.activity.in_(sorted(by_activity)), 1), else_=0) == 1,
            OutputMeasure.target == "",
            case(
                (
                    or_(
                        *(
                            and_(Proposal.activity == activity, OutputMeasure.measure.in_(measures))
                            for activity, measures in sorted(by_activity.items())
                        )
                    ),
                    1,
                ),
                else_=0,
            )
            == 1,
            # Already recorded against a target: the untargeted row is the printed figure.
            ~exists().where(
                targeted.proposal_id == Proposal.id,
                targeted.measure == OutputMeasure.measure,
                targeted.target != "",
            ),
        )
        # ``code || ''``: the same order, but not one SQLite reads from the code index
        # (which it then prefers, walking every proposal until the limit).
        .order_by(Proposal.code.concat(""), OutputMeasure.measure)
        .limit(limit)
    ).all()
    return [(code, measure, planned, activity) for code, measure, planned, activity in rows]


def items(session: Session) -> list[AttentionItem]:
    measures = load_measures()
    out: list[AttentionItem] = []
    for programme in membership.centre_programmes(session):
        candidates = _ambiguous(programme)
        for code, measure, planned, activity in _rows(
            session, programme, candidates, LIMIT - len(out)
        ):
            label = measures[measure].label if measure in measures else measure
            out.append(
                AttentionItem(
                    KIND,
                    code,
                    f"Kết quả «{label}» ({planned}) chưa tính vào chỉ tiêu nào của chương "
                    f"trình {programme.code}: chọn một trong "
                    f"{', '.join(candidates[(activity, measure)])} "
                    f"(kcdesk programme assign {code} {measure} MÃ_CHỈ_TIÊU).",
                    None,
                    1,
                )
            )
        if len(out) >= LIMIT:
            return out
    return out

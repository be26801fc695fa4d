"""Demo: one appraisal council for the plan year in preparation (issue 5).

5–9 members; an agenda of that year's proposals awaiting appraisal or appraised;
complete scores and a recorded result for those already 'appraised' (so the
status and the scores agree), scores for about half of the ones still waiting,
and one declared conflict of interest.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from kcdesk.models import ProposalStatus, utcnow
from kcdesk.models.appraisal import AgendaItem, MemberRole
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.criteria import CriteriaSet
from kcdesk.services.appraisal.results import item_result
from kcdesk.services.appraisal.scores import Points, SheetInput, save_grid
from kcdesk.services.core import settings
from kcdesk.services.demo import names as demo_names
from kcdesk.services.demo.context import DemoContext

MAX_AGENDA = 40
CENTRE_DIRECTOR = "Giám đốc Trung tâm Khuyến công và Xúc tiến thương mại"
POSTS = (
    "Phó Giám đốc Sở Công Thương",
    "Chuyên viên Phòng Quản lý công nghiệp, Sở Công Thương",
    "Trưởng phòng Quản lý công nghiệp, Sở Công Thương",
    CENTRE_DIRECTOR,
    "Phó Trưởng phòng Kế hoạch - Tài chính, Sở Công Thương",
    "Đại diện Sở Tài chính",
    "Đại diện Sở Khoa học và Công nghệ",
    "Đại diện Liên minh Hợp tác xã tỉnh",
    "Đại diện Sở Nông nghiệp và Môi trường",
)


def _sheet(ctx: DemoContext, spec: CriteriaSet, quality: float) -> SheetInput:
    """Scores around the proposal's quality, in half points, and a fitting conclusion."""
    scores: dict[str, Points] = {}
    total = Decimal(0)
    for criterion in spec.criteria:
        share = min(1.0, max(0.2, quality + ctx.rng.uniform(-0.12, 0.12)))
        halves = round(criterion.max_points * share * 2)
        points = Decimal(halves) / 2
        scores[criterion.code] = points
        total += points
    codes = [c.code for c in spec.conclusions]
    if not codes:
        conclusion = None
    elif total >= spec.pass_mark + 10:
        conclusion = codes[0]
    elif total >= spec.pass_mark:
        conclusion = codes[min(1, len(codes) - 1)]
    else:
        conclusion = codes[-1]
    return SheetInput(scores, conclusion, "")


def extend(session: Session, ctx: DemoContext) -> None:
    year = ctx.year
    appraised = [
        p for p in ctx.proposals if p.plan_year == year and p.status is ProposalStatus.APPRAISED
    ]
    waiting = [
        p
        for p in ctx.proposals
        if p.plan_year == year and p.status is ProposalStatus.AWAITING_APPRAISAL
    ]
    if not appraised and not waiting:
        return
    actor = ctx.actor
    rng = ctx.rng
    s = appraisal.create_session(
        session,
        actor,
        name=f"Hội đồng thẩm định đề án khuyến công địa phương năm {year}",
        plan_year=year,
        decision_no=f"{rng.randint(120, 480)}/QĐ-SCT",
        decision_date=date(year - 1, 9, rng.randint(1, 10)),
        meeting_date=date(year - 1, 9, rng.randint(15, 25)),
        place="Hội trường Sở Công Thương",
    )
    size = rng.randint(5, 9)
    director = str(settings.get(session, "signer.centre_name") or "")
    # The director's name is set aside so no other member draws it (a council refuses
    # two members of one name); the draws only differ where they used to collide.
    used: set[str] = {director} if director else set()
    for index in range(size):
        while True:
            name = f"{rng.choice(demo_names.SURNAMES)} {rng.choice(demo_names.GIVEN)}"
            if name not in used:
                used.add(name)
                break
        role = {0: MemberRole.CHAIR, 1: MemberRole.SECRETARY}.get(index, MemberRole.MEMBER)
        if POSTS[index] == CENTRE_DIRECTOR:
            # The Centre's director is the one who signs the Centre's documents: one
            # name for one person across the demo's papers (the name drawn above keeps
            # the random sequence, and so the rest of the demo, unchanged).
            name = director or name
        appraisal.add_member(session, actor, s, name=name, post=POSTS[index], role=role)
    spec = appraisal.criteria_of(s)
    # Proposals already 'appraised' went through the agenda: add them while they wait.
    chosen = (appraised + waiting)[:MAX_AGENDA]
    items: list[tuple[AgendaItem, bool]] = []
    for proposal in chosen:
        done = proposal.status is ProposalStatus.APPRAISED
        proposal.status = ProposalStatus.AWAITING_APPRAISAL  # back for add_item's check
        items.append((appraisal.add_item(session, actor, s, proposal), done))
        if done:
            proposal.status = ProposalStatus.APPRAISED
    member_ids = [m.id for m in s.members]
    # A member related to one beneficiary declares a conflict on the first waiting item.
    first_waiting = next((item for item, done in items if not done), None)
    if first_waiting is not None and len(s.members) > 3:
        appraisal.declare_conflict(
            session,
            actor,
            first_waiting,
            s.members[-1],
            "Có quan hệ gia đình với người đại diện đơn vị thụ hưởng.",
        )
    waiting_scored = 0
    for item, done in items:
        if not done:
            waiting_scored += 1
            if waiting_scored % 2 == 0:
                continue  # about half of those waiting have no scores yet
        quality = rng.uniform(0.55, 0.95)
        scorers = {m.id for m in appraisal.scoring_members(item)}
        grid = {mid: _sheet(ctx, spec, quality) for mid in member_ids if mid in scorers}
        save_grid(session, actor, item, grid)
        if done:
            result = item_result(item, spec)
            item.average = result.average
            item.passed = result.passed
            item.conclusion = result.conclusion
            item.recorded_at = utcnow()
    session.flush()

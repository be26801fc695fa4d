"""Realistic synthetic data for a province: facilities, proposals, their history.

Deterministic for a seed. Proposals cover every activity, with budget lines whose
support stays within the activity's cap, spread over three plan years and over all
workflow statuses (earlier years are implemented or settled, the plan year in
preparation is still in intake and appraisal). Feature modules in
``demo.appraisal`` and ``demo.implementation`` add to it (appraisal sessions, disbursements …).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import (
    BudgetLine,
    Document,
    Facility,
    FacilityKind,
    Office,
    OfficeLevel,
    OutputMeasure,
    Proposal,
    ProposalFacility,
    ProposalStatus,
    ScheduleItem,
    StatusChange,
    new_uuid,
)
from kcdesk.services.communes import matching
from kcdesk.services.communes.official import OfficialCommune, find_province
from kcdesk.services.core import audit, settings
from kcdesk.services.demo import appraisal as demo_appraisal
from kcdesk.services.demo import implementation as demo_implementation
from kcdesk.services.demo import names as demo_names
from kcdesk.services.demo.context import DemoContext
from kcdesk.services.demo.targets import DemoTargets
from kcdesk.services.forms.load import ActivitySpec, load_activities
from kcdesk.services.proposals.lookup import format_code, next_code
from kcdesk.services.proposals.search import facility_search_text, proposal_search_text
from kcdesk.services.proposals.workflow import TRANSITIONS
from kcdesk.services.security.actor import Actor

S = ProposalStatus
# The demo's communes are Cao Bằng's (names.COMMUNES), whatever the setting "Tỉnh" says.
_DEMO_PROVINCE_CODE = "04"
MAIN_PATH = (
    S.RECEIVED,
    S.FORWARDED,
    S.DOSSIER_COMPLETE,
    S.AWAITING_APPRAISAL,
    S.APPRAISED,
    S.SUBMITTED,
    S.APPROVED,
    S.IMPLEMENTING,
    S.ACCEPTED,
    S.SETTLED,
)
# Final statuses by how far the plan year is: 0 = the year in preparation.
_STATUS_WEIGHTS: dict[int, tuple[tuple[S, int], ...]] = {
    0: (
        (S.RECEIVED, 10),
        (S.FORWARDED, 10),
        (S.DOSSIER_COMPLETE, 10),
        (S.AWAITING_APPRAISAL, 20),
        (S.APPRAISED, 12),
        (S.SUBMITTED, 10),
        (S.APPROVED, 10),
        (S.RETURNED, 6),
        (S.REJECTED, 6),
        (S.WITHDRAWN, 4),
    ),
    1: (
        (S.APPROVED, 10),
        (S.IMPLEMENTING, 45),
        (S.ACCEPTED, 20),
        (S.SETTLED, 15),
        (S.STOPPED, 4),
        (S.REJECTED, 6),
    ),
    2: ((S.SETTLED, 70), (S.ACCEPTED, 10), (S.STOPPED, 8), (S.REJECTED, 12)),
}
_OUTPUT_RANGES: dict[str, tuple[int, int]] = {
    "facilities": (1, 1),
    "models": (1, 1),
    "machines": (1, 4),
    "classes": (1, 2),
    "learners": (25, 35),
    "products": (1, 5),
    "contests": (1, 1),
    "fairs": (1, 1),
    "booths": (10, 60),
    "showrooms": (1, 1),
    "events": (1, 3),
    "publications": (4, 24),
    "brands": (1, 2),
    "clusters": (1, 1),
    "jobs": (3, 30),
    "revenue_increase_pct": (10, 30),
    "proposals": (1, 1),
    "other": (1, 3),
}


def _official(name: str) -> OfficialCommune:
    """The official unit of a demo commune name (the demo list is Cao Bằng's, by name)."""
    province = find_province(_DEMO_PROVINCE_CODE)
    found = matching.match(name, province) if province is not None else None
    if found is None:  # pragma: no cover - names.COMMUNES is checked by tests
        raise LookupError(name)
    return found


def _ensure_offices(session: Session, rng: random.Random) -> list[Office]:
    offices = list(session.scalars(select(Office).where(Office.level == OfficeLevel.LOCAL)))
    if offices:
        return offices
    for commune in rng.sample(demo_names.COMMUNES, 4):
        code = "UB-" + "".join(w[0] for w in commune.split()[1:]).upper()
        suffix = 1
        while session.scalars(select(Office).where(Office.code == code)).first():
            code, suffix = f"{code}{suffix}", suffix + 1
        official = _official(commune)
        office = Office(
            code=code,
            name=f"UBND {official.name}",
            level=OfficeLevel.LOCAL,
            commune=official.name,
            commune_code=official.code,
        )
        session.add(office)
        offices.append(office)
    session.flush()
    return offices


def _facility(rng: random.Random, province: str, index: int) -> Facility:
    trade, _product, _machine, sector = rng.choice(demo_names.TRADES)
    # The five kinds of rural industrial facility (the demo predates the cleaner-production
    # kind; a fixed list keeps the same seed giving the same demo).
    kind = rng.choice(list(FacilityKind)[:5])
    owner = f"{rng.choice(demo_names.SURNAMES)} {rng.choice(demo_names.GIVEN)}"
    brand = rng.choice(demo_names.COMPANY_WORDS)
    name = {
        FacilityKind.SME: f"Công ty TNHH {trade} {brand}",
        FacilityKind.COOPERATIVE: f"Hợp tác xã {trade} {brand}",
        FacilityKind.COOPERATIVE_UNION: f"Liên hiệp HTX {trade} {brand}",
        FacilityKind.COOPERATIVE_GROUP: f"Tổ hợp tác {trade} {brand}",
        FacilityKind.HOUSEHOLD_BUSINESS: f"Hộ kinh doanh {owner}",
    }[kind]
    commune = _official(rng.choice(demo_names.COMMUNES))
    tax = f"{4800000000 + index * 7919 % 99999999:010d}"
    facility = Facility(
        name=f"{name} ({index})"
        if index > 40 and kind != FacilityKind.HOUSEHOLD_BUSINESS
        else name,
        kind=kind,
        tax_code=tax,
        address=f"Thôn Nà {rng.choice(('Pò', 'Lũng', 'Rằng', 'Mạ', 'Giàng'))}",
        commune=commune.name,
        commune_code=commune.code,
        province=province,
        representative=owner,
        phone=f"0{rng.randint(200000000, 999999999)}",
        sector=sector,
        workers=rng.randint(3, 80),
        woman_owned=owner.split()[1] == "Thị",
        ethnic_minority_owned=owner.split()[0]
        in {"Nông", "Lục", "Triệu", "Đàm", "Bế", "Lương", "Ma"},
        craft_village=rng.random() < 0.2,
    )
    facility.search_text = facility_search_text(facility)
    return facility


def _budget_lines(rng: random.Random, spec: ActivitySpec, machine: str) -> list[BudgetLine]:
    """Lines whose support honours the cap (percent and ceiling) when one is set."""
    if spec.code in {"may_moc_thiet_bi", "mo_hinh_trinh_dien"}:
        qty = rng.randint(1, 3)
        price = rng.randrange(120_000_000, 600_000_000, 1_000_000)
        lines = [
            (machine, "bộ", qty, price),
            (
                "Chi phí lắp đặt, chuyển giao công nghệ",
                "gói",
                1,
                rng.randrange(10_000_000, 40_000_000, 500_000),
            ),
        ]
    elif spec.code in {"dao_tao_nghe", "nang_cao_nang_luc_quan_ly", "nang_luc_khuyen_cong"}:
        learners = rng.randint(25, 35)
        lines = [
            ("Thù lao giảng viên", "buổi", rng.randint(20, 60), 600_000),
            (
                "Nguyên vật liệu thực hành",
                "học viên",
                learners,
                rng.randrange(500_000, 1_500_000, 50_000),
            ),
            ("Hỗ trợ tiền ăn học viên", "ngày", learners * 20, 50_000),
        ]
    else:
        lines = [
            (
                "Chi phí tổ chức thực hiện",
                "gói",
                1,
                rng.randrange(40_000_000, 250_000_000, 1_000_000),
            ),
            (
                "Chi phí thông tin, tuyên truyền",
                "gói",
                1,
                rng.randrange(5_000_000, 20_000_000, 500_000),
            ),
        ]
    out: list[BudgetLine] = []
    share = rng.choice(
        (Decimal("0.3"), Decimal("0.4"), Decimal("0.5"), Decimal("0.7"), Decimal("1"))
    )
    for position, (item, unit, qty, price) in enumerate(lines):
        amount = qty * price
        out.append(
            BudgetLine(
                position=position,
                item=item,
                unit=unit,
                quantity=Decimal(qty),
                unit_price=price,
                amount=amount,
                support=int(amount * share),
                counterpart=amount - int(amount * share),
            )
        )
    if spec.cap is not None:
        total = sum(line.amount for line in out)
        limit = total * (spec.cap.percent or 100) // 100
        if spec.cap.amount is not None:
            limit = min(limit, spec.cap.amount)
        for line in out:
            line.support, line.counterpart = 0, line.amount
        remaining = limit * rng.randint(80, 100) // 100 // 1_000_000 * 1_000_000
        for line in out:
            take = min(remaining, line.amount)
            line.support, line.counterpart = take, line.amount - take
            remaining -= take
    return out


def _history(rng: random.Random, final: S, year: int) -> list[tuple[S, datetime]]:
    """A plausible path of statuses from 'received' to ``final`` with dates."""
    exits = {S.RETURNED, S.REJECTED, S.WITHDRAWN, S.STOPPED}
    if final in exits:
        sources = [s for s in MAIN_PATH if final in TRANSITIONS[s]]
        stop_at = rng.choice(sources)
        path = list(MAIN_PATH[: MAIN_PATH.index(stop_at) + 1]) + [final]
    else:
        path = list(MAIN_PATH[: MAIN_PATH.index(final) + 1])
    when = datetime(year - 1, rng.randint(3, 6), rng.randint(1, 28), 9, 0)
    out = []
    for status in path:
        out.append((status, when))
        when += timedelta(days=rng.randint(5, 40), hours=rng.randint(0, 7))
    return out


def generate(
    session: Session, actor: Actor, *, proposals: int, seed: int, year: int
) -> DemoContext:
    """Add ``proposals`` demo proposals centred on plan ``year`` (the year in preparation)."""
    rng = random.Random(seed)
    ctx = DemoContext(rng=rng, year=year, actor=actor)
    province = str(settings.get(session, "org.province"))
    activities = list(load_activities().values())
    offices = _ensure_offices(session, rng)
    start_index = int(session.scalar(select(func.count(Facility.id))) or 0)
    n_fac = max(3, proposals * 3 // 4)
    ctx.facilities = [_facility(rng, province, start_index + i + 1) for i in range(n_fac)]
    session.add_all(ctx.facilities)
    session.flush()
    counters: dict[int, int] = {}
    targets = DemoTargets(session, seed, _OUTPUT_RANGES)
    for i in range(proposals):
        age = rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
        plan_year = year - age
        if plan_year not in counters:
            counters[plan_year] = int(next_code(session, plan_year).rsplit("-", 1)[1]) - 1
        counters[plan_year] += 1
        spec = activities[i % len(activities)] if i < len(activities) else rng.choice(activities)
        final = rng.choices(*zip(*_STATUS_WEIGHTS[age], strict=True))[0]
        ctx.proposals.append(
            _proposal(
                session,
                rng,
                spec,
                format_code(plan_year, counters[plan_year]),
                plan_year,
                final,
                ctx.facilities,
                offices,
                targets,
            )
        )
        if len(ctx.proposals) % 500 == 0:
            session.flush()
    session.flush()
    demo_appraisal.extend(session, ctx)
    demo_implementation.extend(session, ctx)
    audit.record(
        session,
        actor,
        entity="demo",
        entity_uuid="",
        action="demo-data",
        changes={"proposals": {"old": None, "new": proposals}, "seed": {"old": None, "new": seed}},
    )
    return ctx


def _proposal(
    session: Session,
    rng: random.Random,
    spec: ActivitySpec,
    code: str,
    plan_year: int,
    final: S,
    facilities: list[Facility],
    offices: list[Office],
    targets: DemoTargets,
) -> Proposal:
    trade, product, machine, _sector = rng.choice(demo_names.TRADES)
    chosen = (
        rng.sample(facilities, rng.choice((1, 1, 1, 2, 3))) if spec.requires_beneficiary else []
    )
    commune = _official(chosen[0].commune) if chosen else _official(rng.choice(demo_names.COMMUNES))
    first = f" cho {chosen[0].name}" if chosen else ""
    title = f"{spec.short_label}: {product}{first}"
    start = date(plan_year, rng.randint(2, 6), 1)
    end = date(plan_year, rng.randint(max(start.month + 2, 8), 11), 1)
    office = rng.choice(offices)
    proposal = Proposal(
        code=code,
        title=title,
        plan_year=plan_year,
        activity=spec.code,
        funding_source=rng.choices(("dia_phuong", "quoc_gia", "cap_xa"), weights=(80, 15, 5))[0],
        status=S.RECEIVED,
        office_code=office.code,
        origin_office=office.code,
        implementing_unit=demo_names.UNITS[0],
        partner_unit=rng.choice(demo_names.PARTNERS),
        location=commune.name,
        commune=commune.name,
        commune_code=commune.code,
        start_month=start,
        end_month=end,
        received_date=date(plan_year - 1, rng.randint(3, 6), rng.randint(1, 28)),
        necessity=f"Nghề {trade.lower()} tại {commune.address_name} còn làm thủ công, năng suất thấp, "
        "chất lượng sản phẩm chưa đồng đều.",
        legal_basis="Nghị định số 45/2012/NĐ-CP; Nghị định số 235/2025/NĐ-CP; "
        "Chương trình khuyến công địa phương của tỉnh.",
        objectives=f"Nâng cao năng suất, chất lượng {product}; tạo việc làm cho lao động nông thôn.",
        scale=f"{spec.label}; quy mô phù hợp năng lực cơ sở.",
        organisation="Trung tâm Khuyến công chủ trì, phối hợp đơn vị thụ hưởng tổ chức thực hiện.",
        effect_economic="Tăng doanh thu, giảm chi phí sản xuất.",
        effect_social="Tạo việc làm, tăng thu nhập cho người lao động địa phương.",
        effect_environment="Giảm bụi, tiếng ồn so với sản xuất thủ công.",
        sustainability=(
            f"Sau khi kết thúc hỗ trợ, {chosen[0].name} tiếp tục vận hành bằng vốn tự có; "
            if chosen
            else "Sau khi kết thúc hỗ trợ, đơn vị chủ trì duy trì kết quả bằng nguồn lực sẵn có; "
        )
        + f"cách làm có thể nhân rộng cho các cơ sở {trade.lower()} khác trong tỉnh.",
        created_by="demo",
    )
    proposal.facility_links = [
        ProposalFacility(facility=f, position=n) for n, f in enumerate(chosen)
    ]
    proposal.budget_lines = _budget_lines(rng, spec, machine)
    proposal.total_cost = sum(line.amount for line in proposal.budget_lines)
    proposal.support = sum(line.support for line in proposal.budget_lines)
    proposal.counterpart = sum(line.counterpart for line in proposal.budget_lines)
    proposal.schedule = [
        ScheduleItem(
            position=0,
            task="Khảo sát, lựa chọn nhà cung cấp",
            start=start,
            end=start,
            responsible="Trung tâm Khuyến công",
        ),
        ScheduleItem(
            position=1,
            task="Triển khai thực hiện",
            start=start,
            end=end,
            responsible="Đơn vị thụ hưởng",
        ),
        ScheduleItem(
            position=2,
            task="Nghiệm thu, quyết toán",
            start=end,
            end=end,
            responsible="Trung tâm Khuyến công",
        ),
    ]
    implemented = final in (S.ACCEPTED, S.SETTLED)
    outputs = []
    for measure in spec.outputs:
        low, high = _OUTPUT_RANGES.get(measure, (1, 3))
        planned = len(chosen) if measure == "facilities" and chosen else rng.randint(low, high)
        achieved = max(0, planned - rng.choice((0, 0, 0, 1))) if implemented else None
        outputs.append(OutputMeasure(measure=measure, planned=planned, achieved=achieved))
    # Outputs per target of the proposal's programme (what the dashboard counts); the
    # measure outputs above stay as printed on the proposal.
    programme = targets.programme_for(
        plan_year, spec.code, final in (S.APPROVED, S.IMPLEMENTING, S.ACCEPTED, S.SETTLED)
    )
    proposal.programme = programme.code if programme is not None else ""
    outputs += targets.outputs(programme, spec, len(chosen), implemented)
    proposal.outputs = outputs
    complete = final not in (S.RECEIVED, S.FORWARDED, S.RETURNED)
    proposal.documents = [
        Document(
            position=n,
            code=d.code,
            label=d.label,
            required=d.required,
            received=complete or rng.random() < 0.6,
        )
        for n, d in enumerate(spec.documents)
    ]
    for status, when in _history(rng, final, plan_year):
        needs_decision = status in (S.APPROVED, S.STOPPED)
        proposal.status_changes.append(
            StatusChange(
                uuid=new_uuid(),
                from_status=proposal.status.value if proposal.status_changes else None,
                to_status=status.value,
                at=when,
                username="demo",
                office_code=office.code,
                reason="Dữ liệu trình diễn"
                if status in (S.RETURNED, S.REJECTED, S.WITHDRAWN, S.STOPPED)
                else "",
                decision_no=f"{rng.randint(100, 2999)}/QĐ-UBND" if needs_decision else None,
                decision_date=when.date() if needs_decision else None,
            )
        )
        proposal.status, proposal.status_changed_at = status, when
    if final in (S.APPROVED, S.IMPLEMENTING, S.ACCEPTED, S.SETTLED, S.STOPPED):
        proposal.approved_support = proposal.support
    proposal.search_text = proposal_search_text(proposal)
    session.add(proposal)
    return proposal

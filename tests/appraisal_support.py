"""Test helpers for the appraisal tests: proposals waiting for appraisal and a council.

Everything here is typed by hand (no code under test computes the inputs).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kcdesk.models import Facility, FacilityKind, Proposal, ProposalFacility, ProposalStatus
from kcdesk.models.appraisal import AgendaItem, AppraisalSession, CouncilMember, MemberRole
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.security.actor import SYSTEM

# (code, title, support, beneficiary)
PROPOSALS = (
    (
        "ĐA-2027-001",
        "Hỗ trợ máy sao chè cho Hợp tác xã Chè Đại Từ",
        187_000_000,
        "Hợp tác xã Chè Đại Từ",
    ),
    (
        "ĐA-2027-002",
        "Mô hình trình diễn kỹ thuật sấy miến dong",
        450_000_000,
        "Công ty TNHH Miến Việt",
    ),
    ("ĐA-2027-003", "Đào tạo nghề mây tre đan xã Hòa An", 96_600_000, "Tổ hợp tác Mây tre Hòa An"),
)
MEMBERS = (
    ("Nông Văn Hùng", "Phó Giám đốc Sở Công Thương", MemberRole.CHAIR),
    ("Hoàng Thị Lan", "Chuyên viên Phòng Quản lý công nghiệp", MemberRole.SECRETARY),
    ("Lục Văn Đức", "Trưởng phòng Quản lý công nghiệp", MemberRole.MEMBER),
    ("Bế Thị Mai", "Đại diện Sở Tài chính", MemberRole.MEMBER),
)


def add_proposal(
    session: Session,
    code: str,
    title: str,
    support: int,
    beneficiary: str,
    status: ProposalStatus = ProposalStatus.AWAITING_APPRAISAL,
) -> Proposal:
    facility = Facility(name=beneficiary, kind=FacilityKind.COOPERATIVE, province="Cao Bằng")
    p = Proposal(
        code=code,
        title=title,
        plan_year=2027,
        activity="may_moc_thiet_bi",
        status=status,
        total_cost=support * 2,
        support=support,
        counterpart=support,
    )
    p.facility_links.append(ProposalFacility(facility=facility, position=0))
    session.add(p)
    session.flush()
    return p


@dataclass
class Council:
    session: AppraisalSession
    members: list[CouncilMember]
    items: list[AgendaItem]


def make_council(
    session: Session, *, members: int = 4, criteria: str = "tham_dinh_de_an"
) -> Council:
    from datetime import date

    s = appraisal.create_session(
        session,
        SYSTEM,
        name="Hội đồng thẩm định đề án khuyến công năm 2027",
        plan_year=2027,
        criteria_code=criteria,
        decision_no="245/QĐ-SCT",
        decision_date=date(2026, 9, 5),
        meeting_date=date(2026, 9, 20),
        place="Hội trường Sở Công Thương",
    )
    people = [
        appraisal.add_member(session, SYSTEM, s, name=name, post=post, role=role)
        for name, post, role in MEMBERS[:members]
    ]
    items = [
        appraisal.add_item(session, SYSTEM, s, add_proposal(session, *row)) for row in PROPOSALS
    ]
    return Council(s, people, items)


# Points for the default set, in criteria order (20, 25, 20, 15, 10, 10 maximum).
def points(*values: float) -> dict[str, float]:
    codes = ("phu_hop", "muc_tieu_hieu_qua", "hop_ly_kinh_phi", "nang_luc", "long_ghep", "ho_so")
    assert len(values) == len(codes)
    return dict(zip(codes, values, strict=True))


def score_first_two(session: Session, council: Council) -> None:
    """Every member scores the first proposal well ("ho_tro") and the second poorly
    ("khong_ho_tro")."""
    from kcdesk.services.appraisal.scores import enter_scores

    for member in council.members:
        enter_scores(
            session,
            SYSTEM,
            council.items[0],
            member,
            points(18, 22, 18, 12, 8, 8),
            conclusion="ho_tro",
        )
        enter_scores(
            session,
            SYSTEM,
            council.items[1],
            member,
            points(10, 10, 10, 5, 5, 5),
            conclusion="khong_ho_tro",
        )

"""A proposal's programme and its outputs per target (kết quả theo chỉ tiêu chương trình).

Checks that read the database: the programme exists and each target code is one the
proposal's activity can count toward (:mod:`kcdesk.services.programmes.membership`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcdesk.models import Programme
from kcdesk.services.programmes import membership
from kcdesk.services.proposals.draft import ProposalInput
from kcdesk.services.proposals.validation import Problem


def resolve_programme(session: Session, data: ProposalInput) -> Programme | None:
    """The programme named by the input, or the Centre's one covering its plan year."""
    if data.programme:
        return membership.get(session, data.programme)
    return membership.programme_for(session, data.plan_year)


def check(session: Session, data: ProposalInput) -> list[Problem]:
    return check_for(data, resolve_programme(session, data))


def check_for(data: ProposalInput, programme: Programme | None) -> list[Problem]:
    """:func:`check` with the programme already resolved (the save resolves it once)."""
    out: list[Problem] = []
    if data.programme and programme is None:
        out.append(
            Problem(
                "programme",
                f"Không có chương trình khuyến công mã «{data.programme}» trong cơ sở dữ liệu.",
            )
        )
        return out
    if programme is not None and not programme.start_year <= data.plan_year <= programme.end_year:
        out.append(
            Problem(
                "programme",
                f"Năm kế hoạch {data.plan_year} nằm ngoài giai đoạn "
                f"{programme.start_year}–{programme.end_year} của chương trình {programme.code}.",
            )
        )
    offered = {t.code: t for t in membership.offered_targets(programme, data.activity)}
    for code, planned in data.target_outputs.items():
        key = f"target_outputs.{code}"
        if code not in offered:
            where = f"chương trình {programme.code}" if programme else "chương trình nào"
            out.append(
                Problem(
                    key,
                    f"Chỉ tiêu «{code}» không thuộc {where} hoặc nội dung hoạt động của đề án "
                    "không được tính vào chỉ tiêu này.",
                )
            )
        elif planned < 0:
            out.append(Problem(key, f"Kết quả dự kiến cho chỉ tiêu {code} không được âm."))
        elif offered[code].measure == "proposals" and planned > 1:
            # A proposal counts once toward a target that counts proposals.
            out.append(
                Problem(
                    key,
                    f"Chỉ tiêu {code} đếm số đề án: mỗi đề án chỉ tính 1, không tính {planned}.",
                )
            )
    return out

"""Appraisal sessions (hội đồng thẩm định): set-up, members, agenda, conflicts.

Score entry lives in ``appraisal_scores``, results in ``appraisal_results``.
Every write checks ``APPRAISAL_EDIT``, bumps the session's revision and records
an audit event on the session in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kcdesk.models import Proposal, ProposalStatus, new_uuid
from kcdesk.models.appraisal import (
    AgendaItem,
    AppraisalSession,
    CouncilMember,
    MemberRole,
    ScoreSheet,
)
from kcdesk.services.appraisal.criteria import (
    CriteriaSet,
    default_set_code,
    get_criteria_set,
    parse_set,
)
from kcdesk.services.core import audit
from kcdesk.services.core.errors import NotFoundError, ValidationError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import APPRAISAL_EDIT, require
from kcdesk.text import nfc

ENTITY = "appraisal_session"
# A proposal can be put on an agenda only while it waits for appraisal.
AGENDA_STATUSES = frozenset({ProposalStatus.AWAITING_APPRAISAL})


def criteria_of(s: AppraisalSession) -> CriteriaSet:
    """The session's frozen criteria set."""
    return parse_set(s.criteria, f"Hội đồng «{s.name}»")


def _touch(
    session: Session, actor: Actor, s: AppraisalSession, action: str, changes: dict[str, Any]
) -> None:
    s.revision = (s.revision or 0) + 1
    audit.record(
        session,
        actor,
        entity=ENTITY,
        entity_uuid=s.uuid,
        entity_label=s.name,
        action=action,
        changes=changes,
    )
    session.flush()


def _snapshot(s: AppraisalSession) -> dict[str, Any]:
    return {
        "name": s.name,
        "plan_year": s.plan_year,
        "decision_no": s.decision_no,
        "decision_date": s.decision_date,
        "meeting_date": s.meeting_date,
        "place": s.place,
        "note": s.note,
    }


def _check_fields(name: str, plan_year: int) -> None:
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = "Nhập tên hội đồng"
    if not 2000 <= plan_year <= 2100:
        problems["plan_year"] = "Năm kế hoạch từ 2000 đến 2100"
    if problems:
        raise ValidationError(
            "Thông tin hội đồng chưa đúng: " + "; ".join(problems.values()) + ".", problems
        )


def create_session(
    session: Session,
    actor: Actor,
    *,
    name: str,
    plan_year: int,
    criteria_code: str | None = None,
    decision_no: str = "",
    decision_date: date | None = None,
    meeting_date: date | None = None,
    place: str = "",
    note: str = "",
) -> AppraisalSession:
    """A new council session using the criteria set ``criteria_code`` (first set if None)."""
    require(actor, APPRAISAL_EDIT)
    _check_fields(name, plan_year)
    spec = get_criteria_set(criteria_code or default_set_code())
    s = AppraisalSession(
        uuid=new_uuid(),
        origin_office=actor.office_code,
        name=nfc(name.strip()),
        plan_year=plan_year,
        criteria_code=spec.code,
        criteria=spec.to_dict(),
        decision_no=nfc(decision_no.strip()),
        decision_date=decision_date,
        meeting_date=meeting_date,
        place=nfc(place.strip()),
        note=nfc(note.strip()),
        revision=0,
    )
    session.add(s)
    session.flush()
    _touch(
        session,
        actor,
        s,
        "create",
        audit.diff({}, {**_snapshot(s), "criteria": spec.code}),
    )
    return s


def update_session(session: Session, actor: Actor, s: AppraisalSession, **fields: Any) -> None:
    """Change name, decision, meeting date, place or note."""
    require(actor, APPRAISAL_EDIT)
    allowed = {"name", "plan_year", "decision_no", "decision_date", "meeting_date", "place", "note"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    old = _snapshot(s)
    new = {**old, **{k: nfc(v.strip()) if isinstance(v, str) else v for k, v in fields.items()}}
    _check_fields(str(new["name"]), int(new["plan_year"]))
    changes = audit.diff(old, new)
    if not changes:
        return
    for key, value in new.items():
        setattr(s, key, value)
    _touch(session, actor, s, "update", changes)


def get_session(session: Session, session_id: int) -> AppraisalSession:
    """The council with its members, agenda (proposals, score sheets, scores) loaded in
    a few queries: every screen and print reads them all, and loading them one item
    or sheet at a time made the section's opening hundreds of queries (issue 24)."""
    items = selectinload(AppraisalSession.items)
    s = session.get(
        AppraisalSession,
        session_id,
        options=[
            selectinload(AppraisalSession.members),
            items.selectinload(AgendaItem.proposal),
            items.selectinload(AgendaItem.sheets).selectinload(ScoreSheet.scores),
        ],
    )
    if s is None:
        raise NotFoundError(f"Không có hội đồng thẩm định số {session_id}.")
    return s


def list_sessions(session: Session, year: int | None = None) -> list[AppraisalSession]:
    query = select(AppraisalSession).order_by(AppraisalSession.plan_year, AppraisalSession.id)
    if year is not None:
        query = query.where(AppraisalSession.plan_year == year)
    return list(session.scalars(query))


# --- members ------------------------------------------------------------------


def add_member(
    session: Session,
    actor: Actor,
    s: AppraisalSession,
    *,
    name: str,
    post: str = "",
    role: MemberRole = MemberRole.MEMBER,
) -> CouncilMember:
    """Add a member; a council has at most one chair and one secretary."""
    require(actor, APPRAISAL_EDIT)
    name = nfc(name.strip())
    if not name:
        raise ValidationError("Nhập họ và tên thành viên.", {"name": "Nhập họ và tên"})
    if role is not MemberRole.MEMBER and any(m.role is role for m in s.members):
        raise ValidationError(f"Hội đồng đã có {role.label.lower()}.", {"role": "Đã có"})
    if any(m.name == name for m in s.members):
        raise ValidationError(f"Hội đồng đã có thành viên {name}.", {"name": "Trùng tên"})
    member = CouncilMember(
        uuid=new_uuid(),
        name=name,
        post=nfc(post.strip()),
        role=role,
        position=max((m.position for m in s.members), default=-1) + 1,
    )
    s.members.append(member)
    session.flush()
    _touch(
        session,
        actor,
        s,
        "member-add",
        {"member": {"old": None, "new": f"{name} ({role.label})"}},
    )
    return member


def update_member(
    session: Session,
    actor: Actor,
    member: CouncilMember,
    *,
    name: str | None = None,
    post: str | None = None,
    role: MemberRole | None = None,
) -> None:
    require(actor, APPRAISAL_EDIT)
    s = member.session
    old = {"name": member.name, "post": member.post, "role": member.role.value}
    new_name = nfc(name.strip()) if name is not None else member.name
    if not new_name:
        raise ValidationError("Nhập họ và tên thành viên.", {"name": "Nhập họ và tên"})
    new_role = role or member.role
    if new_role is not MemberRole.MEMBER and any(
        m.role is new_role and m is not member for m in s.members
    ):
        raise ValidationError(f"Hội đồng đã có {new_role.label.lower()}.", {"role": "Đã có"})
    member.name = new_name
    member.post = nfc(post.strip()) if post is not None else member.post
    member.role = new_role
    changes = audit.diff(old, {"name": member.name, "post": member.post, "role": member.role.value})
    if changes:
        _touch(session, actor, s, "member-update", changes)


def remove_member(session: Session, actor: Actor, member: CouncilMember) -> None:
    """Remove a member and their sheets; refused once a result using them is recorded."""
    require(actor, APPRAISAL_EDIT)
    s = member.session
    recorded = [sh.item.proposal.code for sh in member.sheets if sh.item.recorded_at is not None]
    if recorded:
        raise ValidationError(
            f"Không xoá được {member.name}: đã ghi kết quả thẩm định có phiếu của thành viên "
            f"này ({', '.join(sorted(recorded))})."
        )
    # delete-orphan deletes the member (and its sheets) at the flush; an extra
    # session.delete() on top of it confuses the unit of work.
    s.members.remove(member)
    session.flush()
    # The cascade deleted the member's sheets: reload the items' collections so
    # this session does not keep pointing at them.
    for item in s.items:
        session.expire(item, ["sheets"])
    _touch(session, actor, s, "member-remove", {"member": {"old": member.name, "new": None}})


def chair(s: AppraisalSession) -> CouncilMember | None:
    return next((m for m in s.members if m.role is MemberRole.CHAIR), None)


def secretary(s: AppraisalSession) -> CouncilMember | None:
    return next((m for m in s.members if m.role is MemberRole.SECRETARY), None)


# --- agenda -------------------------------------------------------------------


def add_item(session: Session, actor: Actor, s: AppraisalSession, proposal: Proposal) -> AgendaItem:
    """Put a proposal awaiting appraisal on the agenda (once, in one open session)."""
    require(actor, APPRAISAL_EDIT)
    if proposal.status not in AGENDA_STATUSES:
        raise ValidationError(
            f"Đề án {proposal.code} đang ở trạng thái '{proposal.status.label}': chỉ đưa vào "
            f"chương trình họp đề án '{ProposalStatus.AWAITING_APPRAISAL.label}'."
        )
    if any(item.proposal_id == proposal.id for item in s.items):
        raise ValidationError(f"Đề án {proposal.code} đã có trong chương trình họp.")
    elsewhere = session.scalars(
        select(AgendaItem).where(
            AgendaItem.proposal_id == proposal.id,
            AgendaItem.session_id != s.id,
            AgendaItem.recorded_at.is_(None),
        )
    ).first()
    if elsewhere is not None:
        raise ValidationError(
            f"Đề án {proposal.code} đang trong chương trình của hội đồng "
            f"«{elsewhere.session.name}» chưa ghi kết quả."
        )
    item = AgendaItem(
        uuid=new_uuid(),
        proposal=proposal,
        position=max((i.position for i in s.items), default=-1) + 1,
    )
    s.items.append(item)
    session.flush()
    _touch(session, actor, s, "agenda-add", {"proposal": {"old": None, "new": proposal.code}})
    return item


def _available(s: AppraisalSession) -> Any:
    return _available_in(s.plan_year)


def _available_in(plan_year: int) -> Any:
    busy = select(AgendaItem.proposal_id).where(AgendaItem.recorded_at.is_(None))
    return (
        Proposal.plan_year == plan_year,
        Proposal.status.in_(AGENDA_STATUSES),
        Proposal.id.not_in(busy),
    )


def available_proposals(session: Session, s: AppraisalSession) -> list[Proposal]:
    """Proposals of the session's plan year awaiting appraisal and on no open agenda."""
    return list(session.scalars(select(Proposal).where(*_available(s)).order_by(Proposal.code)))


def available_choices(session: Session, s: AppraisalSession) -> list[tuple[str, str]]:
    """(code, title) of ``available_proposals``, in the same order: what the agenda's
    list of choices shows, without loading whole proposals (a plan year can hold
    thousands awaiting appraisal)."""
    query = select(Proposal.code, Proposal.title).where(*_available(s)).order_by(Proposal.code)
    return [(code, title) for code, title in session.execute(query)]


def choices_count(session: Session, plan_year: int) -> int:
    """How many choices ``available_choices`` gives for a council of ``plan_year``."""
    query = select(func.count()).select_from(Proposal).where(*_available_in(plan_year))
    return int(session.scalar(query) or 0)


def choices_page(
    session: Session, plan_year: int, offset: int, limit: int
) -> list[tuple[str, str]]:
    """``available_choices(...)[offset:offset + limit]`` for a council of ``plan_year``,
    read without the choices before and after it (codes are unique: a stable order)."""
    query = (
        select(Proposal.code, Proposal.title)
        .where(*_available_in(plan_year))
        .order_by(Proposal.code)
        .limit(limit)
        .offset(offset)
    )
    return [(code, title) for code, title in session.execute(query)]


def remove_item(session: Session, actor: Actor, item: AgendaItem) -> None:
    require(actor, APPRAISAL_EDIT)
    if item.recorded_at is not None:
        raise ValidationError(
            f"Đề án {item.proposal.code} đã ghi kết quả thẩm định: không bỏ khỏi chương trình."
        )
    s = item.session
    code = item.proposal.code
    s.items.remove(item)  # delete-orphan: see remove_member
    session.flush()
    for member in s.members:
        session.expire(member, ["sheets"])
    _touch(session, actor, s, "agenda-remove", {"proposal": {"old": code, "new": None}})


def move_item(session: Session, actor: Actor, item: AgendaItem, offset: int) -> None:
    """Move an agenda item up (-1) or down (+1)."""
    require(actor, APPRAISAL_EDIT)
    s = item.session
    items = list(s.items)
    index = items.index(item)
    target = max(0, min(len(items) - 1, index + offset))
    if target == index:
        return
    items.insert(target, items.pop(index))
    for position, it in enumerate(items):
        it.position = position
    _touch(
        session,
        actor,
        s,
        "agenda-move",
        {item.proposal.code: {"old": index + 1, "new": target + 1}},
    )


# --- sheets and conflicts -----------------------------------------------------


def find_sheet(item: AgendaItem, member: CouncilMember) -> ScoreSheet | None:
    return next((sh for sh in item.sheets if sh.member_id == member.id), None)


def sheet_for(session: Session, item: AgendaItem, member: CouncilMember) -> ScoreSheet:
    sheet = find_sheet(item, member)
    if sheet is None:
        sheet = ScoreSheet(member=member, item=item)
        session.add(sheet)
        item.sheets.append(sheet)
    return sheet


def is_conflicted(item: AgendaItem, member: CouncilMember) -> bool:
    sheet = find_sheet(item, member)
    return sheet is not None and sheet.conflict


def declare_conflict(
    session: Session, actor: Actor, item: AgendaItem, member: CouncilMember, reason: str
) -> None:
    """Xung đột lợi ích: the member is left out of this proposal (no sheet, no score)."""
    require(actor, APPRAISAL_EDIT)
    if member.session_id != item.session_id:
        raise ValidationError(f"{member.name} không thuộc hội đồng này.")
    reason = nfc(reason.strip())
    if not reason:
        raise ValidationError("Ghi rõ lý do xung đột lợi ích.", {"reason": "Nhập lý do"})
    if item.recorded_at is not None:
        raise ValidationError(f"Đề án {item.proposal.code} đã ghi kết quả thẩm định.")
    existing = find_sheet(item, member)
    if existing is not None and (existing.scores or existing.conclusion):
        raise ValidationError(
            f"{member.name} đã có điểm cho đề án {item.proposal.code}: xoá điểm trước khi "
            "ghi xung đột lợi ích."
        )
    sheet = sheet_for(session, item, member)
    sheet.conflict = True
    sheet.conflict_reason = reason
    _touch(
        session,
        actor,
        item.session,
        "conflict-declare",
        {f"{member.name} / {item.proposal.code}": {"old": None, "new": reason}},
    )


def clear_conflict(session: Session, actor: Actor, item: AgendaItem, member: CouncilMember) -> None:
    require(actor, APPRAISAL_EDIT)
    sheet = find_sheet(item, member)
    if sheet is None or not sheet.conflict:
        return
    if item.recorded_at is not None:
        raise ValidationError(f"Đề án {item.proposal.code} đã ghi kết quả thẩm định.")
    old = sheet.conflict_reason
    sheet.conflict = False
    sheet.conflict_reason = ""
    _touch(
        session,
        actor,
        item.session,
        "conflict-clear",
        {f"{member.name} / {item.proposal.code}": {"old": old, "new": None}},
    )


def scoring_members(item: AgendaItem) -> list[CouncilMember]:
    """Members expected to score this item: everyone without a declared conflict."""
    return [m for m in item.session.members if not is_conflicted(item, m)]

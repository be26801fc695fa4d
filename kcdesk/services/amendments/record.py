"""Amendments of approved proposals (điều chỉnh, bổ sung, ngừng triển khai đề án).

``propose`` records the request: the before/after difference of the fields that
change, the reason, and who must approve it and why
(:mod:`kcdesk.services.amendments.authority`). ``decide`` records the decision (number,
date); an approved amendment is applied to the proposal (revision + 1, audited) and
to the catalogue version it belongs to (``catalogue.record_amendment``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.formatting import format_money
from kcdesk.models import Facility, Proposal, ProposalFacility, new_uuid, utcnow
from kcdesk.models import ProposalStatus as S
from kcdesk.models.amendment import Amendment
from kcdesk.services.amendments.authority import KINDS, AuthorityDecision, decide_authority
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.core import audit
from kcdesk.services.core.errors import ConflictError, NotFoundError, ValidationError
from kcdesk.services.proposals import workflow
from kcdesk.services.proposals.search import proposal_search_text
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import AMENDMENT_APPROVE, AMENDMENT_EDIT, require
from kcdesk.text import nfc

KIND_LABELS = {"adjust": "Điều chỉnh", "add": "Bổ sung", "stop": "Ngừng triển khai"}
STATE_LABELS = {"pending": "Chờ quyết định", "approved": "Đã phê duyệt", "refused": "Không duyệt"}
FIELD_LABELS: dict[str, str] = {
    "location": "Địa điểm thực hiện",
    "commune": "Xã, phường",
    "facilities": "Đơn vị thụ hưởng",
    "partner_unit": "Đơn vị phối hợp",
    "implementing_unit": "Đơn vị thực hiện",
    "start_month": "Tháng bắt đầu",
    "end_month": "Tháng kết thúc",
    "approved_support": "Kinh phí hỗ trợ",
    "title": "Tên đề án",
    "activity": "Nội dung hoạt động",
    "objectives": "Mục tiêu",
    "scale": "Quy mô",
    "organisation": "Tổ chức thực hiện",
}
TEXT_FIELDS = (
    "location",
    "commune",
    "partner_unit",
    "implementing_unit",
    "title",
    "activity",
    "objectives",
    "scale",
    "organisation",
)
MONTH_FIELDS = ("start_month", "end_month")
# An amendment changes a proposal in the approved catalogue, before it is settled.
AMENDABLE = frozenset({S.APPROVED, S.IMPLEMENTING})


def snapshot(proposal: Proposal) -> dict[str, Any]:
    """The amendable fields of ``proposal`` as JSON values (months as ISO dates)."""
    data: dict[str, Any] = {name: getattr(proposal, name) or "" for name in TEXT_FIELDS}
    for name in MONTH_FIELDS:
        value = getattr(proposal, name)
        data[name] = value.isoformat() if value else None
    data["approved_support"] = (
        proposal.approved_support if proposal.approved_support is not None else proposal.support
    )
    data["facilities"] = [link.facility.uuid for link in proposal.facility_links]
    return data


def _normalise(name: str, value: Any) -> Any:
    if name in TEXT_FIELDS:
        return nfc(str(value or ""))
    if name in MONTH_FIELDS:
        if value in (None, ""):
            return None
        month = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return month.replace(day=1).isoformat()
    if name == "approved_support":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                "Kinh phí hỗ trợ phải là số đồng nguyên, không âm.",
                {"approved_support": "Nhập số đồng"},
            )
        return value
    if name == "facilities":
        return [str(v) for v in value]
    raise ValidationError(f"Trường «{name}» không điều chỉnh được qua đề nghị điều chỉnh.")


def _facility_names(session: Session, uuids: list[str]) -> list[str]:
    found = dict(
        session.execute(select(Facility.uuid, Facility.name).where(Facility.uuid.in_(uuids)))
        .tuples()
        .all()
    )
    missing = [u for u in uuids if u not in found]
    if missing:
        raise ValidationError(f"Không tìm thấy cơ sở thụ hưởng {', '.join(missing)}.")
    return [found[u] for u in uuids]


def compute_changes(
    session: Session, proposal: Proposal, new_values: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """``{field: {"old", "new"}}`` for the fields whose value really changes."""
    before = snapshot(proposal)
    changes: dict[str, dict[str, Any]] = {}
    for name, raw in new_values.items():
        value = _normalise(name, raw)
        if value != before.get(name):
            changes[name] = {"old": before.get(name), "new": value}
    if "facilities" in changes:
        changes["facilities"]["old_names"] = _facility_names(session, changes["facilities"]["old"])
        changes["facilities"]["new_names"] = _facility_names(session, changes["facilities"]["new"])
        if not changes["facilities"]["new"]:
            raise ValidationError("Đề án phải còn ít nhất một đơn vị thụ hưởng.")
    if "start_month" in changes or "end_month" in changes:
        start = (changes.get("start_month") or {"new": before["start_month"]})["new"]
        end = (changes.get("end_month") or {"new": before["end_month"]})["new"]
        if start and end and end < start:
            raise ValidationError("Tháng kết thúc phải sau tháng bắt đầu.")
    return changes


def preview_authority(
    session: Session, proposal: Proposal, kind: str, new_values: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], AuthorityDecision]:
    """What would change and who would approve it (the dialog shows this live)."""
    changes = compute_changes(session, proposal, new_values) if kind == "adjust" else {}
    return changes, decide_authority(
        kind, changes, proposal.plan_year, FIELD_LABELS, funding_source=proposal.funding_source
    )


def propose(
    session: Session,
    actor: Actor,
    proposal: Proposal,
    *,
    kind: str = "adjust",
    new_values: dict[str, Any] | None = None,
    reason: str,
    request_no: str = "",
    request_date: date | None = None,
) -> Amendment:
    """Record a request to amend, add or stop ``proposal`` (audited)."""
    require(actor, AMENDMENT_EDIT)
    if kind not in KINDS:
        raise ValidationError(f"Loại đề nghị '{kind}' không có. Các loại: {', '.join(KINDS)}.")
    reason = nfc(reason)
    if not reason:
        raise ValidationError("Đề nghị điều chỉnh cần nêu rõ lý do.", {"reason": "Nhập lý do"})
    if kind == "add":
        if proposal.status is not S.SUBMITTED:
            raise ValidationError(
                f"Đề án bổ sung {proposal.code} phải đã thẩm định và trình phê duyệt "
                f"(đang ở trạng thái '{proposal.status.label}')."
            )
    elif proposal.status not in AMENDABLE:
        raise ValidationError(
            f"Đề án {proposal.code} đang ở trạng thái '{proposal.status.label}': chỉ điều chỉnh "
            "hoặc ngừng đề án đã phê duyệt, đang thực hiện."
        )
    pending = session.scalars(
        select(Amendment).where(Amendment.proposal_id == proposal.id, Amendment.state == "pending")
    ).first()
    if pending is not None:
        raise ConflictError(
            f"Đề án {proposal.code} đang có đề nghị số {pending.number} chờ quyết định: "
            "ghi quyết định của đề nghị đó trước."
        )
    changes, decision = preview_authority(session, proposal, kind, new_values or {})
    if kind == "adjust" and not changes:
        raise ValidationError("Đề nghị điều chỉnh không thay đổi gì so với đề án hiện tại.")
    number = (
        session.scalar(
            select(func.max(Amendment.number)).where(Amendment.proposal_id == proposal.id)
        )
        or 0
    ) + 1
    amendment = Amendment(
        uuid=new_uuid(),
        origin_office=actor.office_code,
        proposal=proposal,
        number=number,
        kind=kind,
        changes=changes,
        reason=reason,
        request_no=nfc(request_no),
        request_date=request_date,
        authority=decision.authority,
        authority_reasons=decision.reasons,
        state="pending",
        requested_by=actor.username,
        requested_at=utcnow(),
    )
    session.add(amendment)
    session.flush()
    audit.record(
        session,
        actor,
        entity="amendment",
        entity_uuid=amendment.uuid,
        entity_label=f"{proposal.code} đề nghị {number}",
        action="create",
        changes={
            "kind": {"old": None, "new": kind},
            "reason": {"old": None, "new": reason},
            "authority": {"old": None, "new": decision.authority},
            **{f"proposal.{k}": {"old": v["old"], "new": v["new"]} for k, v in changes.items()},
        },
    )
    return amendment


def _apply(session: Session, actor: Actor, amendment: Amendment) -> None:
    proposal = amendment.proposal
    current = snapshot(proposal)
    for name, change in amendment.changes.items():
        if current.get(name) != change["old"]:
            raise ConflictError(
                f"«{FIELD_LABELS.get(name, name)}» của đề án {proposal.code} đã thay đổi sau khi "
                "lập đề nghị: lập đề nghị mới theo số liệu hiện tại."
            )
    for name, change in amendment.changes.items():
        new = change["new"]
        if name in TEXT_FIELDS:
            setattr(proposal, name, new)
        elif name in MONTH_FIELDS:
            setattr(proposal, name, date.fromisoformat(new) if new else None)
        elif name == "approved_support":
            proposal.approved_support = int(new)
        elif name == "facilities":
            by_uuid = {
                f.uuid: f for f in session.scalars(select(Facility).where(Facility.uuid.in_(new)))
            }
            proposal.facility_links = [
                ProposalFacility(facility=by_uuid[u], position=n) for n, u in enumerate(new)
            ]
    session.flush()
    proposal.search_text = proposal_search_text(proposal)
    proposal.revision += 1
    proposal.updated_at = utcnow()
    audit.record(
        session,
        actor,
        entity="proposal",
        entity_uuid=proposal.uuid,
        entity_label=proposal.code,
        action="amend",
        changes={
            **{k: {"old": v["old"], "new": v["new"]} for k, v in amendment.changes.items()},
            "amendment": {"old": None, "new": f"{amendment.number} ({amendment.decision_no})"},
        },
    )


def summary_text(amendment: Amendment) -> str:
    """One line: what the amendment does ("Điều chỉnh: Địa điểm thực hiện: A → B; …")."""
    parts = []
    for name, change in amendment.changes.items():
        old, new = change.get("old_names", change["old"]), change.get("new_names", change["new"])
        if name == "approved_support":
            old, new = format_money(int(old or 0)), format_money(int(new or 0))
        if isinstance(old, list):
            old, new = "; ".join(old), "; ".join(new)
        parts.append(f"{FIELD_LABELS.get(name, name)}: {old or '—'} → {new or '—'}")
    label = KIND_LABELS.get(amendment.kind, amendment.kind)
    return f"{label}: " + "; ".join(parts) if parts else label


def _notify_catalogue(session: Session, actor: Actor, amendment: Amendment) -> None:
    catalogue.record_amendment(session, actor, amendment.proposal, summary_text(amendment))


def decide(
    session: Session,
    actor: Actor,
    amendment: Amendment,
    *,
    approved: bool,
    decision_no: str | None = None,
    decision_date: date | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Amendment:
    """Record the authority's decision; an approval is applied to the proposal."""
    require(actor, AMENDMENT_APPROVE)
    if amendment.state != "pending":
        raise ConflictError(
            f"Đề nghị số {amendment.number} của đề án {amendment.proposal.code} đã có quyết định "
            f"({STATE_LABELS.get(amendment.state, amendment.state)})."
        )
    decision_no = nfc(decision_no) or None
    note = nfc(note)
    if approved and (not decision_no or decision_date is None):
        raise ValidationError(
            "Ghi số và ngày của quyết định phê duyệt điều chỉnh.",
            {"decision_no": "Nhập số quyết định", "decision_date": "Nhập ngày quyết định"},
        )
    if not approved and not note and not decision_no:
        raise ValidationError(
            "Không duyệt: ghi số văn bản trả lời hoặc lý do.", {"note": "Nhập lý do"}
        )
    old_state = amendment.state
    amendment.state = "approved" if approved else "refused"
    amendment.decision_no, amendment.decision_date = decision_no, decision_date
    amendment.decided_by, amendment.decided_at = actor.username, at or utcnow()
    amendment.decision_note = note
    amendment.revision += 1
    proposal = amendment.proposal
    if approved:
        if amendment.kind == "stop":
            workflow.change_status(
                session,
                actor,
                proposal,
                S.STOPPED,
                reason=amendment.reason,
                decision_no=decision_no,
                decision_date=decision_date,
            )
        elif amendment.kind == "add":
            workflow.change_status(
                session,
                actor,
                proposal,
                S.APPROVED,
                reason=amendment.reason,
                decision_no=decision_no,
                decision_date=decision_date,
            )
        else:
            _apply(session, actor, amendment)
    audit.record(
        session,
        actor,
        entity="amendment",
        entity_uuid=amendment.uuid,
        entity_label=f"{proposal.code} đề nghị {amendment.number}",
        action="decide",
        changes={
            "state": {"old": old_state, "new": amendment.state},
            "decision": {"old": None, "new": f"{decision_no or ''} ({decision_date or ''})"},
            **({"note": {"old": None, "new": note}} if note else {}),
        },
    )
    if approved:
        _notify_catalogue(session, actor, amendment)
    session.flush()
    return amendment


def authority_label(code: str) -> str:
    """'Sở Công Thương' / 'Chủ tịch UBND tỉnh' / 'Bộ Công Thương' from the rules in force."""
    from kcdesk.services.amendments.authority import authority_labels

    return authority_labels().get(code, code)


def get_amendment(session: Session, code: str, number: int) -> Amendment:
    amendment = session.scalars(
        select(Amendment)
        .join(Proposal, Proposal.id == Amendment.proposal_id)
        .where(Proposal.code == code.strip(), Amendment.number == number)
    ).first()
    if amendment is None:
        raise NotFoundError(f"Không tìm thấy đề nghị số {number} của đề án {code}.")
    return amendment


def list_amendments(
    session: Session,
    *,
    proposal: Proposal | None = None,
    plan_year: int | None = None,
    state: str | None = None,
) -> list[Amendment]:
    stmt = (
        select(Amendment)
        .join(Proposal, Proposal.id == Amendment.proposal_id)
        .order_by(Proposal.plan_year, Proposal.code, Amendment.number)
    )
    if proposal is not None:
        stmt = stmt.where(Amendment.proposal_id == proposal.id)
    if plan_year is not None:
        stmt = stmt.where(Proposal.plan_year == plan_year)
    if state is not None:
        stmt = stmt.where(Amendment.state == state)
    return list(session.scalars(stmt))


def amendment_dict(amendment: Amendment) -> dict[str, Any]:
    return {
        "proposal": amendment.proposal.code,
        "number": amendment.number,
        "kind": amendment.kind,
        "state": amendment.state,
        "changes": amendment.changes,
        "summary": summary_text(amendment),
        "reason": amendment.reason,
        "authority": amendment.authority,
        "authority_reasons": amendment.authority_reasons,
        "requested_by": amendment.requested_by,
        "decision_no": amendment.decision_no,
        "decision_date": amendment.decision_date.isoformat() if amendment.decision_date else None,
    }

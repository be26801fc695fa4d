"""Save a proposal from the wizard in one transaction (lưu đề án), audited.

``create_proposal`` and ``update_proposal`` refuse input with validation errors
(ValidationError with every problem by field), check the actor's permission and,
for an edit, that nobody saved the proposal meanwhile (optimistic revision).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import (
    APPROVED_OR_LATER,
    BudgetLine,
    Document,
    Facility,
    OutputMeasure,
    Programme,
    Proposal,
    ProposalFacility,
    ProposalStatus,
    ScheduleItem,
    StatusChange,
    new_uuid,
    utcnow,
)
from kcdesk.services.communes.resolve import resolve
from kcdesk.services.core import audit, settings
from kcdesk.services.core.concurrency import check_revision
from kcdesk.services.core.errors import NotFoundError, ValidationError
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals import target_outputs
from kcdesk.services.proposals.draft import ProposalInput, from_proposal, to_json
from kcdesk.services.proposals.validation import errors, validate
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import PROPOSAL_EDIT, require

_SCALARS = (
    "title",
    "plan_year",
    "activity",
    "funding_source",
    "whole_line",
    "cap_kind",
    "implementing_unit",
    "partner_unit",
    "location",
    "commune",
    "start_month",
    "end_month",
    "received_date",
    "necessity",
    "legal_basis",
    "objectives",
    "scale",
    "organisation",
    "effect_economic",
    "effect_social",
    "effect_environment",
    "sustainability",
)


# After approval the proposal changes only through an amendment (điều chỉnh, issue 4):
# the Department or the chairman must approve it, so the wizard may not save over it.
EDIT_LOCKED = frozenset(APPROVED_OR_LATER | {ProposalStatus.STOPPED})


def locked_message(proposal: Proposal) -> str | None:
    """Why the proposal cannot be edited in the wizard, or None when it can."""
    if proposal.status in EDIT_LOCKED:
        return (
            f"Đề án {proposal.code} đang ở trạng thái «{proposal.status.label}»: sau khi phê "
            "duyệt, mọi thay đổi phải lập điều chỉnh (do Sở hoặc Chủ tịch UBND tỉnh phê duyệt)."
        )
    return None


def snapshot(data: ProposalInput) -> dict[str, Any]:
    """The audited view of a proposal: scalars plus its lists, JSON-safe."""
    raw = to_json(data)
    for key in ("format", "code", "revision", "last_page"):
        raw.pop(key, None)
    raw["facilities"] = [f"{f['name']} ({f['tax_code'] or 'không MST'})" for f in raw["facilities"]]
    return raw


def _refuse_errors(
    data: ProposalInput,
    check_files: bool,
    session: Session | None = None,
    programme: Programme | None = None,
) -> None:
    """Raise with every error; ``programme`` is the input's, resolved by the caller."""
    problems = errors(validate(data, check_files=check_files, session=session))
    if session is not None:
        problems += errors(target_outputs.check_for(data, programme))
    if problems:
        lines = "\n".join(f"- {p.message}" for p in problems[:8])
        more = f"\n… và {len(problems) - 8} lỗi khác." if len(problems) > 8 else ""
        raise ValidationError(
            f"Đề án còn {len(problems)} lỗi, chưa lưu:\n{lines}{more}",
            {p.field: p.message for p in problems},
        )


def _facilities(session: Session, data: ProposalInput) -> list[Facility]:
    out: list[Facility] = []
    for ref in data.facilities:
        facility = session.scalars(select(Facility).where(Facility.uuid == ref.uuid)).first()
        if facility is None:
            raise NotFoundError(f"Cơ sở «{ref.name}» không còn trong cơ sở dữ liệu.")
        if facility not in out:
            out.append(facility)
    return out


def _apply(
    session: Session, proposal: Proposal, data: ProposalInput, programme: Programme | None
) -> None:
    for name in _SCALARS:
        setattr(proposal, name, getattr(data, name))
    proposal.commune_code, proposal.commune = resolve(session, data.commune_code, data.commune)
    chosen = _facilities(session, data)
    kept = {link.facility_id: link for link in proposal.facility_links}
    links = []
    for position, facility in enumerate(chosen):
        link = kept.get(facility.id) or ProposalFacility(facility=facility)
        link.position = position
        links.append(link)
    proposal.facility_links = links
    proposal.budget_lines = [
        BudgetLine(
            position=n,
            item=line.item,
            unit=line.unit,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
            support=line.support,
            counterpart=line.counterpart,
            other_funds=line.other_funds,
        )
        for n, line in enumerate(data.budget_lines)
    ]
    proposal.schedule = [
        ScheduleItem(
            position=n, task=item.task, start=item.start, end=item.end, responsible=item.responsible
        )
        for n, item in enumerate(data.schedule)
    ]
    proposal.programme = programme.code if programme is not None else ""
    # Achieved figures belong to implementation (issue 10): keep them on an edit.
    old_outputs = {(o.measure, o.target): o for o in proposal.outputs}
    wanted: list[tuple[str, str, int]] = [(m, "", v) for m, v in data.outputs.items()]
    if programme is not None:
        measure_of = {t.code: t.measure for t in programme.targets}
        wanted += [(measure_of[c], c, v) for c, v in data.target_outputs.items() if c in measure_of]
    outputs = []
    for measure, target, planned in wanted:
        old = old_outputs.get((measure, target))
        if planned <= 0 and (old is None or old.achieved is None):
            continue
        output = old or OutputMeasure(measure=measure, target=target)
        output.planned = planned
        outputs.append(output)
    proposal.outputs = outputs
    proposal.documents = [
        Document(
            position=n,
            code=doc.code,
            label=doc.label,
            required=doc.required,
            received=doc.received,
            received_date=doc.received_date or (date.today() if doc.received else None),
            file_hash=doc.file_hash,
            file_name=doc.file_name,
            file_size=doc.file_size,
            note=doc.note,
        )
        for n, doc in enumerate(data.documents)
    ]
    session.flush()
    proposals.recompute_totals(proposal)
    proposals.refresh_search_text(proposal)


def create_proposal(
    session: Session, actor: Actor, data: ProposalInput, *, check_files: bool = True
) -> Proposal:
    """Save a new đề án (status "received") with its code; one audit event."""
    require(actor, PROPOSAL_EDIT)
    data = data.normalised()
    # Resolved once for the checks and the save (it was looked up twice).
    programme = target_outputs.resolve_programme(session, data)
    _refuse_errors(data, check_files, session, programme)
    code = proposals.next_code(session, data.plan_year)
    now = utcnow()
    # Headless commands act without an office: the PC's own office is the origin.
    office = actor.office_code or str(settings.get(session, "office.code") or "")
    proposal = Proposal(
        code=code,
        status=ProposalStatus.RECEIVED,
        status_changed_at=now,
        office_code=office,
        origin_office=office,
        created_by=actor.username,
        received_date=data.received_date or date.today(),
    )
    data.received_date = proposal.received_date
    session.add(proposal)
    _apply(session, proposal, data, programme)
    proposal.status_changes.append(
        StatusChange(
            uuid=new_uuid(),
            from_status=None,
            to_status=ProposalStatus.RECEIVED.value,
            at=now,
            username=actor.username,
            office_code=office,
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        entity="proposal",
        entity_uuid=proposal.uuid,
        entity_label=code,
        action="create",
        changes=audit.diff({}, snapshot(from_proposal(proposal))),
    )
    return proposal


def update_proposal(
    session: Session,
    actor: Actor,
    code: str,
    data: ProposalInput,
    expected_revision: int | None,
    *,
    check_files: bool = True,
) -> Proposal:
    """Save an edit: refused if someone saved the proposal since ``expected_revision``."""
    require(actor, PROPOSAL_EDIT)
    proposal = proposals.get_proposal(session, code, actor=actor)
    check_revision(session, proposal, expected_revision, what="Đề án", label=code)
    if (message := locked_message(proposal)) is not None:
        raise ValidationError(message, {"status": message})
    data = data.normalised()
    programme = target_outputs.resolve_programme(session, data)
    _refuse_errors(data, check_files, session, programme)
    before = snapshot(from_proposal(proposal))
    _apply(session, proposal, data, programme)
    after = snapshot(from_proposal(proposal))
    changes = audit.diff(before, after)
    if changes:
        proposal.revision += 1
        proposal.updated_at = utcnow()
        audit.record(
            session,
            actor,
            entity="proposal",
            entity_uuid=proposal.uuid,
            entity_label=code,
            action="update",
            changes=changes,
        )
    return proposal

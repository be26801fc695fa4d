"""Reading proposals (đề án): lookup, listing with filters, codes, totals, JSON views."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kcdesk.models import (
    BudgetLine,
    Proposal,
    ProposalFacility,
    ProposalStatus,
)
from kcdesk.services.core import write_serial
from kcdesk.services.core.errors import NotFoundError
from kcdesk.services.proposals.search import proposal_search_clause, proposal_search_text
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.scope import require_visible, visible_proposals_clause

CODE_PREFIX = "ĐA"
_CODE_RE = re.compile(r"^ĐA-(\d{4})-(\d+)$")


def format_code(year: int, number: int) -> str:
    return f"{CODE_PREFIX}-{year}-{number:03d}"


def next_code(session: Session, year: int) -> str:
    """The next free code of the plan year, e.g. ``ĐA-2027-014``.

    Read as the only writer of the codes (``write_serial``): two PCs saving a new
    proposal at once cannot both take the same number.
    """
    write_serial.serialize(session, write_serial.PROPOSAL_CODES)
    codes = session.scalars(
        select(Proposal.code).where(Proposal.code.like(f"{CODE_PREFIX}-{year}-%"))
    )
    highest = 0
    for code in codes:
        match = _CODE_RE.match(code)
        if match:
            highest = max(highest, int(match.group(2)))
    return format_code(year, highest + 1)


def recompute_totals(proposal: Proposal) -> None:
    """Keep the proposal's cached sums equal to its budget lines."""
    lines: list[BudgetLine] = proposal.budget_lines
    proposal.total_cost = sum(line.amount for line in lines)
    proposal.support = sum(line.support for line in lines)
    proposal.counterpart = sum(line.counterpart for line in lines)
    proposal.other_funds = sum(line.other_funds for line in lines)


def refresh_search_text(proposal: Proposal) -> None:
    proposal.search_text = proposal_search_text(proposal)


def get_proposal(session: Session, code: str, *, actor: Actor | None = None) -> Proposal:
    """One proposal with its parts; with ``actor``, only one the actor may see."""
    proposal = session.scalars(
        select(Proposal)
        .where(Proposal.code == code.strip())
        .options(
            selectinload(Proposal.facility_links).selectinload(ProposalFacility.facility),
            selectinload(Proposal.budget_lines),
            selectinload(Proposal.schedule),
            selectinload(Proposal.outputs),
            selectinload(Proposal.documents),
            selectinload(Proposal.status_changes),
        )
    ).first()
    if proposal is None:
        raise NotFoundError(f"Không tìm thấy đề án có mã {code}.")
    require_visible(actor, proposal)
    return proposal


def list_proposals(
    session: Session,
    *,
    year: int | None = None,
    status: ProposalStatus | None = None,
    search: str | None = None,
    office_code: str | None = None,
    limit: int | None = None,
    actor: Actor | None = None,
) -> list[Proposal]:
    stmt = (
        select(Proposal)
        .where(proposal_search_clause(search))
        .where(visible_proposals_clause(actor))
        .options(selectinload(Proposal.facility_links).selectinload(ProposalFacility.facility))
        .order_by(Proposal.plan_year, Proposal.code)
    )
    if year is not None:
        stmt = stmt.where(Proposal.plan_year == year)
    if status is not None:
        stmt = stmt.where(Proposal.status == status)
    if office_code:
        stmt = stmt.where(Proposal.office_code == office_code)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def count_proposals(session: Session) -> int:
    return int(session.scalar(select(func.count(Proposal.id))) or 0)


def facility_names(proposal: Proposal) -> str:
    return "; ".join(link.facility.name for link in proposal.facility_links)


def summary_dict(proposal: Proposal) -> dict[str, Any]:
    """The register row as JSON (``proposal list --json``)."""
    return {
        "code": proposal.code,
        "title": proposal.title,
        "plan_year": proposal.plan_year,
        "status": proposal.status.value,
        "activity": proposal.activity,
        "facility": facility_names(proposal),
        "total": proposal.total_cost,
        "support": proposal.support,
    }


def detail_dict(proposal: Proposal) -> dict[str, Any]:
    """Everything about one proposal (``proposal show --json``)."""

    def month(value: Any) -> str | None:
        return value.strftime("%Y-%m") if value else None

    return {
        **summary_dict(proposal),
        "uuid": proposal.uuid,
        "revision": proposal.revision,
        "funding_source": proposal.funding_source,
        "programme": proposal.programme,
        "whole_line": proposal.whole_line,
        "cap_kind": proposal.cap_kind,
        "received_date": proposal.received_date.isoformat() if proposal.received_date else None,
        "office": proposal.office_code,
        "implementing_unit": proposal.implementing_unit,
        "partner_unit": proposal.partner_unit,
        "location": proposal.location,
        "commune": proposal.commune,
        "start_month": month(proposal.start_month),
        "end_month": month(proposal.end_month),
        "necessity": proposal.necessity,
        "legal_basis": proposal.legal_basis,
        "objectives": proposal.objectives,
        "scale": proposal.scale,
        "organisation": proposal.organisation,
        "effect": {
            "economic": proposal.effect_economic,
            "social": proposal.effect_social,
            "environment": proposal.effect_environment,
            "sustainability": proposal.sustainability,
        },
        "counterpart": proposal.counterpart,
        "other": proposal.other_funds,
        # After approval "support" is the approved (or amended) support.
        "support": (
            proposal.approved_support if proposal.approved_support is not None else proposal.support
        ),
        "requested_support": proposal.support,
        "approved_support": proposal.approved_support,
        "disbursed": proposal.disbursed,
        "facilities": [
            {
                "uuid": link.facility.uuid,
                "name": link.facility.name,
                "kind": link.facility.kind.value,
                "tax_code": link.facility.tax_code,
                "address": link.facility.address,
                "commune": link.facility.commune,
            }
            for link in proposal.facility_links
        ],
        "budget_lines": [
            {
                "item": line.item,
                "unit": line.unit,
                "quantity": str(line.quantity.normalize()) if line.quantity is not None else None,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "support": line.support,
                "counterpart": line.counterpart,
                "other": line.other_funds,
            }
            for line in proposal.budget_lines
        ],
        "schedule": [
            {
                "task": item.task,
                "start": month(item.start),
                "end": month(item.end),
                "responsible": item.responsible,
            }
            for item in proposal.schedule
        ],
        "outputs": {
            o.measure: {"planned": o.planned, "achieved": o.achieved}
            for o in proposal.outputs
            if not o.target
        },
        # Each target of the programme counted on its own (issue 18).
        "target_outputs": {
            o.target: {"measure": o.measure, "planned": o.planned, "achieved": o.achieved}
            for o in proposal.outputs
            if o.target
        },
        "documents": [
            {
                "code": d.code,
                "label": d.label,
                "required": d.required,
                "received": d.received,
                "file": d.file_name or None,
            }
            for d in proposal.documents
        ],
        "history": [
            {
                "from": c.from_status,
                "to": c.to_status,
                "at": c.at.isoformat(timespec="seconds"),
                "user": c.username,
                "reason": c.reason,
                "decision_no": c.decision_no,
                "decision_date": c.decision_date.isoformat() if c.decision_date else None,
            }
            for c in proposal.status_changes
        ],
    }

"""Read-only views of implementation: the list rows and one proposal's detail; no Qt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.implementation import Acceptance
from kcdesk.services.core import settings
from kcdesk.services.core.id_lists import batches
from kcdesk.services.implementation.acceptance import output_key, output_label
from kcdesk.services.implementation.money import (
    advance_ceiling,
    disbursements,
    get_acceptance,
    get_settlement,
    money_state,
)
from kcdesk.services.implementation.progress import (
    TRACKED,
    evidence_checklist,
    latest_progress,
    progress_entries,
    progress_of,
)
from kcdesk.services.implementation.rules import load_rules
from kcdesk.services.proposals.search import proposal_search_clause

S = ProposalStatus


@dataclass(frozen=True)
class ImplementationRow:
    """One line of the implementation list."""

    id: int
    code: str
    title: str
    plan_year: int
    status: ProposalStatus
    approved: int
    disbursed: int
    progress_date: date | None
    progress_percent: int | None
    settlement_due: date

    @property
    def disbursed_percent(self) -> float:
        return 100 * self.disbursed / self.approved if self.approved else 0.0


# Khoản 1 Điều 18 Thông tư 36/2013/TT-BCT: the settlement dossier is made at the latest
# 15 days after the (last) acceptance.
DAYS_AFTER_ACCEPTANCE = 15


def settlement_due(
    session: Session,
    plan_year: int,
    end_month: date | None = None,
    accepted_on: date | None = None,
) -> date:
    """When the settlement papers are due.

    Khoản 2 Điều 18 Thông tư 36/2013/TT-BCT: not later than deadline.settlement ("22-01")
    of the year after the proposal ends — its plan year, or the year of its end month
    for a multi-year proposal (not plan year + 1). Khoản 1: at the latest 15 days after
    the last acceptance, when that comes first.
    """
    deadline = settings.day_month(str(settings.get(session, "deadline.settlement")))
    return due_by(deadline, plan_year, end_month, accepted_on)


def due_by(
    deadline: tuple[int, int],
    plan_year: int,
    end_month: date | None = None,
    accepted_on: date | None = None,
) -> date:
    """``settlement_due`` with the deadline setting (day, month) already read: a list
    of tens of thousands of proposals reads it once, not once per distinct date."""
    day, month = deadline
    last_year = max(plan_year, end_month.year if end_month is not None else plan_year)
    year = last_year + 1
    try:
        due = date(year, month, day)
    except ValueError:  # e.g. 29-02 in a common year: the last day of that month
        due = date(year, month, 28)
    if accepted_on is not None:
        due = min(due, accepted_on + timedelta(days=DAYS_AFTER_ACCEPTANCE))
    return due


def _acceptance_dates(session: Session, ids: Select[Any]) -> dict[int, date]:
    rows = session.execute(
        select(Acceptance.proposal_id, func.max(Acceptance.accepted_on))
        .where(Acceptance.proposal_id.in_(ids))
        .group_by(Acceptance.proposal_id)
    ).all()
    return {int(pid): on for pid, on in rows}


def acceptance_dates(session: Session, proposal_ids: list[int]) -> dict[int, date]:
    """proposal id -> date of its acceptance minutes (the last acceptance)."""
    out: dict[int, date] = {}
    # In batches: the list asks for every proposal under implementation (50,000 at
    # 100,000), past what one statement may bind on SQLite.
    for batch in batches(proposal_ids):
        rows = session.execute(
            select(Acceptance.proposal_id, func.max(Acceptance.accepted_on))
            .where(Acceptance.proposal_id.in_(batch))
            .group_by(Acceptance.proposal_id)
        ).all()
        out.update({int(pid): on for pid, on in rows})
    return out


def _chosen(
    year: int | None,
    status: ProposalStatus | None,
    search: str | None,
    *,
    in_order: bool = False,
) -> list[Any]:
    """The list's conditions: approved-or-later (stopped ones excluded) and the filters.

    ``in_order``: the same conditions, the status written ``status || ''`` so that
    SQLite, which has no statistics in a Centre's database, does not read the status
    index and sort every proposal under implementation for one page, but walks
    ``ix_proposal_listed_order`` in the list's order and stops when the page is full.
    """
    chosen = [Proposal.status.in_(TRACKED), proposal_search_clause(search)]
    if year is not None:
        chosen.append(Proposal.plan_year == year)
    if status is not None:
        chosen.append(Proposal.status == status)
    if in_order:
        # The stored text of the status (its value), compared as text.
        listed = type_coerce(Proposal.status, String()).concat("")
        chosen[0] = listed.in_([s.value for s in TRACKED])
        if status is not None:
            chosen[-1] = listed == status.value
    return chosen


# The list's order: latest plan year first, then by code (unique, so a page read with
# LIMIT/OFFSET is the same slice of the whole list).
_ORDER = (Proposal.plan_year.desc(), Proposal.code)


def list_rows(
    session: Session,
    *,
    year: int | None = None,
    status: ProposalStatus | None = None,
    search: str | None = None,
) -> list[ImplementationRow]:
    """Approved-or-later proposals (stopped ones excluded) with money and progress."""
    chosen = _chosen(year, status, search)
    # The progress and acceptances of the same proposals, chosen by the same conditions
    # in one statement each, not by their ids 500 at a time (100 statements at 100,000).
    return _rows(session, _listed(chosen), select(Proposal.id).where(*chosen))


def list_count(
    session: Session,
    *,
    year: int | None = None,
    status: ProposalStatus | None = None,
    search: str | None = None,
) -> int:
    """How many rows ``list_rows`` gives, counted by the database."""
    chosen = _chosen(year, status, search)
    return int(session.scalar(select(func.count()).select_from(Proposal).where(*chosen)) or 0)


def list_page(
    session: Session,
    offset: int,
    limit: int,
    *,
    year: int | None = None,
    status: ProposalStatus | None = None,
    search: str | None = None,
) -> list[ImplementationRow]:
    """``list_rows(...)[offset:offset + limit]``, read without the rest of the list:
    the section shows tens of thousands of proposals at 100,000 a page at a time."""
    stmt = _listed(_chosen(year, status, search, in_order=True)).limit(limit).offset(offset)
    rows = session.execute(stmt).all()
    return _rows(session, rows, [r.id for r in rows])


def list_position(
    session: Session,
    code: str,
    *,
    year: int | None = None,
    status: ProposalStatus | None = None,
    search: str | None = None,
) -> int | None:
    """Where ``code`` stands in ``list_rows(...)`` (0-based), or None when not listed:
    a proposal chosen elsewhere is found without reading the rows before it."""
    chosen = _chosen(year, status, search)
    found = session.execute(
        select(Proposal.plan_year, Proposal.code).where(Proposal.code == code, *chosen)
    ).first()
    if found is None:
        return None
    plan_year, own = found
    # Rows before it in the list's order: a later plan year, or the same year and a
    # code the database sorts first (the same comparison its ORDER BY uses).
    before = (Proposal.plan_year > plan_year) | (
        (Proposal.plan_year == plan_year) & (Proposal.code < own)
    )
    return int(
        session.scalar(select(func.count()).select_from(Proposal).where(*chosen, before)) or 0
    )


def _listed(chosen: list[Any]) -> Select[Any]:
    return (
        select(
            Proposal.id,
            Proposal.code,
            Proposal.title,
            Proposal.plan_year,
            Proposal.end_month,
            Proposal.status,
            Proposal.approved_support,
            Proposal.support,
            Proposal.disbursed,
        )
        .where(*chosen)
        .order_by(*_ORDER)
    )


def _rows(
    session: Session, listed: Select[Any] | Sequence[Any], ids: Select[Any] | list[int]
) -> list[ImplementationRow]:
    """The list's rows of the proposals ``listed`` (a query or rows read), whose ids
    ``ids`` gives (a query of them or the ids themselves)."""
    rows = session.execute(listed).all() if isinstance(listed, Select) else listed
    if not rows:
        return []
    if isinstance(ids, list):
        latest = latest_progress(session, ids)
        accepted = acceptance_dates(session, ids)
    else:
        latest = progress_of(session, ids)
        accepted = _acceptance_dates(session, ids)
    deadline = settings.day_month(str(settings.get(session, "deadline.settlement")))
    dues: dict[tuple[int, date | None, date | None], date] = {}
    out = []
    for r in rows:
        key = (r.plan_year, r.end_month, accepted.get(r.id))
        if key not in dues:
            dues[key] = due_by(deadline, *key)
        progress = latest.get(r.id)
        out.append(
            ImplementationRow(
                id=r.id,
                code=r.code,
                title=r.title,
                plan_year=r.plan_year,
                status=r.status,
                approved=r.approved_support if r.approved_support is not None else r.support,
                disbursed=r.disbursed,
                progress_date=progress[0] if progress else None,
                progress_percent=progress[1] if progress else None,
                settlement_due=dues[key],
            )
        )
    return out


def detail_dict(session: Session, proposal: Proposal) -> dict[str, Any]:
    """Everything about one proposal's implementation (``implementation show --json``)."""
    state = money_state(session, proposal)
    acc = get_acceptance(session, proposal)
    settled = get_settlement(session, proposal)
    percent = load_rules().advance_percent_for(proposal.activity)
    return {
        "code": proposal.code,
        "title": proposal.title,
        "plan_year": proposal.plan_year,
        "status": proposal.status.value,
        "support": state.approved,
        "advanced": state.advanced,
        "paid": state.paid,
        "disbursed": proposal.disbursed,
        "remaining": state.remaining,
        "advance_percent": percent,
        "advance_ceiling": advance_ceiling(state.approved, percent),
        "settlement_due": settlement_due(
            session, proposal.plan_year, proposal.end_month, acc.accepted_on if acc else None
        ).isoformat(),
        "progress": [
            {
                "date": e.reported_on.isoformat(),
                "percent": e.percent,
                "note": e.note,
                "file": e.file_name or None,
            }
            for e in progress_entries(session, proposal)
        ],
        "evidence": [
            {
                "code": e.code,
                "label": e.label,
                "required": e.required,
                "source": e.source,
                "received": e.received,
                "file": e.file_name or None,
            }
            for e in evidence_checklist(session, proposal)
        ],
        "acceptance": (
            {
                "date": acc.accepted_on.isoformat(),
                "minutes_no": acc.minutes_no,
                "participants": list(acc.participants),
                "result": acc.result,
            }
            if acc
            else None
        ),
        # Keyed by the target code for an output counted toward a programme target
        # (acceptance records achieved figures per target), else by the measure code.
        "outputs": {
            output_key(o): {
                "planned": o.planned,
                "achieved": o.achieved,
                "label": output_label(o),
            }
            for o in proposal.outputs
        },
        "disbursements": [
            {
                "kind": d.kind.value,
                "date": d.paid_on.isoformat(),
                "amount": d.amount,
                "voucher": d.voucher,
            }
            for d in disbursements(session, proposal)
        ],
        "settlement": (
            {
                "final_amount": settled.final_amount,
                "date": settled.settled_on.isoformat(),
                "reference": settled.reference,
                "refund_due": settled.refund_due,
            }
            if settled
            else None
        ),
    }

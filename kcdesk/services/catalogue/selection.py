"""Which proposals the catalogue of a plan year and funding source holds, and why not.

The procedure (docs/official-documents.md, "Danh mục"): the Centre submits the
proposals it selected; the Department appraises them and compiles the Danh mục of
the proposals that *passed appraisal*, which the provincial chairman approves.
So the draft catalogue holds:

- proposals appraised with a recorded result that passed (average ≥ pass mark) and
  whose council did not conclude "not to support" (the last, least favourable
  conclusion of the criteria set);
- proposals already submitted in that cycle (Đã trình phê duyệt) or approved and
  later (Đã phê duyệt, đang thực hiện, đã nghiệm thu, đã quyết toán).

Everything else is out, with the reason shown on the catalogue screen and in
``kcdesk catalogue show --json``: failed appraisal, not yet appraised, withdrawn,
refused, stopped, returned for more papers, another funding source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcdesk.models import (
    APPROVED_OR_LATER,
    Facility,
    Proposal,
    ProposalFacility,
    ProposalStatus,
)
from kcdesk.models.appraisal import AgendaItem
from kcdesk.services.appraisal.criteria import CriteriaSet, parse_set
from kcdesk.services.catalogue.build import Entry, beneficiary_text, entry_from_columns
from kcdesk.services.forms.load import load_funding_sources

if TYPE_CHECKING:
    from kcdesk.services.catalogue.build import CatalogueView

S = ProposalStatus
# In the catalogue whatever their appraisal record says: the cycle went past it.
ALREADY_IN = frozenset({S.SUBMITTED, *APPROVED_OR_LATER})

_OUT_REASONS: dict[ProposalStatus, str] = {
    S.REJECTED: "Không được hỗ trợ",
    S.WITHDRAWN: "Đã rút hồ sơ",
    S.STOPPED: "Ngừng triển khai",
    S.RETURNED: "Trả lại để bổ sung hồ sơ, chưa thẩm định",
}


class Judged(NamedTuple):
    """The columns of one proposal that judging and the screen's list read (a plain
    row, not an ORM object: a plan year holds tens of thousands of proposals)."""

    id: int
    uuid: str
    code: str
    title: str
    status: ProposalStatus
    funding_source: str
    support: int
    approved_support: int | None


@dataclass(frozen=True)
class Candidate:
    """One proposal of the plan year: in the catalogue or not, and why."""

    proposal: Judged | Proposal
    included: bool
    reason: str

    def as_json(self) -> dict[str, object]:
        p = self.proposal
        return {
            "code": p.code,
            "title": p.title,
            "status": p.status.value,
            "status_label": p.status.label,
            "funding_source": p.funding_source,
            "support": p.approved_support if p.approved_support is not None else p.support,
            "in": self.included,
            "reason": self.reason,
        }


def _points(value: object) -> str:
    return f"{value:.2f}".replace(".", ",")


def _appraisal_verdict(
    item: AgendaItem | None, specs: dict[int, CriteriaSet] | None = None
) -> tuple[bool, str]:
    if item is None or item.recorded_at is None:
        return False, "Đã thẩm định nhưng chưa có kết quả thẩm định ghi trong kcdesk"
    # One council's criteria parsed once for all its items (``specs``), not per item.
    spec = specs.get(item.session_id) if specs is not None else None
    if spec is None:
        spec = parse_set(item.session.criteria, item.session.name)
        if specs is not None:
            specs[item.session_id] = spec
    average = f"điểm bình quân {_points(item.average)}" if item.average is not None else ""
    if item.passed is False:
        return False, f"Không đạt thẩm định: {average} (điểm đạt {spec.pass_mark})"
    label = spec.conclusion_label(item.conclusion) if item.conclusion else ""
    if not passes(item.passed, item.conclusion, spec):
        return False, f"Hội đồng thẩm định kết luận: {label}"
    text = f"Đạt thẩm định: {average}" if average else "Đạt thẩm định"
    return True, text + (f"; {label}" if label else "")


def passes(passed: bool | None, conclusion: str | None, spec: CriteriaSet) -> bool:
    """A recorded result puts its proposal in the draft: not failed, and the council did
    not conclude "not to support" (the last conclusion of a set of two or more)."""
    if passed is False:
        return False
    codes = [c.code for c in spec.conclusions]
    return not (len(codes) >= 2 and conclusion == codes[-1])


def _latest_items(session: Session, proposal_ids: list[int]) -> dict[int, AgendaItem]:
    """The most recent recorded agenda item of each proposal (a proposal appraised
    twice, after being returned, counts its last result)."""
    if not proposal_ids:
        return {}
    items = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.proposal_id.in_(proposal_ids), AgendaItem.recorded_at.is_not(None))
        .options(selectinload(AgendaItem.session))
        .order_by(AgendaItem.recorded_at)
    )
    return {item.proposal_id: item for item in items}


def judge(
    proposal: Judged | Proposal,
    item: AgendaItem | None,
    funding_source: str,
    source_names: dict[str, str] | None = None,
    specs: dict[int, CriteriaSet] | None = None,
) -> Candidate:
    if proposal.funding_source != funding_source:
        names = source_names if source_names is not None else _source_names()
        name = names.get(proposal.funding_source, proposal.funding_source)
        return Candidate(proposal, False, f"Thuộc nguồn kinh phí khác: {name}")
    if proposal.status in ALREADY_IN:
        return Candidate(proposal, True, proposal.status.label)
    if proposal.status is S.APPRAISED:
        included, reason = _appraisal_verdict(item, specs)
        return Candidate(proposal, included, reason)
    fallback = f"Chưa thẩm định (trạng thái: {proposal.status.label})"
    return Candidate(proposal, False, _OUT_REASONS.get(proposal.status, fallback))


def _source_names() -> dict[str, str]:
    return {code: source.label for code, source in load_funding_sources().items()}


_JUDGED = (
    Proposal.id,
    Proposal.uuid,
    Proposal.code,
    Proposal.title,
    Proposal.status,
    Proposal.funding_source,
    Proposal.support,
    Proposal.approved_support,
)


def candidates(
    session: Session, plan_year: int, funding_source: str, *, all_sources: bool = False
) -> list[Candidate]:
    """Every proposal of the plan year (of the source, or of every source), judged.

    Only the columns judging and the list read are read, as plain rows (``Judged``):
    loading every proposal of the year as ORM objects, with their beneficiaries, made
    the catalogue's opening grow with the database (issue 24); the rows the catalogue
    holds are loaded in full by ``selected_proposals``.
    """
    query = select(*_JUDGED).where(Proposal.plan_year == plan_year).order_by(Proposal.code)
    if not all_sources:
        query = query.where(Proposal.funding_source == funding_source)
    session.flush()  # the driver's rows below skip the session's autoflush
    status = {s.value: s for s in ProposalStatus}
    # Straight from the driver's cursor (every column is a plain int or text): SQLAlchemy's
    # row objects cost more than the query itself for a year of 45,000 proposals.
    result = session.connection().execute(query)
    try:
        make = Judged._make
        rows = [make((*row[:4], status[row[4]], *row[5:])) for row in result.cursor.fetchall()]
    finally:
        result.close()
    appraised = [p.id for p in rows if p.status is S.APPRAISED]
    items = _latest_items(session, appraised)
    names = _source_names()  # read once, not once per proposal of another source
    specs: dict[int, CriteriaSet] = {}
    return [judge(p, items.get(p.id), funding_source, names, specs) for p in rows]


# Ids per IN (...) when loading the beneficiaries: well under SQLite's parameter limit.
_CHUNK = 500


def selected_proposals(session: Session, plan_year: int, funding_source: str) -> list[Proposal]:
    """The proposals the draft catalogue holds (see the module docstring), loaded in
    full with their beneficiaries (a few queries, not one per proposal), by code."""
    ids = [c.proposal.id for c in candidates(session, plan_year, funding_source) if c.included]
    chosen: list[Proposal] = []
    for start in range(0, len(ids), _CHUNK):
        chosen.extend(
            session.scalars(
                select(Proposal)
                .where(Proposal.id.in_(ids[start : start + _CHUNK]))
                .options(
                    selectinload(Proposal.facility_links).selectinload(ProposalFacility.facility)
                )
                .execution_options(populate_existing=True)
            )
        )
    return sorted(chosen, key=lambda p: p.code)


# The columns an entry prints (``build.entry_from_columns``), and its beneficiaries'.
_ENTRY_COLUMNS = (
    Proposal.id,
    Proposal.uuid,
    Proposal.code,
    Proposal.activity,
    Proposal.title,
    Proposal.implementing_unit,
    Proposal.location,
    Proposal.commune,
    Proposal.start_month,
    Proposal.end_month,
    Proposal.plan_year,
    Proposal.total_cost,
    Proposal.support,
    Proposal.approved_support,
    Proposal.counterpart,
    Proposal.other_funds,
)
_FACILITY_COLUMNS = (
    ProposalFacility.proposal_id,
    Facility.name,
    Facility.address,
    Facility.commune_code,
    Facility.commune,
    Facility.province,
)


def selected_entries(
    session: Session,
    plan_year: int,
    funding_source: str,
    judged: list[Candidate] | None = None,
) -> list[Entry]:
    """The draft catalogue's entries (those of ``selected_proposals``), by code, read as
    plain rows: building thousands of whole proposals with their beneficiaries as ORM
    objects was most of the catalogue's opening at 100,000 proposals (issue 24).

    ``judged``: the year already judged for this source (of every source, as the
    screen's list has it), so the year is not read and judged twice."""
    if judged is None:
        judged = candidates(session, plan_year, funding_source)
    return entries_by_id(session, [c.proposal.id for c in judged if c.included], by_code=True)


def entries_by_id(session: Session, ids: list[int], *, by_code: bool = False) -> list[Entry]:
    """The entries of proposals ``ids``, in that order (``by_code``: by code); an id no
    longer in the register is left out."""
    found = entry_map(session, ids)
    if by_code:
        return sorted(found.values(), key=lambda e: e.proposal_code)
    return [found[i] for i in ids if i in found]


def entry_map(session: Session, ids: list[int]) -> dict[int, Entry]:
    """The entry of each proposal of ``ids`` still in the register, read as plain rows
    with their beneficiaries (a few statements per 500 ids)."""
    rows: list[Any] = []
    facilities: dict[int, list[Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows.extend(session.execute(select(*_ENTRY_COLUMNS).where(Proposal.id.in_(chunk))))
        for link in session.execute(
            select(*_FACILITY_COLUMNS)
            .join(Facility, Facility.id == ProposalFacility.facility_id)
            .where(ProposalFacility.proposal_id.in_(chunk))
            .order_by(ProposalFacility.proposal_id, ProposalFacility.position)
        ):
            facilities.setdefault(link.proposal_id, []).append(link)
    addresses: dict[tuple[Any, ...], str] = {}
    return {
        r.id: entry_from_columns(r, beneficiary_text(facilities.get(r.id, ()), addresses))
        for r in rows
    }


def explain(
    session: Session, view: CatalogueView, judged: list[Candidate] | None = None
) -> list[Candidate]:
    """Every proposal of the view's year, in or out of the catalogue as printed.

    A draft is judged live; a frozen version (submitted, approved, amended) holds
    exactly its rows, and an eligible proposal missing from it is said to be so.
    ``judged``: ``candidates(..., all_sources=True)`` of the view's year and source,
    when the caller has it already.
    """
    found = judged
    if found is None:
        found = candidates(session, view.plan_year, view.funding_source, all_sources=True)
    if view.version_number is None:
        return found
    frozen = {e.proposal_uuid for e in view.entries}
    number = view.version_number
    out = []
    for c in found:
        if c.proposal.uuid in frozen:
            out.append(Candidate(c.proposal, True, f"Có trong phiên bản {number} của danh mục"))
        elif c.included:
            out.append(
                Candidate(c.proposal, False, f"{c.reason}; chưa có trong phiên bản {number}")
            )
        else:
            out.append(c)
    return out

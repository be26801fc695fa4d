"""The proposal register as queries for a lazy table (sổ đăng ký đề án).

A list of 100,000 proposals is never loaded whole. The register asks:

- ``count(flt)`` and ``window(flt, sort, offset, limit)``: rows by offset (CLI, tests);
- ``matching_ids(flt, sort)``: the ids of the whole result in register order — one
  narrow query (ints only) run off the UI thread when a filter or the sort changes;
- ``rows_by_ids(ids)``: the rows of one window by primary key, fast enough to run
  on the UI thread while the user scrolls.

Filters: plan year, status, activity, funding source, office, commune, and the
search text (diacritic-insensitive, every word, any order: ``search.proposal_filter``).
An office clerk sees only their own office's proposals (``scope``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from kcdesk.models import Facility, Proposal, ProposalFacility, ProposalStatus
from kcdesk.services.core.id_lists import fetch_ids
from kcdesk.services.proposals.search import match_count, proposal_filter
from kcdesk.services.proposals.search import matching_ids as search_matches
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.scope import visible_proposals_clause
from kcdesk.text import fold


@dataclass(frozen=True)
class RegisterFilter:
    """What the register shows; ``None``/empty means "any"."""

    plan_year: int | None = None
    statuses: tuple[ProposalStatus, ...] = ()
    activity: str | None = None
    funding_source: str | None = None
    office_code: str | None = None
    commune: str | None = None
    search: str = ""
    # The old province a merged proposal came from (services/merge); OWN_ORIGIN for
    # this Centre's own proposals.
    origin: str | None = None

    def with_search(self, text: str) -> RegisterFilter:
        return replace(self, search=text)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã đề án"),
    Column("title", "Tên đề án"),
    Column("facility", "Đơn vị thụ hưởng"),
    Column("activity", "Nội dung"),
    Column("commune", "Xã, phường"),
    Column("plan_year", "Năm KH", numeric=True),
    Column("status", "Trạng thái"),
    Column("total_cost", "Tổng kinh phí", numeric=True),
    Column("support", "Kinh phí hỗ trợ", numeric=True),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
# The origin filter's value for this Centre's own proposals (their origin is empty).
OWN_ORIGIN = "(this centre)"
# Ids per IN (...) query: well under SQLite's limit on bound parameters.
_CHUNK = 5000
# A search matching more proposals than this is ordered by walking the narrow
# (plan year, code) index and keeping the matches, instead of reading every matching
# wide proposal row and sorting: 22,000 of 100,000 take 25 ms instead of 60 ms, while
# ten matches stay well under a millisecond on the row-by-row path (see bench/).
_INDEX_WALK_FROM = 5000


@dataclass
class RegisterRow:
    """One register line; ``support`` is the approved (or amended) support once set."""

    id: int
    code: str
    title: str
    facility: str
    activity: str
    commune: str
    plan_year: int
    status: ProposalStatus
    total_cost: int
    support: int
    facility_ids: list[int] = field(default_factory=list)

    def value(self, key: str) -> Any:
        return getattr(self, key)


def _first_facility_name() -> Any:
    return (
        select(Facility.name)
        .join(ProposalFacility, ProposalFacility.facility_id == Facility.id)
        .where(ProposalFacility.proposal_id == Proposal.id)
        .order_by(ProposalFacility.position)
        .limit(1)
        .scalar_subquery()
    )


def _support_expr() -> Any:
    return func.coalesce(Proposal.approved_support, Proposal.support)


def _sort_expr(key: str) -> Any:
    if key == "facility":
        return func.coalesce(_first_facility_name(), "")
    if key == "support":
        return _support_expr()
    if key not in COLUMN_KEYS:
        raise ValueError(f"unknown register column {key!r}")
    return getattr(Proposal, key)


def where_clause(
    session: Session, flt: RegisterFilter, actor: Actor | None, *, sort: str | None = "code"
) -> ColumnElement[bool]:
    """The register's WHERE; ``sort`` (None: a bare count) lets a large search walk
    the (plan year, code) index instead of fetching every match by id."""
    walk = _walk_order_index(session, flt, sort)
    parts: list[ColumnElement[bool]] = [
        visible_proposals_clause(actor),
        proposal_filter(session, flt.search, fetch_by_id=not walk),
    ]
    if flt.plan_year is not None:
        parts.append(Proposal.plan_year == flt.plan_year)
    if flt.statuses:
        parts.append(Proposal.status.in_(list(flt.statuses)))
    if flt.activity:
        parts.append(Proposal.activity == flt.activity)
    if flt.funding_source:
        parts.append(Proposal.funding_source == flt.funding_source)
    if flt.office_code:
        parts.append(Proposal.office_code == flt.office_code)
    if flt.commune:
        parts.append(commune_clause(flt.commune))
    if flt.origin:
        parts.append(Proposal.origin == ("" if flt.origin == OWN_ORIGIN else flt.origin))
    return and_(*parts)


def commune_clause(value: str) -> Any:
    """Filter by commune: an official code groups every record of the unit; other
    text (a name, or a commune typed before the list and not matched yet) by its text."""
    if value.isdigit():
        return Proposal.commune_code == value
    return Proposal.commune == value


def commune_choices(session: Session) -> list[tuple[str, str]]:
    """(label, filter value) for the commune filter: one entry per official code,
    then unmatched texts marked as such — never two entries for one unit."""
    coded = session.execute(
        select(Proposal.commune_code, func.min(Proposal.commune))
        .where(Proposal.commune_code.is_not(None))
        .group_by(Proposal.commune_code)
    ).all()
    loose = session.scalars(
        select(Proposal.commune)
        .where(Proposal.commune_code.is_(None), Proposal.commune != "")
        .distinct()
    ).all()
    out = sorted(((name, code) for code, name in coded), key=lambda x: fold(x[0]))
    out += [(f"{text} (chưa khớp danh mục)", text) for text in sorted(loose, key=fold)]
    return out


def _walk_order_index(session: Session, flt: RegisterFilter, sort: str | None) -> bool:
    """True when a large search result is cheaper found along the order index.

    SQLite cannot know how many rows the search index returns, so it always fetches
    them by id; the index's own count (a few milliseconds) tells us which way is
    cheaper. Only orders with an index (plan year then code; code) and the bare count
    can walk one.
    """
    if sort not in (None, "plan_year", "code") or session.get_bind().dialect.name != "sqlite":
        return False
    matches = match_count(session, flt.search)
    return matches is not None and matches > _INDEX_WALK_FROM


def _ordered(stmt: Select[Any], sort: str, descending: bool) -> Select[Any]:
    expr = _sort_expr(sort)
    primary = expr.desc() if descending else expr.asc()
    # The code breaks ties (same direction, so the default order plan year ↓, code ↓
    # is one index scan) and makes the order total and stable between windows.
    tie = Proposal.code.desc() if descending else Proposal.code.asc()
    return stmt.order_by(primary, tie) if sort != "code" else stmt.order_by(primary)


def count(session: Session, flt: RegisterFilter, actor: Actor | None = None) -> int:
    stmt = select(func.count(Proposal.id)).where(where_clause(session, flt, actor, sort=None))
    return int(session.scalar(stmt) or 0)


def matching_ids(
    session: Session,
    flt: RegisterFilter,
    sort: str = "code",
    descending: bool = False,
    actor: Actor | None = None,
) -> list[int]:
    """Ids of every matching proposal in register order."""
    where = where_clause(session, flt, actor, sort=sort)
    return fetch_ids(session, _ordered(select(Proposal.id).where(where), sort, descending))


def narrow(session: Session, ordered_ids: Sequence[int], query: str) -> list[int] | None:
    """``ordered_ids`` (a register list without search) keeping only ``query``'s matches.

    Typing in the search box narrows the list already on screen: the search index
    gives the matching ids as a set and the order is the one already read, so no
    proposal row is touched. None when the index cannot answer (``matching_ids``).
    """
    found = search_matches(session, query)
    if found is None:
        return None
    return [i for i in ordered_ids if i in found]


def rows_by_ids(session: Session, ids: Sequence[int]) -> list[RegisterRow]:
    """The register rows of ``ids``, in that order (missing ids are skipped)."""
    if not ids:
        return []
    wanted = list(ids)
    found = session.execute(
        select(
            Proposal.id,
            Proposal.code,
            Proposal.title,
            Proposal.activity,
            Proposal.commune,
            Proposal.plan_year,
            Proposal.status,
            Proposal.total_cost,
            _support_expr(),
        ).where(Proposal.id.in_(wanted))
    ).all()
    links: dict[int, list[tuple[int, str]]] = {}
    for pid, fid, name in session.execute(
        select(ProposalFacility.proposal_id, Facility.id, Facility.name)
        .join(Facility, Facility.id == ProposalFacility.facility_id)
        .where(ProposalFacility.proposal_id.in_(wanted))
        .order_by(ProposalFacility.proposal_id, ProposalFacility.position)
    ):
        links.setdefault(pid, []).append((fid, name))
    by_id = {}
    for pid, code, title, activity, commune, year, status, total, support in found:
        facilities = links.get(pid, [])
        by_id[pid] = RegisterRow(
            id=pid,
            code=code,
            title=title,
            facility="; ".join(name for _, name in facilities),
            activity=activity,
            commune=commune,
            plan_year=year,
            status=status,
            total_cost=int(total or 0),
            support=int(support or 0),
            facility_ids=[fid for fid, _ in facilities],
        )
    return [by_id[i] for i in wanted if i in by_id]


def window(
    session: Session,
    flt: RegisterFilter,
    *,
    sort: str = "code",
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
    actor: Actor | None = None,
) -> list[RegisterRow]:
    """One window of rows by offset, in register order."""
    where = where_clause(session, flt, actor, sort=sort)
    stmt = _ordered(select(Proposal.id).where(where), sort, descending)
    ids = fetch_ids(session, stmt.offset(max(0, offset)).limit(max(0, limit)))
    return rows_by_ids(session, ids)


def choices(session: Session, column: str) -> list[Any]:
    """Distinct values for a filter box (plan years newest first, communes, offices)."""
    attr = {
        "plan_year": Proposal.plan_year,
        "commune": Proposal.commune,
        "office_code": Proposal.office_code,
        "activity": Proposal.activity,
        "funding_source": Proposal.funding_source,
        "origin": Proposal.origin,
    }[column]
    values = [v for v in session.scalars(select(attr).distinct()) if v not in (None, "")]
    return sorted(values, reverse=column == "plan_year")


def codes_for_ids(session: Session, ids: Sequence[int]) -> list[str]:
    """Proposal codes for ids, in the given order (bulk actions, export)."""
    found: dict[int, str] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(
            session.execute(select(Proposal.id, Proposal.code).where(Proposal.id.in_(chunk)))
            .tuples()
            .all()
        )
    return [found[i] for i in wanted if i in found]


def duplicate_support(session: Session, rows: Sequence[RegisterRow]) -> dict[int, list[str]]:
    """Rows whose beneficiary had support for the same activity within the span.

    ``{row id: ["ĐA-2025-003 (2025)", …]}`` from ``duplicate_support.prior_support``
    (same tax code, or same folded name and commune), the row itself left out.
    """
    from kcdesk.services.proposals import duplicates as dup

    span = dup.span_setting(session)
    ids = sorted({fid for row in rows for fid in row.facility_ids})
    facilities = {f.id: f for f in session.scalars(select(Facility).where(Facility.id.in_(ids)))}
    asked = [
        (row, facilities[fid]) for row in rows for fid in row.facility_ids if fid in facilities
    ]
    # All the page's rows in one query (prior_support_many), not one query per row.
    answers = dup.prior_support_many(
        session, [(facility, row.activity, row.plan_year) for row, facility in asked], span
    )
    by_row: dict[int, set[tuple[str, int]]] = {}
    for (row, _facility), answer in zip(asked, answers, strict=True):
        by_row.setdefault(row.id, set()).update(answer)
    out: dict[int, list[str]] = {}
    for row in rows:
        found = by_row.get(row.id, set())
        others = sorted((year, code) for code, year in found if code != row.code)
        if others:
            out[row.id] = [f"{code} ({year})" for year, code in others]
    return out

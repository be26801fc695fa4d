"""Has this facility already had support for the same activity? (hỗ trợ trùng lặp)

TTLT 26/2014/TTLT-BTC-BCT Art. 7 asks a beneficiary to commit that the same content
has not been funded by the state budget before. The wizard warns, and the register
(issue 4) reuses :func:`prior_support`: keep its signature stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from kcdesk.models import APPROVED_OR_LATER, Facility, Proposal, ProposalFacility
from kcdesk.services.core import settings
from kcdesk.services.core.id_lists import batches
from kcdesk.text import fold


def prior_support(
    session: Session, facility: Facility, activity: str, plan_year: int, span_years: int
) -> list[tuple[str, int]]:
    """Codes and plan years of approved-or-later proposals for the same facility.

    "Same facility" is the same tax code, or (when either has none) the same name,
    folded, in the same commune: a household business re-registered without a tax
    code is still the same workshop. The window is ``plan_year - span_years`` up to
    ``plan_year`` inclusive. Results are ordered by year, then code.
    """
    # One facility is a page of one: the same candidates through the indexes, the
    # same matching (issue 24).
    return prior_support_many(session, [(facility, activity, plan_year)], span_years)[0]


def prior_support_many(
    session: Session, wanted: Sequence[tuple[Facility, str, int]], span_years: int
) -> list[list[tuple[str, int]]]:
    """:func:`prior_support` for many ``(facility, activity, plan_year)`` at once.

    The candidate facilities of them all, then their approved-or-later proposals of
    those activities and years, a few statements in all, and the same matching in
    memory: the register's warnings for a page of 200 rows were 200 queries, each
    scanning the facilities for the name (issue 24: 37 s a page at 100,000 proposals).
    Same results as calling :func:`prior_support` for each.
    """
    if span_years < 0 or not wanted:
        return [[] for _ in wanted]
    # The candidate facilities first (an id, a tax code, search_text starting with a
    # folded name: each found by an index, as prior_support finds them), then only
    # their proposals through the facility index. Matching a name anywhere inside
    # search_text over the approved proposals of the page's activities and years
    # walked them all (issue 24: 0.43 s of a page's 0.5 s at 100,000 proposals).
    candidates = _candidates(session, [facility for facility, _a, _y in wanted])
    activities = sorted({activity for _, activity, _ in wanted})
    rows: list[Any] = []
    for ids in batches(candidates):
        rows += session.execute(
            select(
                Proposal.code,
                Proposal.plan_year,
                Proposal.activity,
                Facility.id,
                Facility.tax_code,
                Facility.name,
                Facility.commune,
                Facility.search_text,
            )
            .join(ProposalFacility, ProposalFacility.proposal_id == Proposal.id)
            .join(Facility, Facility.id == ProposalFacility.facility_id)
            .where(
                ProposalFacility.facility_id.in_(ids),
                # In a CASE, so the database reaches the proposals from the facility
                # index: SQLite (no statistics) picked the status index and walked
                # every approved proposal for each batch. Same rows.
                case(
                    (
                        and_(
                            Proposal.activity.in_(activities),
                            Proposal.status.in_(sorted(APPROVED_OR_LATER)),
                            Proposal.plan_year >= min(year for _, _, year in wanted) - span_years,
                            Proposal.plan_year <= max(year for _, _, year in wanted),
                        ),
                        1,
                    ),
                    else_=0,
                )
                == 1,
            )
        ).all()
    by_id: dict[int, list[Any]] = {}
    by_tax: dict[str, list[Any]] = {}
    by_name: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        by_id.setdefault(row.id, []).append(row)
        if row.tax_code:
            by_tax.setdefault(row.tax_code, []).append(row)
        by_name.setdefault((fold(row.name), fold(row.commune)), []).append(row)
    out = []
    for facility, activity, plan_year in wanted:
        name_key = (fold(facility.name), fold(facility.commune))
        # What prior_support's WHERE lets through (id, tax code, search_text starting
        # with the folded name) …
        near = list(by_id.get(facility.id, [])) if facility.id is not None else []
        if facility.tax_code:
            near += by_tax.get(facility.tax_code, [])
        if name_key[0]:
            near += [
                r
                for r in by_name.get(name_key, [])
                if (r.search_text or "").startswith(name_key[0])
            ]
        # … then its activity, years and same-facility test.
        found = {
            (r.code, r.plan_year)
            for r in near
            if r.activity == activity
            and plan_year - span_years <= r.plan_year <= plan_year
            and _same_facility(facility, r, name_key)
        }
        out.append(sorted(found, key=lambda item: (item[1], item[0])))
    return out


def _starts_with(session: Session, column: Any, prefix: str) -> Any:
    """``column`` starts with ``prefix``, in a form the engine finds by an index.

    SQLite compares text bytewise (BINARY), so a range is exactly "starts with" and
    walks the index (its LIKE is case-insensitive and would not); PostgreSQL's
    ``LIKE 'prefix%'`` uses the ``text_pattern_ops`` index.
    """
    if session.get_bind().dialect.name == "sqlite":
        return and_(column >= prefix, column < prefix + "\U0010ffff")
    return column.like(f"{_escape_like(prefix)}%", escape="\\")


def _candidates(session: Session, facilities: Sequence[Facility]) -> list[int]:
    """Ids of the facilities :func:`prior_support`'s candidate query finds for any of
    ``facilities``: the same id, the same tax code, search_text starting with the
    folded name."""
    ids = {f.id for f in facilities if f.id is not None}
    taxes = sorted({f.tax_code for f in facilities if f.tax_code})
    names = sorted({key for f in facilities if (key := fold(f.name))})
    found = set(ids)
    for batch in batches(taxes):
        found.update(session.scalars(select(Facility.id).where(Facility.tax_code.in_(batch))))
    # Each name a range of the search_text index; a few hundred per statement.
    for batch in batches(names, 200):
        match = [_starts_with(session, Facility.search_text, name) for name in batch]
        found.update(session.scalars(select(Facility.id).where(or_(*match))))
    return sorted(found)


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _same_facility(facility: Facility, other: Any, name_key: tuple[str, str]) -> bool:
    if facility.id is not None and other.id == facility.id:
        return True
    if facility.tax_code and other.tax_code:
        # Two different tax codes are two different businesses, whatever the name.
        return bool(facility.tax_code == other.tax_code)
    return bool(name_key[0]) and (fold(other.name), fold(other.commune)) == name_key


def span_setting(session: Session) -> int:
    """``rule.duplicate_support_years`` as an int (default 3)."""
    value = settings.get(session, "rule.duplicate_support_years")
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 3

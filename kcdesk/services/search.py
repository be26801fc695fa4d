"""Diacritic-insensitive search over proposals (DESIGN.md §7).

Both the stored ``search_text`` and the query are folded by kcdesk.text.fold; every
word typed must appear, in any order. This is the one place to put engine-specific
search (an FTS index on SQLite, trigram on PostgreSQL) behind the same function.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, true

from kcdesk.models import Facility, Proposal
from kcdesk.text import fold, fold_words


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def proposal_search_clause(query: str | None) -> ColumnElement[bool]:
    """A WHERE clause matching proposals whose folded text holds every query word."""
    words = fold_words(query)
    if not words:
        return true()
    return and_(*(Proposal.search_text.like(f"%{_escape_like(w)}%", escape="\\") for w in words))


def facility_search_clause(query: str | None) -> ColumnElement[bool]:
    words = fold_words(query)
    if not words:
        return true()
    return and_(*(Facility.search_text.like(f"%{_escape_like(w)}%", escape="\\") for w in words))


def facility_search_text(facility: Facility) -> str:
    return fold(" ".join(filter(None, [facility.name, facility.tax_code, facility.commune])))


def proposal_search_text(proposal: Proposal) -> str:
    """Code, title, commune, and every beneficiary's name and tax code, folded."""
    parts: list[str] = [proposal.code, proposal.title, proposal.commune]
    for link in proposal.facility_links:
        parts += [link.facility.name, link.facility.tax_code or ""]
    return fold(" ".join(p for p in parts if p))

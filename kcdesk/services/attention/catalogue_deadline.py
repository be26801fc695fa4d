""" "Cần chú ý": plan years whose catalogue is not approved as its deadline approaches
or after it passed (:mod:`kcdesk.services.catalogue.deadline`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import distinct, select
from sqlalchemy.orm import Session

from kcdesk.models import Proposal
from kcdesk.models.catalogue import Catalogue
from kcdesk.services.attention.item import AttentionItem
from kcdesk.services.catalogue.deadline import deadline_warning
from kcdesk.services.core import settings
from kcdesk.services.forms.load import load_funding_sources

KIND = "catalogue_deadline"


def items(session: Session, today: date) -> list[AttentionItem]:
    """One line per plan year and funding source that has proposals or a catalogue
    and whose catalogue is still undecided near or after its deadline."""
    setting = str(settings.get(session, "deadline.catalogue"))
    # Only plan years whose deadline is this year or next: older years are history.
    years = (today.year + 1, today.year + 2)
    pairs: set[tuple[int, str]] = {
        (int(year), str(source))
        for year, source in session.execute(
            select(distinct(Proposal.plan_year), Proposal.funding_source).where(
                Proposal.plan_year.in_(years)
            )
        )
    }
    states = {
        (c.plan_year, c.funding_source): c.state
        for c in session.scalars(select(Catalogue).where(Catalogue.plan_year.in_(years)))
    }
    pairs |= set(states)
    sources = load_funding_sources()
    out = []
    for year, source in sorted(pairs):
        found = deadline_warning(setting, int(year), states.get((year, source)), today)
        if found is None:
            continue
        message, severity = found
        label = sources[source].label if source in sources else source
        out.append(
            AttentionItem(
                KIND,
                "",
                message.replace(f"năm {year}", f"năm {year} ({label})", 1),
                None,
                severity,
            )
        )
    return out

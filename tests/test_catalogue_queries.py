"""The catalogue screen's load reads the plan year in a few queries (issue 24): the
beneficiaries of the rows it holds come in batches, not one query per row, and the
rows are the same as when everything was loaded per proposal."""

from __future__ import annotations

from sqlalchemy import event, select

from kcdesk.models import Proposal
from kcdesk.services.catalogue import selection
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.build import entry_from_proposal


def test_catalogue_load_does_not_query_per_row(demo_db) -> None:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(demo_db.engine, "before_cursor_execute", count)
    try:
        with demo_db.session() as session:
            view = catalogue.view(session, 2027, "dia_phuong")
            judged = [c.as_json() for c in selection.explain(session, view)]
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", count)
    rows = [e for g in view.groups for e in g.entries]
    assert len(rows) > 10, "the demo should give the draft catalogue a few rows"
    assert len(judged) > len(rows)
    # A query per row would make this at least the number of rows.
    assert len(statements) < len(rows), statements

    with demo_db.session() as session:  # the rows as a plain per-proposal load gives them
        codes = [e.proposal_code for e in rows]
        full = session.scalars(select(Proposal).where(Proposal.code.in_(codes))).all()
        expected = {p.code: entry_from_proposal(p) for p in full}
    assert {e.proposal_code: e for e in rows} == expected
    assert any(e.beneficiary for e in rows)

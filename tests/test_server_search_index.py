"""The register's search uses PostgreSQL's trigram index for every word (issue 21).

Short words (one or two letters) match at the start of a word. They used to be
written ``(' ' || search_text) LIKE '% w%'``, an expression the trigram index of
migration 0014 does not cover: the search read every proposal (600 ms at 100,000).
With sequential scans disabled, a plan that still reads the table without the
index can only mean the index cannot answer that shape.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kcdesk.models import Proposal
from kcdesk.models.db import Database
from kcdesk.services.proposals import register_query as rq
from kcdesk.services.proposals.search import proposal_search_clause

pytestmark = pytest.mark.postgresql_only
INDEX = "ix_proposal_search_text_trgm"


def _plan(db: Database, query: str) -> str:
    stmt = select(Proposal.id).where(proposal_search_clause(query))
    with db.session() as s:
        conn = s.connection()
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        compiled = stmt.compile(dialect=conn.dialect)
        rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).all()
    return "\n".join(r[0] for r in rows)


@pytest.mark.parametrize("query", ["may", "ha", "x", "ha noi", "det may", "che bien 2027"])
def test_every_word_goes_through_the_trigram_index(demo_db: Database, query: str) -> None:
    plan = _plan(demo_db, query)
    assert INDEX in plan, plan
    assert "Seq Scan" not in plan, plan


def test_short_words_still_match_at_the_start_of_a_word_only(demo_db: Database) -> None:
    with demo_db.session() as s:
        texts = dict(s.execute(select(Proposal.id, Proposal.search_text)).tuples().all())
        words = sorted({w for t in texts.values() for w in t.split() if len(w) >= 4})
        word = words[len(words) // 2]
        for query in (word[:1], word[:2], f"{word[:2]} {word}"):
            found = set(rq.matching_ids(s, rq.RegisterFilter(search=query), "code", False))
            wanted = {
                i
                for i, t in texts.items()
                if all(any(w.startswith(q) if len(q) < 3 else q in w for w in t.split())
                       or (len(q) >= 3 and q in t) for q in query.split())
            }  # fmt: skip
            assert found == wanted and found, query

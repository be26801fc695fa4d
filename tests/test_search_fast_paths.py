"""The fast ways the register searches give exactly the rows of the plain LIKE form:
two-letter words answered by the index, one-letter words on the index's own text,
a large result found by walking the order index, and the id set the register uses
to narrow the list it already shows."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.services.proposals import register_query as rq
from kcdesk.services.proposals import search

# the FTS5 index's fast paths
pytestmark = pytest.mark.sqlite_only

# One, two and three letters and more; words of the demo titles, communes and codes.
WORDS = ["a", "x", "d", "h", "do", "go", "da", "xa", "ha", "may", "say", "hop", "tac", "2027"]
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _like_ids(session, query: str) -> set[int]:
    return set(session.scalars(select(Proposal.id).where(search.proposal_search_clause(query))))


@pytest.fixture
def indexed(demo_db):
    search.ensure_index(demo_db.engine)
    return demo_db


@SETTINGS
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
def test_index_set_and_filter_agree_with_like(indexed, words: list[str]) -> None:
    query = " ".join(words)
    with indexed.session() as session:
        expected = _like_ids(session, query)
        assert search.matching_ids(session, query) == expected
        clause = search.proposal_filter(session, query)
        assert set(session.scalars(select(Proposal.id).where(clause))) == expected
        assert search.match_count(session, query) == len(expected)


def test_demo_data_exercises_every_kind_of_word(indexed) -> None:
    """The property above is only worth something if these queries find some rows
    and leave others out."""
    with indexed.session() as session:
        total = session.scalar(select(Proposal.id).order_by(Proposal.id.desc()).limit(1))
        for query in ("x", "xa", "do", "may", "hop tac x"):
            found = len(_like_ids(session, query))
            assert found > 0, query
        assert len(_like_ids(session, "hop tac")) < (total or 0)


def test_every_word_goes_to_the_index(indexed) -> None:
    """ "do go x tac" is four trigram phrases in one MATCH (" do", " go", "  x", "tac"),
    never a LIKE over the wide proposal rows."""
    assert search.fts_query(["do", "go", "x", "tac"]) == '" do" " go" "  x" "tac"'
    with indexed.session() as session:
        for query in ("do go", "x", "hop tac x"):
            sql = str(
                select(Proposal.id)
                .where(search.proposal_filter(session, query))
                .compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            )
            assert "proposal.search_text" not in sql, query
            plan = " ".join(str(r) for r in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
            assert "VIRTUAL TABLE" in plan, query


def test_an_index_of_an_earlier_version_is_rebuilt_not_queried(indexed) -> None:
    """An index whose text was spaced the earlier way (one space before each word)
    cannot answer one-letter words: it is not "ready", and is rebuilt."""
    engine = indexed.engine
    fts = search.FTS_TABLE
    with engine.begin() as conn:
        for name in (f"{fts}_ai", f"{fts}_au", f"{fts}_ad"):
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        conn.exec_driver_sql(f"DELETE FROM {fts}")
        conn.exec_driver_sql(
            f"INSERT INTO {fts}(rowid, search_text) SELECT id, ' ' || search_text FROM proposal"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON proposal BEGIN INSERT INTO {fts}"
            f"(rowid, search_text) VALUES (new.id, ' ' || new.search_text); END"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON proposal BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; END"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text, id ON proposal BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; INSERT INTO {fts}(rowid, search_text) "
            f"VALUES (new.id, ' ' || new.search_text); END"
        )
    with indexed.session() as session:
        expected = _like_ids(session, "x")
        assert expected
        assert not search.index_ready(session)
        assert (
            set(session.scalars(select(Proposal.id).where(search.proposal_filter(session, "x"))))
            == expected
        )
    assert search.ensure_index(engine) is True
    assert search.ensure_index(engine) is False
    with indexed.session() as session:
        assert search.index_ready(session)
        assert search.matching_ids(session, "x") == expected


def test_without_the_index_nothing_is_claimed(demo_db) -> None:
    search.drop_index(demo_db.engine)
    with demo_db.session() as session:
        assert search.matching_ids(session, "may") is None
        assert search.match_count(session, "may") is None
        assert rq.narrow(session, [1, 2, 3], "may") is None
        assert search.matching_ids(session, "  ") is None


FILTERS = [
    rq.RegisterFilter(search="hop tac"),
    rq.RegisterFilter(search="x"),
    rq.RegisterFilter(search="may", plan_year=2027),
    rq.RegisterFilter(search="d", statuses=(ProposalStatus.RECEIVED, ProposalStatus.APPROVED)),
]


@pytest.mark.parametrize("flt", FILTERS)
@pytest.mark.parametrize(("sort", "descending"), [("plan_year", True), ("code", False)])
def test_walking_the_order_index_gives_the_same_rows(
    indexed,
    monkeypatch,
    flt: rq.RegisterFilter,
    sort: str,
    descending: bool,
) -> None:
    with indexed.session() as session:
        by_id = rq.matching_ids(session, flt, sort, descending)
        counted = rq.count(session, flt)
        first = [r.id for r in rq.window(session, flt, sort=sort, descending=descending, limit=7)]
        monkeypatch.setattr(rq, "_INDEX_WALK_FROM", 0)  # every search counts as large
        assert rq._walk_order_index(session, flt, sort)
        sql = str(
            rq._ordered(
                select(Proposal.id).where(rq.where_clause(session, flt, None, sort=sort)),
                sort,
                descending,
            ).compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        )
        plan = " ".join(str(r) for r in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        if not flt.statuses:  # (with a status, SQLite may rather use the status index)
            assert "TEMP B-TREE" not in plan  # the order comes from an index, no sort
        assert rq.matching_ids(session, flt, sort, descending) == by_id
        assert rq.count(session, flt) == counted == len(by_id)
        assert (
            [r.id for r in rq.window(session, flt, sort=sort, descending=descending, limit=7)]
            == first
            == by_id[:7]
        )
    assert by_id  # the filters above are chosen to find rows


def test_other_orders_fetch_by_id(indexed, monkeypatch) -> None:
    monkeypatch.setattr(rq, "_INDEX_WALK_FROM", 0)
    with indexed.session() as session:
        assert not rq._walk_order_index(session, rq.RegisterFilter(search="may"), "title")
        assert not rq._walk_order_index(session, rq.RegisterFilter(), "plan_year")


@pytest.mark.parametrize("flt", FILTERS)
def test_narrowing_the_list_without_search_gives_the_searched_list(indexed, flt) -> None:
    with indexed.session() as session:
        base = rq.matching_ids(session, flt.with_search(""), "total_cost", True)
        assert rq.narrow(session, base, flt.search) == rq.matching_ids(
            session, flt, "total_cost", True
        )

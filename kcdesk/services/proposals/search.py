"""Diacritic-insensitive search over proposals (docs/architecture.md#search).

Both the stored ``search_text`` and the query are folded by kcdesk.text.fold; every
word typed must appear, in any order: a word of three letters or more anywhere in
the folded text, a shorter one at the start of a word ("do go" finds "Đồ gỗ" but
not every "dong" and "gom"). This is the one place for engine-specific search:

- everywhere: ``proposal_search_clause`` — a portable LIKE per word (PostgreSQL,
  or SQLite before the index exists);
- SQLite: ``proposal_filter`` uses an FTS5 *trigram* table over the folded text
  (``proposal_search``, rowid = proposal.id, text prefixed by a space) kept in step
  by triggers. A trigram index answers substring queries, so results are the same
  as the LIKE form. Every word goes to the index as one trigram phrase: a long word
  as itself; a short word as the start of a word, " do" or "  h" (the indexed text
  puts two spaces before every word); FTS5 intersects the lists, so "da 2027 01"
  costs no more than its rarest word, and no query reads the wide proposal rows.

The index is an accelerator, not schema: :func:`ensure_index` builds it (once, a
second or two at 100,000 proposals) and rebuilds it whenever its triggers are
missing, e.g. after a later migration copied the proposal table. Until it exists,
searches use the portable form, so results never depend on it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    and_,
    column,
    func,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.orm import Session

from kcdesk.models import Facility, Proposal
from kcdesk.services.core.id_lists import fetch_id_set
from kcdesk.text import fold, fold_words

FTS_TABLE = "proposal_search"
# The indexed text has two spaces before every word ("  da  2027  01  hop  tac"), so
# that the start of a word is a trigram even for a one-letter word ("  h") and a
# two-letter one (" do"), the first word included. Words themselves hold no space,
# so a longer word matches inside words exactly as in the single-spaced text.
_INDEXED_TEXT = "'  ' || replace({}.search_text, ' ', '  ')"
_TRIGGERS = {
    f"{FTS_TABLE}_ai": (
        f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON proposal BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) "
        f"VALUES (new.id, {_INDEXED_TEXT.format('new')}); END"
    ),
    f"{FTS_TABLE}_ad": (
        f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON proposal BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END"
    ),
    f"{FTS_TABLE}_au": (
        f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF search_text, id ON proposal BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) "
        f"VALUES (new.id, {_INDEXED_TEXT.format('new')}); END"
    ),
}
# Earlier versions of the index (dropped when the current one is built).
_OLD = ("proposal_fts", "proposal_fts_ai", "proposal_fts_ad", "proposal_fts_au")
MIN_TRIGRAM = 3
# The index as a lightweight table for queries (not in the models: not schema).
_FTS = table(FTS_TABLE, column("rowid", Integer))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_words(words: list[str]) -> ColumnElement[bool]:
    """Long words anywhere; words of one or two letters at the start of a word."""
    if not words:
        return true()
    stored = Proposal.search_text
    return and_(
        *(
            stored.like(f"%{_escape_like(w)}%", escape="\\")
            if len(w) >= MIN_TRIGRAM
            # Not (' ' || search_text) LIKE '% w%': PostgreSQL's trigram index covers
            # the column, not that expression, and the search read every row (600 ms
            # at 100,000 proposals); two LIKEs on the column use the index.
            else or_(
                stored.like(f"{_escape_like(w)}%", escape="\\"),
                stored.like(f"% {_escape_like(w)}%", escape="\\"),
            )
            for w in words
        )
    )


def proposal_search_clause(query: str | None) -> ColumnElement[bool]:
    """A portable WHERE clause: proposals whose folded text holds every query word."""
    return _like_words(fold_words(query))


def facility_search_clause(query: str | None) -> ColumnElement[bool]:
    words = fold_words(query)
    if not words:
        return true()
    return and_(*(Facility.search_text.like(f"%{_escape_like(w)}%", escape="\\") for w in words))


def facility_search_text(facility: Facility) -> str:
    return fold(" ".join(filter(None, [facility.name, facility.tax_code, facility.commune])))


def proposal_search_text(proposal: Proposal) -> str:
    """Code, title, commune, and every beneficiary's name and tax code: folded words
    separated by single spaces ("da 2027 014 may say mien dong …")."""
    parts: list[str] = [proposal.code, proposal.title, proposal.commune]
    for link in proposal.facility_links:
        parts += [link.facility.name, link.facility.tax_code or ""]
    return " ".join(fold_words(" ".join(p for p in parts if p)))


# -- the SQLite index -----------------------------------------------------------


def _is_sqlite(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "sqlite"


def _current(conn: Session | Connection) -> bool:
    """True when the FTS table and its triggers exist as this version makes them.

    The triggers' SQL is compared, not only their names: an index made by an earlier
    version (another spacing of the text) must be rebuilt, not queried.
    """
    names = (FTS_TABLE, *_TRIGGERS)
    found = dict(
        conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE name IN (:t, :ai, :ad, :au)"),
            dict(zip(("t", "ai", "ad", "au"), names, strict=True)),
        )
        .tuples()
        .all()
    )
    return set(found) == set(names) and all(found[n] == sql for n, sql in _TRIGGERS.items())


def index_ready(session: Session) -> bool:
    """True when the current FTS table and all its triggers exist (SQLite only)."""
    return _is_sqlite(session.get_bind()) and _current(session)


def ensure_index(engine: Engine) -> bool:
    """Build the SQLite search index unless it is current; True if it was (re)built.

    Runs in its own transaction (``BEGIN IMMEDIATE``: one writer, no half-built
    index visible). Does nothing on other engines.
    """
    if not _is_sqlite(engine):
        return False
    with engine.connect() as conn:
        has_proposals = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'proposal'"
        ).scalar()
        if not has_proposals or _current(conn):
            return False
        conn.rollback()
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        for name in (*_TRIGGERS, *_OLD[1:]):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_OLD[0]}")
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, tokenize='trigram')"
        )
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, search_text) "
            f"SELECT id, {_INDEXED_TEXT.format('proposal')} FROM proposal"
        )
        for sql in _TRIGGERS.values():
            conn.exec_driver_sql(sql)
        conn.commit()
    return True


def drop_index(engine: Engine) -> None:
    """Remove the SQLite index (tests, benchmark floor); searches fall back to LIKE."""
    if not _is_sqlite(engine):
        return
    with engine.begin() as conn:
        for name in _TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def _fts_term(word: str) -> str:
    """One trigram phrase: a long word anywhere; a short word at the start of a word
    (" do"; "  h" with the two spaces every indexed word starts with)."""
    if len(word) >= MIN_TRIGRAM:
        return f'"{word}"'
    return '"' + " " * (MIN_TRIGRAM - len(word)) + word + '"'


def fts_query(words: list[str]) -> str:
    """The FTS5 MATCH expression: every word as a quoted trigram phrase (AND)."""
    return " ".join(_fts_term(w) for w in words)


def _index_select(words: list[str]) -> Select[Any]:
    """The ids (FTS rowids) of proposals holding every word, from the index alone."""
    match = text(f"{FTS_TABLE} MATCH :fts_q").bindparams(fts_q=fts_query(words))
    return select(_FTS.c.rowid).where(match)


def proposal_filter(
    session: Session, query: str | None, *, fetch_by_id: bool = True
) -> ColumnElement[bool]:
    """The fastest clause this database offers for ``query`` (same results as LIKE).

    ``fetch_by_id=False`` hides the id from SQLite's planner (``id + 0``) so that it
    walks an index in the wanted order and keeps the matches, instead of fetching
    every match by id and sorting: the cheaper way when the matches are many.
    """
    words = fold_words(query)
    if not words:
        return true()
    if not index_ready(session):
        return _like_words(words)
    target = Proposal.id if fetch_by_id else Proposal.id + 0
    return target.in_(_index_select(words))


def matching_ids(session: Session, query: str | None) -> set[int] | None:
    """The ids of every proposal holding the query's words, from the index alone.

    None when the index cannot answer (no query, not SQLite, index not built yet):
    the caller then filters with :func:`proposal_filter`.
    """
    words = fold_words(query)
    if not words or not index_ready(session):
        return None
    return fetch_id_set(session, _index_select(words))


def match_count(session: Session, query: str | None) -> int | None:
    """How many proposals the index finds for ``query`` (None: no query or no index).

    Cheap (the index alone); the register uses it to choose how to order the result.
    """
    words = fold_words(query)
    if not words or not index_ready(session):
        return None
    return int(
        session.scalar(select(func.count()).select_from(_index_select(words).subquery())) or 0
    )

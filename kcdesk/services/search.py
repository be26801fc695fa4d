"""Diacritic-insensitive search over proposals (DESIGN.md §7).

Both the stored ``search_text`` and the query are folded by kcdesk.text.fold; every
word typed must appear, in any order, as a substring of the folded text. This is
the one place for engine-specific search:

- everywhere: ``proposal_search_clause`` — a portable LIKE per word (PostgreSQL,
  or SQLite before the index exists);
- SQLite: ``proposal_filter`` uses an FTS5 *trigram* table over the folded text
  (``proposal_fts``, rowid = proposal.id) kept in step by triggers. A trigram index
  answers substring queries, so results are the same as the LIKE form; words
  shorter than three letters cannot use trigrams and fall back to LIKE on the rows
  the index already narrowed.

The index is an accelerator, not schema: :func:`ensure_index` builds it (once, a
second or two at 100,000 proposals) and rebuilds it whenever its triggers are
missing, e.g. after a later migration copied the proposal table. Until it exists,
searches use the portable form, so results never depend on it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Engine, and_, select, text, true
from sqlalchemy.orm import Session

from kcdesk.models import Facility, Proposal
from kcdesk.text import fold, fold_words

FTS_TABLE = "proposal_fts"
_TRIGGERS = {
    "proposal_fts_ai": (
        f"CREATE TRIGGER proposal_fts_ai AFTER INSERT ON proposal BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "proposal_fts_ad": (
        f"CREATE TRIGGER proposal_fts_ad AFTER DELETE ON proposal BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END"
    ),
    "proposal_fts_au": (
        f"CREATE TRIGGER proposal_fts_au AFTER UPDATE OF search_text, id ON proposal BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}
MIN_TRIGRAM = 3


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_words(words: list[str]) -> ColumnElement[bool]:
    if not words:
        return true()
    return and_(*(Proposal.search_text.like(f"%{_escape_like(w)}%", escape="\\") for w in words))


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
    """Code, title, commune, and every beneficiary's name and tax code, folded."""
    parts: list[str] = [proposal.code, proposal.title, proposal.commune]
    for link in proposal.facility_links:
        parts += [link.facility.name, link.facility.tax_code or ""]
    return fold(" ".join(p for p in parts if p))


# -- the SQLite index -----------------------------------------------------------


def _is_sqlite(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "sqlite"


def index_ready(session: Session) -> bool:
    """True when the FTS table and all its triggers exist (SQLite only)."""
    bind = session.get_bind()
    if not _is_sqlite(bind):
        return False
    names = set(
        session.execute(
            text(
                "SELECT name FROM sqlite_master WHERE name IN "
                "(:t, 'proposal_fts_ai', 'proposal_fts_ad', 'proposal_fts_au')"
            ),
            {"t": FTS_TABLE},
        ).scalars()
    )
    return names == {FTS_TABLE, *_TRIGGERS}


def ensure_index(engine: Engine) -> bool:
    """Build the SQLite search index unless it is complete; True if it was (re)built.

    Runs in its own transaction (``BEGIN IMMEDIATE``: one writer, no half-built
    index visible). Does nothing on other engines.
    """
    if not _is_sqlite(engine):
        return False
    with engine.connect() as conn:
        present = set(
            conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name IN "
                f"('{FTS_TABLE}', 'proposal_fts_ai', 'proposal_fts_ad', 'proposal_fts_au', "
                "'proposal')"
            ).scalars()
        )
        if "proposal" not in present:
            return False
        if present >= {FTS_TABLE, *_TRIGGERS}:
            return False
        conn.rollback()
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        for name in _TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, tokenize='trigram')"
        )
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, search_text) SELECT id, search_text FROM proposal"
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


def fts_query(words: list[str]) -> str:
    """The FTS5 MATCH expression: every long-enough word as a quoted phrase (AND)."""
    return " ".join(f'"{w}"' for w in words if len(w) >= MIN_TRIGRAM)


def proposal_filter(session: Session, query: str | None) -> ColumnElement[bool]:
    """The fastest clause this database offers for ``query`` (same results as LIKE)."""
    words = fold_words(query)
    if not words:
        return true()
    long_words = [w for w in words if len(w) >= MIN_TRIGRAM]
    if not long_words or not index_ready(session):
        return _like_words(words)
    matching = (
        select(text("rowid"))
        .select_from(text(FTS_TABLE))
        .where(text(f"{FTS_TABLE} MATCH :fts_q").bindparams(fts_q=fts_query(long_words)))
    )
    short = [w for w in words if len(w) < MIN_TRIGRAM]
    return and_(Proposal.id.in_(matching), _like_words(short))

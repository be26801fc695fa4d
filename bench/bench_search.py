"""Benchmark: register search and scrolling at 100,000 proposals (not a test).

Uses the shared cached demo database (``bench.common.cached_db``: built once under
``bench/cache/``, gitignored, by the demo generator in chunks). Measures, in the same run:

- the register search as the user waits for it: the register model showing the
  list without search, the search text applied (``RegisterModel.set_filter``) and the
  first screenful of cells drawn; median of several runs per query;
- the service queries behind the command line (count + first 200; all ids sorted)
  and the portable LIKE form, for comparison;
- the raw floor: the same index query through sqlite3, every matching id fetched;
- scrolling: the register model's fetch of windows of rows at offsets spread over
  the whole list (the part of scrolling that touches the database).

Usage: .venv/bin/python bench/bench_search.py [--proposals N] [--runs R] [--json-only]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcdesk.models.db import Database, open_database  # noqa: E402
from kcdesk.services.proposals import search  # noqa: E402

QUERIES = (
    "mien dong",  # a trade, few hundred rows
    "Hợp tác xã",  # with diacritics, very common words
    "ĐỒ GỖ",  # capitals and đ
    "4800",  # tax-code prefix, most rows
    "cong ty tnhh may",  # four words
    "xyzzy",  # nothing
    "da 2027 01",  # short words: two-letter trigrams in the same index query
    "h",  # the first letter typed: matches most rows
)


def open_cached(proposals: int) -> Database:
    """The shared cached demo database (``bench.common.cached_db``), opened."""
    from bench.common import cached_db

    return open_database(cached_db(proposals))


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def _register_model(db: Database) -> tuple[Any, Any, Any]:
    """The register's model as the screen opens it (plan year ↓, code ↓), loaded."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication

    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.register.model import RegisterModel

    app = QCoreApplication.instance() or QCoreApplication([])
    ctx = AppContext(db, SYSTEM)
    model = RegisterModel(ctx)
    # Warnings are filled in later by the worker; they never hold up the list.
    model.check_duplicates = False
    model.sort_key, model.descending = "plan_year", True
    model.reload(sync=True)
    return app, ctx, model


def _screenful(model: Any, first: int = 0, rows: int = 35) -> None:
    """Every cell of one screen of the table, as the view asks for them."""
    for row in range(first, min(model.rowCount(), first + rows)):
        for column in range(model.columnCount()):
            model.data(model.index(row, column))


def _floor_sql(words: list[str]) -> tuple[str, list[str]]:
    """The raw index query behind a search: every matching id, nothing else."""
    fts = search.FTS_TABLE
    return f"SELECT rowid FROM {fts} WHERE {fts} MATCH ?", [search.fts_query(words)]


def measure_search(db: Database, runs: int, queries: tuple[str, ...]) -> list[dict[str, Any]]:
    """Per query: the register search as the user waits for it (the list without
    search is on screen; the search text is applied and the first screenful drawn),
    the service queries the command line uses, and the raw floors."""
    from sqlalchemy import func, select

    from kcdesk.models import Proposal
    from kcdesk.services.proposals import register_query as rq
    from kcdesk.text import fold_words

    app, ctx, model = _register_model(db)
    raw = sqlite3.connect(str(db.path))
    out = []
    for query in queries:
        flt = rq.RegisterFilter(search=query)
        words = fold_words(query)

        def register_search() -> None:
            model.set_filter(flt, sync=True)  # noqa: B023
            _screenful(model)

        def clear_search() -> None:
            model.set_filter(rq.RegisterFilter(), sync=True)

        times = []
        for _ in range(runs):
            clear_search()
            started = time.perf_counter()
            register_search()
            times.append((time.perf_counter() - started) * 1000)
        register_ms = round(statistics.median(times), 2)
        matches = model.rowCount()
        with db.session() as session:
            assert matches == rq.count(session, flt), query

            def first_screen() -> None:
                rq.count(session, flt)  # noqa: B023
                rq.window(session, flt, sort="plan_year", descending=True, limit=200)  # noqa: B023

            def all_ids() -> None:
                rq.matching_ids(session, flt, "plan_year", True)  # noqa: B023

            def portable() -> None:
                session.scalar(
                    select(func.count(Proposal.id)).where(search.proposal_search_clause(query))  # noqa: B023
                )

            screen_ms = _median_ms(first_screen, runs)
            ids_ms = _median_ms(all_ids, runs)
            like_ms = _median_ms(portable, max(3, runs // 2))

        sql, params = _floor_sql(words)
        floor_ms = _median_ms(lambda: raw.execute(sql, params).fetchall(), runs)  # noqa: B023
        out.append(
            {
                "query": query,
                "matches": matches,
                "register_search_ms": register_ms,
                "raw_sql_floor_ms": floor_ms,
                "ratio_to_floor": round(register_ms / floor_ms, 1) if floor_ms else None,
                "service_count_and_first_200_ms": screen_ms,
                "service_all_ids_sorted_ms": ids_ms,
                "portable_like_count_ms": like_ms,
            }
        )
    raw.close()
    ctx.worker.wait()
    del app
    return out


def measure_scroll(db: Database, runs: int) -> dict[str, Any]:
    """The model's part of scrolling: fetching windows by id while the view moves."""
    app, ctx, model = _register_model(db)
    started = time.perf_counter()
    model.reload(sync=True)
    reload_ms = (time.perf_counter() - started) * 1000
    rows = model.rowCount()

    def screenful(first: int) -> None:
        _screenful(model, first)

    # Jumps (dragging the scroll bar): every screenful lands on an uncached page.
    jumps = []
    for k in range(60):
        model._pages.clear()
        first = (k * 7919 * model.PAGE) % max(1, rows - 35)
        t = time.perf_counter()
        screenful(first)
        jumps.append((time.perf_counter() - t) * 1000)
    # Smooth scrolling: 3 rows at a time through 6,000 rows.
    model._pages.clear()
    steps = []
    for first in range(0, min(rows, 6000), 3):
        t = time.perf_counter()
        screenful(first)
        steps.append((time.perf_counter() - t) * 1000)
    ctx.worker.wait()
    del app
    return {
        "rows": rows,
        "reload_ids_ms": round(reload_ms, 1),
        "jump_screenful_median_ms": round(statistics.median(jumps), 2),
        "jump_screenful_max_ms": round(max(jumps), 2),
        "scroll_step_median_ms": round(statistics.median(steps), 3),
        "scroll_step_p99_ms": round(sorted(steps)[int(len(steps) * 0.99)], 2),
        "page_size": model.PAGE,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args(argv)
    db = open_cached(args.proposals)
    if args.build_only:
        return 0
    started = time.perf_counter()
    built = search.ensure_index(db.engine)
    index_s = round(time.perf_counter() - started, 2)
    with db.session() as session:
        from kcdesk.services.proposals import register_query as rq

        total = rq.count(session, rq.RegisterFilter())
    results: dict[str, Any] = {
        "proposals": total,
        "index_built_now": built,
        "index_build_s": index_s if built else None,
        "runs": args.runs,
        "goal_ms": 50,
        "search": measure_search(db, args.runs, QUERIES),
        "scroll": measure_scroll(db, args.runs),
    }
    db.dispose()
    if not args.json_only:
        print_table(results)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


def print_table(results: dict[str, Any]) -> None:
    print(
        f"\nRegister search over {results['proposals']:,} proposals (median of {results['runs']} runs, ms)"
    )
    head = f"{'query':<20} {'matches':>8} {'register':>9} {'raw floor':>10} {'ratio':>6} {'count+200':>10} {'all ids':>9} {'LIKE':>8}"
    print(head)
    print("-" * len(head))
    for r in results["search"]:
        print(
            f"{r['query']:<20} {r['matches']:>8} {r['register_search_ms']:>9} "
            f"{r['raw_sql_floor_ms']:>10} {r['ratio_to_floor'] or '-':>6} "
            f"{r['service_count_and_first_200_ms']:>10} {r['service_all_ids_sorted_ms']:>9} "
            f"{r['portable_like_count_ms']:>8}"
        )
    s = results["scroll"]
    print(
        f"\nScrolling {s['rows']:,} rows: ids reload {s['reload_ids_ms']} ms; jump to an uncached "
        f"screenful median {s['jump_screenful_median_ms']} ms (max {s['jump_screenful_max_ms']}); "
        f"smooth step median {s['scroll_step_median_ms']} ms (p99 {s['scroll_step_p99_ms']})\n"
    )


if __name__ == "__main__":
    sys.exit(main())

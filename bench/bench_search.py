"""Benchmark: register search and scrolling at 100,000 proposals (not a test).

Builds once, then caches under ``bench/cache/`` (gitignored), a demo database made
by the demo generator in chunks. Measures, in the same run:

- the register search (``register_query``: count + first window, the ids of the
  whole result in register order) for several queries, median of several runs;
- the raw-SQL floors: the same FTS5 match and a plain LIKE scan through sqlite3;
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
from kcdesk.services import search, setup  # noqa: E402

CACHE = ROOT / "bench" / "cache"
CHUNK = 2000
QUERIES = (
    "mien dong",  # a trade, few hundred rows
    "Hợp tác xã",  # with diacritics, very common words
    "ĐỒ GỖ",  # capitals and đ
    "4800",  # tax-code prefix, most rows
    "cong ty tnhh may",  # four words
    "xyzzy",  # nothing
    "da 2027 01",  # short words: LIKE on narrowed rows
)


def build(path: Path, proposals: int, *, log: Callable[[str], None] = print) -> None:
    """The cached database: presets + ``proposals`` demo proposals (seeds 1, 2, …)."""
    tmp = path.with_suffix(".building.sqlite")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    db = open_database(tmp, create=True)
    setup.init_database(db)
    started = time.perf_counter()
    made, seed = 0, 1
    while made < proposals:
        n = min(CHUNK, proposals - made)
        setup.add_demo_data(db, proposals=n, seed=seed, year=2027)
        made, seed = made + n, seed + 1
        log(f"  {made:>7} proposals, {time.perf_counter() - started:6.0f} s")
    search.ensure_index(db.engine)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    tmp.rename(path)


def open_cached(proposals: int) -> Database:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"register-{proposals}.sqlite"
    if not path.exists():
        print(f"Building {path} (once; cached)…", flush=True)
        build(path, proposals)
    return open_database(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args(argv)
    db = open_cached(args.proposals)
    if args.build_only:
        return 0
    from bench_measure import measure  # type: ignore[import-not-found]

    results: dict[str, Any] = measure(db, runs=args.runs, queries=QUERIES)
    db.dispose()
    if not args.json_only:
        print_table(results)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


def print_table(results: dict[str, Any]) -> None:
    del results


if __name__ == "__main__":
    sys.exit(main())

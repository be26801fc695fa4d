"""Several workstations on one server: saves per second, p95 save latency and the
register search's latency while others write (docs/server.md, docs/benchmarks.md).

    .venv/bin/python -m bench.bench_server --proposals 10000 --clients 10

PostgreSQL: a throwaway cluster (tests/pg_server.py, with 256 MB of shared buffers
so that 100,000 proposals fit as on a configured server; docs/server.md) unless
``--pg-url`` names one. The data is the cached SQLite demo database (bench/common.py)
copied into it row by row (services/backup/logical_dump.py); with ``--base N``
smaller than ``--proposals`` the N-proposal cache is copied and its proposals are
cloned in SQL up to the size asked for (bench/server_data.py), on both engines, so
both hold the same proposals. SQLite is measured with one client, the way a single
PC works. Before the writers start, the search is measured alone (``quiet_search``).
Each client is a process that edits its own proposals (no conflicts by design:
the figure is throughput), every save a whole retried transaction with its audit
event; one more process runs register searches meanwhile.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ("may", "det may", "tre", "ha noi", "che bien")


def _codes(url: str, count: int) -> list[str]:
    from sqlalchemy import select

    from kcdesk.models import Proposal
    from kcdesk.models.db import open_database
    from kcdesk.services.proposals.save import EDIT_LOCKED

    db = open_database(url)
    try:
        with db.session() as s:
            return list(
                s.scalars(
                    select(Proposal.code)
                    .where(Proposal.status.not_in(list(EDIT_LOCKED)))
                    .order_by(Proposal.id)
                    .limit(count)
                )
            )
    finally:
        db.dispose()


def _client(url: str, codes: list[str], out: Any, ready: Any) -> None:
    from kcdesk.models import Role
    from kcdesk.models.db import open_database
    from kcdesk.services.core import retry, write_serial
    from kcdesk.services.proposals import lookup, save
    from kcdesk.services.proposals.draft import from_proposal
    from kcdesk.services.security.actor import Actor

    actor = Actor("bench", Role.ADMIN, "TTKC")
    db = open_database(url)
    latencies = []
    # Where a save's time goes: marks taken around the audit chain's lock (the one
    # every save takes: audit.append → write_serial.serialize(AUDIT)).
    marks: dict[str, float] = {}
    serialize = write_serial.serialize

    def timed_serialize(session: Any, name: str) -> None:
        if name == write_serial.AUDIT:
            marks["lock_asked"] = time.perf_counter()
        serialize(session, name)
        if name == write_serial.AUDIT:
            marks["lock_got"] = time.perf_counter()

    write_serial.serialize = timed_serialize  # type: ignore[assignment]
    phases: list[tuple[float, float, float, float]] = []
    ready.wait()  # imports and connection done: every client starts saving together
    for n, code in enumerate(codes):

        def work(s: Any, code: str = code, n: int = n) -> None:
            proposal = lookup.get_proposal(s, code)
            form = from_proposal(proposal)
            form.title = f"{form.title[:200]} · sửa {n}"
            marks["loaded"] = time.perf_counter()
            save.update_proposal(s, actor, code, form, proposal.revision, check_files=False)

        started = time.perf_counter()
        retry.write(db, work)
        ended = time.perf_counter()
        latencies.append(ended - started)
        # load + form; save work before the audit lock; waiting for it; audit
        # append, flush and commit while holding it (the last try of a retried save).
        phases.append(
            (
                marks["loaded"] - started,
                marks["lock_asked"] - marks["loaded"],
                marks["lock_got"] - marks["lock_asked"],
                ended - marks["lock_got"],
            )
        )
    db.dispose()
    out.put(("save", latencies))
    out.put(("phases", phases))


def _searcher(url: str, stop: Any, out: Any) -> None:
    from kcdesk.models.db import open_database
    from kcdesk.services.proposals import register_query as rq

    db = open_database(url)
    latencies = []
    while not stop.is_set():
        for query in QUERIES:
            started = time.perf_counter()
            with db.session() as s:
                ids = rq.matching_ids(s, rq.RegisterFilter(search=query), "plan_year", True)
                rq.rows_by_ids(s, ids[:35])  # the first screenful
            latencies.append(time.perf_counter() - started)
    db.dispose()
    out.put(("search", latencies))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def quiet_search(url: str, rounds: int = 5) -> dict[str, float]:
    """The register search with nobody writing: p50/p95 over ``rounds`` × QUERIES."""
    from kcdesk.models.db import open_database
    from kcdesk.services.proposals import register_query as rq

    db = open_database(url)
    latencies = []
    with db.session() as s:
        for query in QUERIES:  # warm-up: the first search reads the pages
            rq.matching_ids(s, rq.RegisterFilter(search=query), "plan_year", True)
        for _ in range(rounds):
            for query in QUERIES:
                started = time.perf_counter()
                ids = rq.matching_ids(s, rq.RegisterFilter(search=query), "plan_year", True)
                rq.rows_by_ids(s, ids[:35])
                latencies.append(time.perf_counter() - started)
    db.dispose()
    return {
        "quiet_search_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "quiet_search_p95_ms": round(_pct(latencies, 0.95) * 1000, 1),
    }


def measure(url: str, clients: int, saves: int) -> dict[str, Any]:
    quiet = quiet_search(url)
    ctx = mp.get_context("spawn")
    codes = _codes(url, clients * saves)
    if len(codes) < clients * saves:
        raise SystemExit(f"only {len(codes)} editable proposals")
    out, stop = ctx.Queue(), ctx.Event()
    searcher = ctx.Process(target=_searcher, args=(url, stop, out))
    searcher.start()
    time.sleep(2.0)  # the searcher is warm before the writers start
    ready = ctx.Barrier(clients + 1)
    procs = [
        ctx.Process(target=_client, args=(url, codes[i * saves : (i + 1) * saves], out, ready))
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    ready.wait()
    started = time.perf_counter()
    results: dict[str, list[Any]] = {"save": [], "search": [], "phases": []}
    for _ in range(2 * len(procs)):
        kind, values = out.get()
        results[kind] += values
    elapsed = time.perf_counter() - started
    stop.set()
    kind, values = out.get()
    results[kind] += values
    for p in [*procs, searcher]:
        p.join()
    saves_done = len(results["save"])
    phases = _phase_shares(results["phases"])
    return {
        **quiet,
        "clients": clients,
        "saves": saves_done,
        "saves_per_s": round(saves_done / elapsed, 1),
        "save_p50_ms": round(statistics.median(results["save"]) * 1000, 1),
        "save_p95_ms": round(_pct(results["save"], 0.95) * 1000, 1),
        "search_p50_ms": round(statistics.median(results["search"]) * 1000, 1),
        "search_p95_ms": round(_pct(results["search"], 0.95) * 1000, 1),
        "searches": len(results["search"]),
        **phases,
    }


PHASES = ("load_form", "before_audit_lock", "audit_lock_wait", "holding_audit_lock")


def _phase_shares(rows: list[tuple[float, ...]]) -> dict[str, Any]:
    """p50 of each phase (ms) over all saves, and its mean over the slowest 5 %."""
    if not rows:
        return {}
    slow = sorted(rows, key=sum)[-max(1, len(rows) // 20) :]
    return {
        "phase_p50_ms": {
            name: round(statistics.median(r[i] for r in rows) * 1000, 1)
            for i, name in enumerate(PHASES)
        },
        "phase_slowest_5pct_mean_ms": {
            name: round(statistics.fmean(r[i] for r in slow) * 1000, 1)
            for i, name in enumerate(PHASES)
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--saves", type=int, default=30, help="saves per client")
    parser.add_argument("--pg-url")
    parser.add_argument(
        "--base", type=int, help="copy this cached size, clone it up to --proposals"
    )
    args = parser.parse_args(argv)
    base = args.base or args.proposals

    import tempfile

    from bench.common import cached_db
    from bench.server_data import analyse, grow
    from kcdesk.models.db import backup_sqlite, open_database
    from kcdesk.services.backup import logical_dump

    source = open_database(cached_db(base, log=print))
    # The SQLite run edits proposals: on a copy, never on the shared bench cache.
    scratch = Path(tempfile.mkdtemp(prefix="kcdesk-bench-server-"))
    assert source.path is not None
    sqlite_url = str(backup_sqlite(source.path, scratch / "copy.sqlite"))
    sqlite_db = open_database(sqlite_url)
    grow(sqlite_db.engine, args.proposals)
    analyse(sqlite_db.engine)
    sqlite_db.dispose()
    server = None
    if args.pg_url:
        pg_url = args.pg_url
    else:
        from tests.pg_server import PgServer

        server = PgServer(shared_buffers="256MB")
        server.start()
        pg_url = server.url(server.fresh())
    try:
        started = time.perf_counter()
        target = open_database(pg_url, create=True)
        logical_dump.copy_rows(source.engine, target.engine)
        grow(target.engine, args.proposals)
        analyse(target.engine)
        with target.engine.connect() as conn:
            pages = conn.exec_driver_sql("SELECT pg_total_relation_size('proposal')").scalar()
        target.dispose()
        load_s = time.perf_counter() - started
        source.dispose()
        result = {
            "proposals": args.proposals,
            "copied_from": base,
            "postgresql_load_s": round(load_s, 1),
            "postgresql_proposal_table_mb": round(int(pages or 0) / 1_048_576, 1),
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "postgresql": measure(pg_url, args.clients, args.saves),
            "sqlite": measure(sqlite_url, 1, args.saves),
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        if server is not None:
            server.stop()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

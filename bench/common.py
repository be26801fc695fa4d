"""Shared benchmark helpers: the one cache of demo databases, and median timing.

Databases of 1,000 / 10,000 / 100,000 demo proposals are cached under
``bench/cache/`` as ``proposals-<N>-<fingerprint>.sqlite`` and rebuilt when the
schema head or the demo generator (``services/demo/``)
changes. Every benchmark takes its database from :func:`cached_db`.

A database is built in a child process, in chunks of :data:`CHUNK` proposals
(seeds 1, 2, …, plan year 2027): one ORM session holding 100,000 proposals with
their budget lines, outputs and history would need gigabytes. The register's
search index (FTS5) is built at the end, as the app does on first opening the
register. Two benchmarks asking for the same database at once wait on a lock
instead of building it twice.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
OUT = ROOT / "bench" / "out"
SCALES = (1_000, 10_000, 100_000)
CHUNK = 2_000

#: Seconds spent building each database in this process (for the report).
BUILD_SECONDS: dict[int, float] = {}


_SCHEMA: list[list[tuple[str, str, str]]] = []


def schema_rows() -> list[tuple[str, str, str]]:
    """(type, name, sql) of the schema an empty database gets from the migrations."""
    import tempfile

    from kcdesk.models.db import open_database

    if not _SCHEMA:
        with tempfile.TemporaryDirectory() as folder:
            db = open_database(Path(folder) / "schema.sqlite", create=True)
            with db.engine.connect() as conn:
                rows = conn.exec_driver_sql(
                    "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                    "ORDER BY type, name"
                ).all()
            db.dispose()
        _SCHEMA.append([(str(t), str(n), str(sql)) for t, n, sql in rows])
    return _SCHEMA[0]


def _fingerprint() -> str:
    """Tables and triggers (as migrated) + the generator's source: a change rebuilds.

    The schema itself, not only the head revision (a migration may be edited in
    place). Indexes are left out: they do not change the data, and
    :func:`reconcile_indexes` brings a cached database's indexes up to date.
    """
    digest = hashlib.sha256()
    for kind, name, sql in schema_rows():
        if kind != "index":
            digest.update(f"{kind} {name} {sql}\n".encode())
    services = ROOT / "kcdesk" / "services"
    for path in sorted((services / "demo").glob("*.py")):
        digest.update(path.read_bytes())
    digest.update(str(CHUNK).encode())
    return digest.hexdigest()[:12]


def reconcile_indexes(path: Path) -> list[str]:
    """Create the migrations' indexes a cached database lacks, drop those it no longer
    has; returns what changed (normally nothing)."""
    import sqlite3

    wanted = {name: sql for kind, name, sql in schema_rows() if kind == "index"}
    conn = sqlite3.connect(path)
    try:
        have = dict(
            conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        )
        changes = []
        for name in sorted(set(have) - set(wanted)):
            conn.execute(f'DROP INDEX "{name}"')
            changes.append(f"-{name}")
        for name, sql in sorted(wanted.items()):
            if have.get(name) != sql:
                if name in have:
                    conn.execute(f'DROP INDEX "{name}"')
                conn.execute(sql)
                changes.append(f"+{name}")
        if changes:
            conn.execute("ANALYZE")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return changes


def cache_env() -> dict[str, str]:
    """Environment for child processes: a data folder inside the cache, offscreen Qt."""
    return dict(
        os.environ,
        KCDESK_DATA_DIR=str(CACHE / "data"),
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )


def cached_path(proposals: int) -> Path:
    """Where the database of ``proposals`` proposals for the current fingerprint lives."""
    return CACHE / f"proposals-{proposals}-{_fingerprint()}.sqlite"


def cached_db(proposals: int, *, log: Callable[[str], None] | None = None) -> Path:
    """Path of a demo database with ``proposals`` proposals, built once per fingerprint."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = cached_path(proposals)
    say = log or (lambda text: print(text, file=sys.stderr, flush=True))
    with open(CACHE / f"proposals-{proposals}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():  # built before, or by another benchmark while we waited
            changed = reconcile_indexes(path)
            if changed:
                say(f"  {path.name}: indexes brought up to date ({', '.join(changed)})")
            return path
        # Older fingerprints of this size, and builds abandoned (untouched for 10 min).
        for stale in CACHE.glob(f"proposals-{proposals}-*"):
            if ".building" not in stale.name or time.time() - stale.stat().st_mtime > 600:
                stale.unlink(missing_ok=True)
        say(f"  building {path.name} ({proposals:,} demo proposals, once; cached)…")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bench.common", str(proposals), str(path)],
            check=True,
            env=cache_env(),
            cwd=ROOT,
        )
        BUILD_SECONDS[proposals] = time.perf_counter() - started
        say(f"  built {path.name} in {BUILD_SECONDS[proposals]:.0f} s")
    return path


def _build(proposals: int, target: Path) -> None:
    """Child process: presets + ``proposals`` demo proposals in chunks, then the index,
    into ``target`` (renamed into place only when complete, even if the parent died)."""
    from kcdesk.models.db import open_database
    from kcdesk.services.proposals import search
    from kcdesk.services.setup import first_run as setup

    tmp = target.with_name(target.stem + ".building")
    for leftover in target.parent.glob(tmp.name + "*"):
        leftover.unlink()
    db = open_database(tmp, create=True)
    setup.init_database(db)
    started, made, seed = time.perf_counter(), 0, 1
    while made < proposals:
        n = min(CHUNK, proposals - made)
        setup.add_demo_data(db, proposals=n, seed=seed, year=2027)
        made, seed = made + n, seed + 1
        if proposals > CHUNK:
            print(
                f"    {made:>7,} proposals, {time.perf_counter() - started:5.0f} s",
                file=sys.stderr,
                flush=True,
            )
    search.ensure_index(db.engine)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    tmp.rename(target)


def median_time(fn: Callable[[], object], *, repeat: int = 7, warmup: int = 1) -> float:
    """Median wall time of ``fn`` in seconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Build one cached demo database (internal).")
    parser.add_argument("proposals", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    _build(args.proposals, args.target)

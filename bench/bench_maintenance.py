"""Backup, restore and ``kcdesk check`` on a cached demo database, against floors (not a test).

On a copy of the database (the cache stays untouched), interleaved run by run so that
load from other processes hits kcdesk and its floor alike:

- ``backup_ratio``: ``create_backup`` (copy, zip, hash, write, verify) over the floor;
- ``restore_ratio``: ``restore_backup`` (check the zip, the safety backup of the current
  database, replace, reopen) over the same floor;
- floor ``backup_floor_s``: SQLite's online backup API copying the database, plus
  zipping the same bytes (deflate level 1, as kcdesk writes) — the least a consistent
  zipped copy costs;
- ``check_s``: ``kcdesk --db URL check`` in a fresh process, as a user runs it (wall
  time to its exit, median).

Ratios are medians of the per-run ratios of back-to-back pairs.

    .venv/bin/python bench/bench_maintenance.py [--proposals 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def floor(source: Path, work: Path) -> float:
    """Seconds for SQLite's backup API copy plus a level-1 deflate zip of that copy."""
    from kcdesk.models.db import backup_sqlite

    copy, archive = work / "floor.sqlite", work / "floor.zip"
    t0 = time.perf_counter()
    backup_sqlite(source, copy)
    with zipfile.ZipFile(archive, "w", allowZip64=True) as zf:
        zf.write(copy, "database.sqlite", zipfile.ZIP_DEFLATED, compresslevel=1)
    took = time.perf_counter() - t0
    copy.unlink()
    archive.unlink()
    return took


def ratio(ours: list[float], floors: list[float]) -> float:
    """Median of the per-run ratios (each pair ran back to back)."""
    if not ours or len(ours) != len(floors):
        raise ValueError("one floor per measured run")
    return statistics.median(a / b for a, b in zip(ours, floors, strict=True))


def check_time(db_path: Path, data_dir: Path) -> tuple[float, int]:
    """Wall seconds of ``kcdesk --db URL check`` in a fresh process, and its exit code."""
    env = dict(os.environ, KCDESK_DATA_DIR=str(data_dir))
    code = "import sys; from kcdesk.cli.main import main; sys.exit(main(sys.argv[1:]))"
    argv = [sys.executable, "-c", code, "--db", f"sqlite:///{db_path}", "check"]
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # 1: problems found (still a full check)
        raise RuntimeError(f"check exited {proc.returncode}: {proc.stderr[-500:]}")
    return took, proc.returncode


def measure(source: Path, runs: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kcdesk-bench-maint-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        os.environ["KCDESK_DATA_DIR"] = str(data_dir)  # backups/ and safety copies here
        from kcdesk.models.db import backup_sqlite, open_database
        from kcdesk.services.backup import backup_restore as backup
        from kcdesk.services.security.actor import SYSTEM

        db_path = data_dir / "kcdesk.sqlite"
        backup_sqlite(source, db_path)
        db = open_database(db_path)
        usb = work / "usb"
        backups, restores, floors_b, floors_r = [], [], [], []
        try:
            for n in range(runs):
                floors_b.append(floor(db_path, work))
                t0 = time.perf_counter()
                info = backup.create_backup(db, usb / f"b{n}.zip", SYSTEM)
                backups.append(time.perf_counter() - t0)
                floors_r.append(floor(db_path, work))
                t0 = time.perf_counter()
                result = backup.restore_backup(db, info.path, SYSTEM)
                restores.append(time.perf_counter() - t0)
                db = result.database
                shutil.rmtree(data_dir / "backups", ignore_errors=True)  # safety copies
                info.path.unlink()
        finally:
            db.dispose()
        checks = [check_time(db_path, data_dir) for _ in range(runs)]
        return {
            "database_mb": round(db_path.stat().st_size / 1_048_576, 1),
            "backup_s": statistics.median(backups),
            "restore_s": statistics.median(restores),
            "backup_floor_s": statistics.median(floors_b + floors_r),
            "backup_ratio": ratio(backups, floors_b),
            "restore_ratio": ratio(restores, floors_r),
            "check_s": statistics.median(t for t, _ in checks),
            "check_found_problems": any(code == 1 for _, code in checks),
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from bench.common import cached_db

    print(json.dumps(measure(cached_db(args.proposals), args.runs), indent=2))

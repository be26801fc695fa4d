"""Backup, restore and integrity-check time and sizes on a large demo database.

Usage: ``python -m bench.bench_backup [--db PATH | --proposals N]``. The database is
copied to a temporary folder first (the cache stays untouched). Floor, measured in
the same run: a plain file copy of the database (``shutil.copyfile``).
Figures: database size, backup file size, backup / check / restore / integrity time,
and each time as a ratio to the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--proposals", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kcdesk-bench-backup-") as tmp:
        work = Path(tmp)
        os.environ["KCDESK_DATA_DIR"] = str(work / "data")
        from kcdesk.models.db import backup_sqlite, open_database
        from kcdesk.services.backup import backup_restore as backup
        from kcdesk.services.backup import integrity
        from kcdesk.services.security.actor import SYSTEM

        if args.db is not None:
            source = args.db
        else:
            from bench.common import cached_db

            source = cached_db(args.proposals)
        db_path = work / "kcdesk.sqlite"
        backup_sqlite(source, db_path)
        conn = sqlite3.connect(str(db_path))
        proposals = conn.execute("SELECT count(*) FROM proposal").fetchone()[0]
        conn.execute("PRAGMA journal_mode=WAL")
        conn.close()

        _, floor = _timed(lambda: shutil.copyfile(db_path, work / "floor-copy.sqlite"))
        (work / "floor-copy.sqlite").unlink()
        db = open_database(db_path)
        out = work / "usb"
        out.mkdir()
        info, backup_s = _timed(lambda: backup.create_backup(db, out / "b.zip", SYSTEM))
        _, check_s = _timed(lambda: backup.check_backup(info.path))
        problems, integrity_s = _timed(lambda: integrity.check(db))
        result, restore_s = _timed(lambda: backup.restore_backup(db, info.path, SYSTEM))
        result.database.dispose()
        figures = {
            "proposals": proposals,
            "database_mb": round(db_path.stat().st_size / 1_048_576, 1),
            "backup_file_mb": round(info.size / 1_048_576, 1),
            "floor_copy_s": round(floor, 2),
            "backup_s": round(backup_s, 2),
            "check_backup_s": round(check_s, 2),
            "restore_s": round(restore_s, 2),
            "restore_includes_safety_backup": True,
            "integrity_check_s": round(integrity_s, 2),
            "integrity_problems": len(problems),
            "ratios_to_floor": {
                "backup": round(backup_s / floor, 1),
                "restore": round(restore_s / floor, 1),
                "integrity": round(integrity_s / floor, 1),
            },
        }
        print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()

"""Merging a 10,000-proposal Centre into another (issue 25): preview and merge times.

Standalone (not part of ``make bench``)::

    .venv/bin/python -m bench.bench_merge [--source 10000] [--target 2000] [--work DIR]

Builds a Hải Dương Centre of ``--source`` demo proposals (chunks of 2,000, seeds
1, 2, …) and a Hải Phòng Centre of ``--target``, backs up the first, then times the
preview (check + plan) and the merge (check + plan + one transaction), each in
this process, and prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from kcdesk.models import Role
from kcdesk.models.db import open_database
from kcdesk.services.backup import backup_restore
from kcdesk.services.core import settings
from kcdesk.services.security.actor import SYSTEM, Actor
from kcdesk.services.setup import first_run as setup

ADMIN = Actor("quantri", Role.ADMIN, "TTKC", "Quản trị viên")
CHUNK = 2000


def _centre(path: Path, province: str, proposals: int, seed0: int) -> None:
    db = open_database(path, create=True)
    setup.init_database(db)
    done, seed = 0, seed0
    while done < proposals:
        n = min(CHUNK, proposals - done)
        setup.add_demo_data(db, proposals=n, seed=seed, year=2025)
        done, seed = done + n, seed + 1
    # After the demo data, which names the demo's (Cao Bằng) organisation.
    with db.session() as s:
        settings.put_trusted(s, SYSTEM, "org.province", province)
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=int, default=10_000)
    parser.add_argument("--target", type=int, default=2_000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kcdesk-bench-merge-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KCDESK_DATA_DIR", str(work / "data"))
    source, target, backup = work / "hd.sqlite", work / "hp.sqlite", work / "hd.zip"
    t0 = time.perf_counter()
    if not source.exists():
        _centre(source, "Hải Dương", args.source, 101)
    if not target.exists():
        _centre(target, "Hải Phòng", args.target, 1)
    db = open_database(source)
    backup_restore._create_backup(db, backup, SYSTEM)
    db.dispose()
    build_s = time.perf_counter() - t0

    from kcdesk.services.merge import run

    merged = work / "merged.sqlite"
    merged.write_bytes(target.read_bytes())
    db = open_database(merged)
    t0 = time.perf_counter()
    plan = run.preview(db, backup, ADMIN)
    preview_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = run.merge(db, backup, ADMIN)
    merge_s = time.perf_counter() - t0
    db.dispose()
    assert result is not None
    print(
        json.dumps(
            {
                "source_proposals": args.source,
                "target_proposals": args.target,
                "rows_inserted": sum(plan.table_counts().values()),
                "audit_events_kept": len(plan.audit_events),
                "code_changes": len(plan.code_changes),
                "build_s": round(build_s, 1),
                "preview_s": round(preview_s, 2),
                "merge_s": round(merge_s, 2),
                "backup_mb": round(backup.stat().st_size / 1_048_576, 1),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

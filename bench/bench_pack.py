"""Benchmark: importing a 5,000-proposal exchange pack, and importing it again (not a test).

Builds an office database with N demo proposals (all of one office), exports a full
pack, then measures in the same run:

- floor: opening the zip, reading every member and hashing it (SHA-256), and parsing
  every JSON line — the least any verified import must do;
- verify: the pack reader's full verification (seal, signature, members, hashes);
- import: verify + preview + apply into an empty Centre database, one transaction;
- re-import: the same pack again (every record unchanged; goal ≤ 2 s).

Wall time and this process's CPU time are both reported, with the load average:
on a shared machine the CPU time is the fairer figure.

Goals on this machine: import ≤ 5 s, re-import ≤ 2 s; ratios are to the floor.

    .venv/bin/python bench/bench_pack.py [--proposals 5000] [--json-only]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from kcdesk.models.db import open_database  # noqa: E402
from kcdesk.services import setup  # noqa: E402
from kcdesk.services.actor import SYSTEM  # noqa: E402
from kcdesk.services.exchange import export, importer, keys  # noqa: E402
from kcdesk.services.exchange.pack_reader import open_pack  # noqa: E402

OFFICE = "XA-BENCH"


def floor(pack: Path) -> float:
    started = time.perf_counter()
    with zipfile.ZipFile(pack) as archive:
        for name in archive.namelist():
            digest = hashlib.sha256()
            with archive.open(name) as handle:
                if name.endswith(".jsonl"):
                    for line in handle:
                        digest.update(line)
                        json.loads(line)
                else:
                    while chunk := handle.read(1 << 20):
                        digest.update(chunk)
    return time.perf_counter() - started


def cpu(fn: Any) -> float:
    """CPU seconds of this process (fairer than wall time on a shared, loaded machine)."""
    started = time.process_time()
    fn()
    return time.process_time() - started


def build(tmp: Path, proposals: int) -> tuple[Any, Any, Path]:
    centre = open_database(tmp / "centre.sqlite", create=True)
    setup.init_database(centre)
    with centre.session() as s:
        key = keys.add_office(s, SYSTEM, OFFICE, "UBND xã Thử nghiệm")
    office = open_database(tmp / "office.sqlite", create=True)
    setup.init_database(office)
    setup.add_demo_data(office, proposals=proposals, seed=11, year=2027)
    with office.session() as s:
        keys.join_office(s, SYSTEM, key)
        s.execute(text("UPDATE proposal SET office_code = :o"), {"o": OFFICE})
    pack = tmp / "pack.kcpack"
    with office.session() as s:
        export.export_pack(s, SYSTEM, pack, full=True, attachments_root=tmp / "files")
    return centre, office, pack


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proposals", type=int, default=5000)
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        os.environ["KCDESK_DATA_DIR"] = str(tmp / "data")
        started = time.perf_counter()
        centre, office, pack = build(tmp, args.proposals)
        built = time.perf_counter() - started
        pack_bytes = pack.stat().st_size

        floor_s = min(floor(pack) for _ in range(3))
        started = time.perf_counter()
        with centre.session() as s:
            open_pack(pack, lambda code: keys.secret_for(s, code)).close()
        verify_s = time.perf_counter() - started

        floor_cpu = min(cpu(lambda: floor(pack)) for _ in range(3))
        started, cpu_started = time.perf_counter(), time.process_time()
        with centre.session() as s:
            first = importer.import_pack(s, SYSTEM, pack, attachments_root=tmp / "cfiles")
        import_s = time.perf_counter() - started
        import_cpu = time.process_time() - cpu_started
        started, cpu_started = time.perf_counter(), time.process_time()
        with centre.session() as s:
            again = importer.import_pack(s, SYSTEM, pack, attachments_root=tmp / "cfiles")
        reimport_s = time.perf_counter() - started
        reimport_cpu = time.process_time() - cpu_started
        centre.dispose()
        office.dispose()

    result = {
        "proposals": args.proposals,
        "pack_bytes": pack_bytes,
        "build_s": round(built, 2),
        "floor_read_hash_parse_s": round(floor_s, 3),
        "verify_s": round(verify_s, 3),
        "import_s": round(import_s, 3),
        "reimport_s": round(reimport_s, 3),
        "floor_cpu_s": round(floor_cpu, 3),
        "import_cpu_s": round(import_cpu, 3),
        "reimport_cpu_s": round(reimport_cpu, 3),
        "load_average": os.getloadavg()[0],
        "import_ratio_to_floor": round(import_s / floor_s, 1),
        "reimport_ratio_to_floor": round(reimport_s / floor_s, 1),
        "import_counts": first.counts(),
        "reimport_counts": again.counts(),
        "goals": {"import_s": 5.0, "reimport_s": 2.0},
        "met": import_s <= 5.0 and reimport_s <= 2.0,
    }
    if not args.json_only:
        print(
            f"{args.proposals} proposals: import {import_s:.2f} s (goal ≤ 5), re-import "
            f"{reimport_s:.2f} s (goal ≤ 2); floor (read+hash+parse) {floor_s:.3f} s; "
            f"ratios {result['import_ratio_to_floor']}× / {result['reimport_ratio_to_floor']}×"
        )
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

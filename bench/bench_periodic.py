"""The periodic report (báo cáo định kỳ) PDF + XLSX on a cached demo database (not a test).

``periodic_report_s``: what ``kcdesk report periodic --pdf F --xlsx F`` does after
start-up — the figures computed for the programme and period, the typed texts read,
the PDF and the XLSX written to files (atomically, as the command writes them) — in
seconds, median of the runs, for the slowest of the preset programmes over the plan
year 2027 (the demo databases' year). Each programme's time is in ``programmes``.

    .venv/bin/python bench/bench_periodic.py [--proposals 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_dashboard import PROGRAMMES

PERIOD = (date(2027, 1, 1), date(2027, 12, 31))


def _one(db: Any, code: str, folder: Path) -> None:
    from kcdesk.reports.common.org import agency_from_settings
    from kcdesk.reports.periodic.pdf import department_addressee, save_periodic_report_pdf
    from kcdesk.reports.periodic.xlsx import save_periodic_report_xlsx
    from kcdesk.services.core import settings
    from kcdesk.services.dashboard import periodic, report_text

    start, end = PERIOD
    with db.session() as session:
        report = periodic.compute_period(session, code, start, end)
        texts = report_text.get_texts(session, code, start, end)
        values = settings.get_all(session)
    # Each preset programme under a Centre of its own province: a report of another
    # province's programme is refused under this Centre's letterhead (issue 17 §4).
    agency = replace(agency_from_settings(values, "centre"), province=report.province)
    save_periodic_report_pdf(
        report,
        agency,
        folder / "report.pdf",
        when=end,
        department=department_addressee(values),
        texts=texts,
    )
    save_periodic_report_xlsx(report, folder / "report.xlsx", texts=texts)


def measure(source: Path, runs: int = 3) -> dict[str, Any]:
    from kcdesk.models.db import open_database
    from kcdesk.reports.common.fonts import register_fonts

    register_fonts()
    db = open_database(source)
    results: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="kcdesk-bench-periodic-") as tmp:
            for code in PROGRAMMES:
                _one(db, code, Path(tmp))  # warm: fonts, imports, page cache
                samples = []
                for _ in range(runs):
                    t0 = time.perf_counter()
                    _one(db, code, Path(tmp))
                    samples.append(time.perf_counter() - t0)
                results[code] = statistics.median(samples)
    finally:
        db.dispose()
    worst = max(results, key=lambda c: results[c])
    return {
        "periodic_report_s": results[worst],
        "periodic_report_programme": worst,
        "programmes": results,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from bench.common import cached_db

    print(json.dumps(measure(cached_db(args.proposals), args.runs), indent=2))

"""What a clerk waits for beyond the window (issue 24): the suite's extra benchmarks.

``bench.run`` merges these into its tables: per database scale, the backup, restore
and ``check`` (``bench_maintenance``) and the periodic report (``bench_periodic``);
once per suite run, the first start of ``make run`` on a fresh data folder
(``bench_first_start``). The cold-start ratio (``cold_start_ratio``) and the catalogue
PDF ratio (``catalogue_pdf_ratio``) come from the start-up and catalogue benchmarks
already in the suite. Kept in a module of its own so the suite's file stays small.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PER_SCALE = ("maintenance", "periodic")
GLOBAL = ("first_start",)

FIGURES: dict[str, tuple[str, ...]] = {
    "maintenance": ("backup_ratio", "restore_ratio", "check_s", "backup_s", "backup_floor_s"),
    "periodic": ("periodic_report_s",),
    "first_start": ("first_start_s", "first_start_floor_s"),
}
#: The issue's goals (ratios to a floor measured in the same run where it names one).
GOALS: dict[str, float] = {
    "catalogue_pdf_ratio": 1.5,
    "periodic_report_s": 1.0,
    "backup_ratio": 2.0,
    "restore_ratio": 2.0,
    "check_s": 10.0,
    "first_start_s": 2.0,
    "cold_start_ratio": 3.0,
    "pack_import_s": 2.0,
}
#: Rows of the table: (key, label, floor key or None).
ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("cold_start_ratio", "cold start (× bare Qt window)", None),
    ("cold_start_ready_s", "cold start, window filled (s)", "cold_start_floor_s"),
    ("first_start_s", "first start, demo made (s)", "first_start_floor_s"),
    ("open_view_ms", "open a proposal, p95 (ms)", None),
    ("wizard_open_ms", "wizard open, p95 (ms)", None),
    ("wizard_next_ms", "wizard next page, p95 (ms)", None),
    ("wizard_save_ms", "wizard save, p95 (ms)", None),
    ("section_switch_ms", "first switch, slowest (ms)", None),
    ("proposal_pdf_ms", "one proposal's PDF, p95 (ms)", None),
    ("catalogue_pdf_ratio", "catalogue PDF 2,000 rows (×)", None),
    ("periodic_report_s", "periodic report PDF+XLSX (s)", None),
    ("backup_ratio", "backup (× floor)", None),
    ("restore_ratio", "restore (× floor)", None),
    ("check_s", "kcdesk check (s)", None),
)


def cold_start_ratio(figures: dict[str, Any], key: str = "cold_start_s") -> float | None:
    """The app's cold start (``key``: to its window shown, or to it filled,
    ``cold_start_ready_s``) over the bare Qt window's, both medians of the same run."""
    app, floor = figures.get(key), figures.get("cold_start_floor_s")
    if not isinstance(app, int | float) or not isinstance(floor, int | float) or floor <= 0:
        return None
    return float(app) / float(floor)


def child_maintenance(scale: int, runs: int) -> dict[str, Any]:
    from bench import bench_maintenance
    from bench.common import cached_db

    return dict(bench_maintenance.measure(cached_db(scale), max(2, min(3, runs))))


def child_periodic(scale: int, runs: int) -> dict[str, Any]:
    from bench import bench_periodic
    from bench.common import cached_db

    return dict(bench_periodic.measure(cached_db(scale), max(3, runs)))


def child_first_start(scale: int, runs: int) -> dict[str, Any]:
    import compileall
    from pathlib import Path

    from bench import bench_first_start

    # As for the cold start: an installed kcdesk has its bytecode compiled.
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "kcdesk", quiet=1)
    return dict(bench_first_start.measure(runs))


CHILDREN: dict[str, Callable[[int, int], dict[str, Any]]] = {
    "maintenance": child_maintenance,
    "periodic": child_periodic,
    "first_start": child_first_start,
}

"""The benchmark suite's report (bench.run): every key present, null when not measured.

No benchmark runs here: a stand-in runner answers for each one, so this stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import bench_maintenance, clerk, run


def _runner(name: str, scale: int, runs: int) -> dict[str, Any]:
    if name == "dashboard":
        return {"missing": "kcdesk.services.dashboard.board: No module named 'dashboard'"}
    if name == "pack":
        return {"error": "RuntimeError: boom"}
    # A distinct number per scale, so the headline can be told apart.
    return {"ok": {key: float(scale or 7) / 1000 for key in run.FIGURES[name]}}


def _report(tmp_path: Path) -> dict[str, Any]:
    return run.collect(
        [10, 20],
        runs=1,
        runner=_runner,
        log=lambda _text: None,
        databases=lambda n, log: tmp_path / f"{n}.sqlite",
    )


def test_missing_and_failed_features_are_null_not_absent(tmp_path: Path) -> None:
    report = _report(tmp_path)
    for key in ("dashboard_ms", "pack_import_s", "pack_reimport_s"):
        assert key in report and report[key] is None
        assert report["met"].get(key) is None
    for scale in ("10", "20"):
        assert report["scales"][scale]["dashboard_ms"] is None
    assert set(report["missing"]) == {"dashboard@10", "dashboard@20"}
    assert set(report["errors"]) == {"pack"}


def test_headline_figures_come_from_the_largest_scale(tmp_path: Path) -> None:
    report = _report(tmp_path)
    assert report["headline_scale"] == 20
    assert report["cold_start_s"] == report["scales"]["20"]["cold_start_s"] == 0.02
    assert report["scales"]["10"]["search_ms"] == 0.01
    assert report["xlsx_ratio"] == 0.007
    assert report["met"]["xlsx_ratio"] is True
    for key in run.GOALS:
        assert key in report


def test_report_is_json_with_machine_and_a_table(tmp_path: Path) -> None:
    report = _report(tmp_path)
    out = tmp_path / "out" / "latest.json"
    run.write(report, out)
    loaded = json.loads(out.read_text(encoding="utf-8"))
    assert loaded["machine"]["cpu_count"] >= 1
    assert len(loaded["machine"]["load_average_start"]) == 3
    text = run.table(loaded)
    assert "null" in text and "FAILED: pack" in text


def test_issue_24_keys_are_in_the_report_with_their_goals(tmp_path: Path) -> None:
    report = _report(tmp_path)
    for key in (
        "catalogue_pdf_ratio",
        "periodic_report_s",
        "backup_ratio",
        "restore_ratio",
        "check_s",
        "first_start_s",
        "cold_start_ratio",
        "pack_import_s",
    ):
        assert key in report and key in report["goals"] and key in report["met"]
    # Per-scale figures are kept per scale (their growth goes in the table).
    assert report["scales"]["10"]["backup_ratio"] == 0.01
    assert report["scales"]["20"]["periodic_report_s"] == 0.02
    assert report["first_start_s"] == 0.007
    assert "backup (× floor)" in run.table(report)
    assert "| kcdesk check (s) |" in run.markdown(report)


def test_cold_start_ratio_is_app_over_floor_or_null() -> None:
    assert clerk.cold_start_ratio({"cold_start_s": 0.9, "cold_start_floor_s": 0.3}) == 0.9 / 0.3
    assert clerk.cold_start_ratio({"cold_start_s": 0.9, "cold_start_floor_s": 0}) is None
    assert clerk.cold_start_ratio({"cold_start_s": None, "cold_start_floor_s": 0.3}) is None


def test_ratios_are_medians_of_back_to_back_pairs() -> None:
    # Pairs 2/1, 9/3, 4/1 → ratios 2, 3, 4: the median ratio, not the ratio of medians.
    assert bench_maintenance.ratio([2.0, 9.0, 4.0], [1.0, 3.0, 1.0]) == 3.0
    with pytest.raises(ValueError):
        bench_maintenance.ratio([1.0], [])

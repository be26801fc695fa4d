"""The benchmark suite: ``make bench`` → ``bench/out/latest.json`` and a table.

Every figure is a median over several runs and is measured next to a floor taken
in the same run on the same data (a bare QMainWindow, the raw FTS query, a raw SQL
aggregate, a plain openpyxl / ReportLab write, reading and hashing the pack), so
a busy shared machine still gives comparable numbers: read the ratios.

Each benchmark runs in a child process of its own (``--child NAME``): a crash, a
missing feature or a memory peak in one cannot disturb the others. A feature that
is not built yet (its module does not import) is reported as ``null`` with the
reason under ``"missing"``; a benchmark that fails is ``null`` with the error
under ``"errors"``.

    .venv/bin/python -m bench.run [--scales 1000,10000,100000] [--runs 5] [--only a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import clerk  # noqa: E402
from bench.common import OUT, SCALES, cache_env  # noqa: E402

#: Benchmarks measured once per database scale, and once per suite run.
PER_SCALE = ("startup", "memory", "search", "dashboard", "interactions")
GLOBAL = ("xlsx", "sheets", "pack")
#: The figures each benchmark yields (all null when it is missing or fails).
FIGURES: dict[str, tuple[str, ...]] = {
    "startup": (
        "cold_start_s",
        "cold_start_floor_s",
        "cold_start_ratio",
        "cold_start_ready_s",
        "cold_start_ready_ratio",
    ),
    "memory": ("peak_rss_mb",),
    "search": ("search_ms", "search_floor_ms", "search_median_query_ms"),
    "dashboard": ("dashboard_ms", "dashboard_floor_ms"),
    "xlsx": ("xlsx_ratio", "xlsx_s", "xlsx_floor_s", "catalogue_pdf_ratio"),
    "sheets": ("sheets_ratio", "sheets_s", "sheets_floor_s"),
    "pack": ("pack_import_s", "pack_reimport_s", "pack_floor_s"),
    "interactions": (
        "open_view_ms",
        "wizard_open_ms",
        "wizard_next_ms",
        "wizard_save_ms",
        "section_switch_ms",
        "proposal_pdf_ms",
    ),
}
GOALS: dict[str, float] = {
    "cold_start_s": 1.0,
    "search_ms": 50.0,
    "dashboard_ms": 150.0,
    "xlsx_ratio": 1.5,
    "sheets_ratio": 1.5,
    "pack_import_s": 5.0,
    "pack_reimport_s": 2.0,
    "peak_rss_mb": 400.0,
    # What a clerk waits for in the window (bench_interactions.py; p95 except sections).
    "open_view_ms": 100.0,
    "wizard_open_ms": 100.0,
    "wizard_next_ms": 100.0,
    "wizard_save_ms": 150.0,
    "section_switch_ms": 150.0,
    "proposal_pdf_ms": 300.0,
}
# Issue 24's waits (first start, backup, restore, check, periodic report): bench/clerk.py.
PER_SCALE += clerk.PER_SCALE
GLOBAL += clerk.GLOBAL
FIGURES.update(clerk.FIGURES)
GOALS.update(clerk.GOALS)
CHILD_TIMEOUT_S = 3600
XLSX_ROWS, SHEETS, PACK_PROPOSALS = 2000, 500, 5000


class Missing(Exception):
    """The feature a benchmark measures is not built (its module does not import)."""


# --- the benchmarks (run in the child process) -------------------------------------


def _import(name: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise Missing(f"{name}: {exc}") from exc


def _compile_bytecode() -> None:
    """An installed kcdesk has its bytecode compiled (the bundle ships it): so does
    the tree measured, where PYTHONDONTWRITEBYTECODE (set on some machines) would
    otherwise compile every module a child imports, each run — in the first opening
    of a section too, not only at start."""
    import compileall

    compileall.compile_dir(ROOT / "kcdesk", quiet=1)


def child_startup(scale: int, runs: int) -> dict[str, Any]:
    from bench.common import cached_db

    startup = _import("bench.bench_startup")
    _compile_bytecode()
    figures = dict(startup.cold_start(cached_db(scale), repeat=runs))
    figures["cold_start_ratio"] = clerk.cold_start_ratio(figures)
    figures["cold_start_ready_ratio"] = clerk.cold_start_ratio(figures, "cold_start_ready_s")
    return figures


def child_memory(scale: int, runs: int) -> dict[str, Any]:
    from bench.common import cached_db

    startup = _import("bench.bench_startup")
    path = cached_db(scale)
    samples = [startup.peak_rss(path)]  # a peak, not a time: one run is enough
    return {
        "peak_rss_mb": statistics.median(s["peak_rss_mb"] for s in samples),
        "register_rows": samples[-1]["register_rows"],
    }


def child_search(scale: int, runs: int) -> dict[str, Any]:
    from bench.common import cached_db

    bench_search = _import("bench.bench_search")
    _import("kcdesk.services.proposals.register_query")
    from kcdesk.models.db import open_database
    from kcdesk.services.proposals import search

    db = open_database(cached_db(scale))
    try:
        search.ensure_index(db.engine)  # the register builds it on first opening
        rows = bench_search.measure_search(db, runs, bench_search.QUERIES)
    finally:
        db.dispose()
    screens = [r["register_search_ms"] for r in rows]
    worst = max(rows, key=lambda r: r["register_search_ms"])
    return {
        # The slowest of the representative queries: every query must feel instant.
        "search_ms": worst["register_search_ms"],
        "search_floor_ms": worst["raw_sql_floor_ms"],
        "search_worst_query": worst["query"],
        "search_median_query_ms": statistics.median(screens),
        "queries": rows,
    }


def child_dashboard(scale: int, runs: int) -> dict[str, Any]:
    from bench.common import cached_db

    bench_dashboard = _import("bench.bench_dashboard")
    from kcdesk.models.db import open_database

    path = cached_db(scale)
    db = open_database(path)
    try:
        created = bench_dashboard.ensure_indexes(db)
        results = bench_dashboard.measure(db, path, runs)
    finally:
        db.dispose()
    programmes = results["programmes"]
    worst_code = max(programmes, key=lambda c: programmes[c]["refresh_ms"])
    worst = programmes[worst_code]
    return {
        # The slowest of the preset programmes' refreshes.
        "dashboard_ms": worst["refresh_ms"],
        "dashboard_floor_ms": worst["floor_ms"],
        "dashboard_programme": worst_code,
        "indexes_created": created,
        "programmes": programmes,
    }


def child_xlsx(scale: int, runs: int) -> dict[str, Any]:
    catalogue = _import("bench.bench_catalogue")
    return dict(catalogue.measure(XLSX_ROWS, runs))


def child_sheets(scale: int, runs: int) -> dict[str, Any]:
    sheets = _import("bench.bench_sheets")
    return dict(sheets.measure(SHEETS, max(3, runs)))


def child_pack(scale: int, runs: int) -> dict[str, Any]:
    pack = _import("bench.bench_pack")
    return dict(pack.measure(PACK_PROPOSALS, max(1, min(3, runs))))


def child_interactions(scale: int, runs: int) -> dict[str, Any]:
    from bench.common import cached_db

    interactions = _import("bench.bench_interactions")
    return dict(interactions.measure(cached_db(scale), samples=max(10, 5 * runs)))


CHILDREN: dict[str, Callable[[int, int], dict[str, Any]]] = {
    "startup": child_startup,
    "memory": child_memory,
    "search": child_search,
    "dashboard": child_dashboard,
    "xlsx": child_xlsx,
    "sheets": child_sheets,
    "pack": child_pack,
    "interactions": child_interactions,
    **clerk.CHILDREN,
}


def run_child(name: str, scale: int, runs: int) -> int:
    """Child process: one benchmark; its result is the last stdout line (``JSON:{…}``)."""
    try:
        result: dict[str, Any] = {"ok": CHILDREN[name](scale, runs)}
    except Missing as exc:
        result = {"missing": str(exc)}
    except Exception as exc:
        traceback.print_exc()
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print("JSON:" + json.dumps(result, ensure_ascii=False, default=str), flush=True)
    return 0


# --- the suite (parent process) ----------------------------------------------------

Runner = Callable[[str, int, int], dict[str, Any]]


def spawn(name: str, scale: int, runs: int) -> dict[str, Any]:
    """Run one benchmark in a fresh process; ``{"ok": …}``, ``{"missing": …}`` or ``{"error": …}``."""
    argv = [sys.executable, "-m", "bench.run", "--child", name]
    argv += ["--scale", str(scale), "--runs", str(runs)]
    try:
        proc = subprocess.run(
            argv,
            cwd=ROOT,
            env=cache_env(),
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {CHILD_TIMEOUT_S} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("JSON:"):
            parsed: dict[str, Any] = json.loads(line[5:])
            if "error" in parsed:
                parsed["stderr_tail"] = proc.stderr.strip().splitlines()[-5:]
            return parsed
    tail = proc.stderr.strip().splitlines()[-5:]
    return {"error": f"exit {proc.returncode}: {' | '.join(tail)}"}


def machine(load_start: tuple[float, float, float]) -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def _figures(name: str, outcome: dict[str, Any]) -> dict[str, Any]:
    ok = outcome.get("ok") or {}
    return {key: _round(ok.get(key)) for key in FIGURES[name]}


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3 if abs(value) < 10 else 1)
    return value


def collect(
    scales: list[int],
    runs: int,
    only: set[str] | None = None,
    runner: Runner = spawn,
    log: Callable[[str], None] = print,
    databases: Callable[..., Path] | None = None,
) -> dict[str, Any]:
    """Run the benchmarks and assemble the report (every key present, null if not measured).

    ``databases(n, log=…)`` finds or builds the database of ``n`` proposals
    (default: the shared cache, ``bench.common.cached_db``).
    """
    from bench import common

    prepare = databases or common.cached_db
    started_at = datetime.now(UTC)
    load_start = os.getloadavg()
    report: dict[str, Any] = {key: None for name in FIGURES for key in FIGURES[name]}
    report.update(
        {
            "headline_scale": max(scales) if scales else None,
            "scales": {str(s): {} for s in scales},
            "details": {},
            "sections": [],
            "missing": {},
            "errors": {},
            "cache_build_s": {},
        }
    )
    wanted = only or set(CHILDREN)
    # Build (or find) the databases first so that no benchmark's time includes a build.
    if wanted & set(PER_SCALE) or "pack" in wanted:
        for scale in [*scales, *([PACK_PROPOSALS] if "pack" in wanted else [])]:
            try:
                path = prepare(scale, log=log)
            except Exception as exc:
                report["errors"][f"build@{scale}"] = f"{type(exc).__name__}: {exc}"
                continue
            built = common.BUILD_SECONDS.get(scale)
            report["cache_build_s"][str(scale)] = None if built is None else round(built, 1)
            log(
                f"  database {scale:,}: {path.name}"
                + (" (cached)" if built is None else f" (built in {built:.0f} s)")
            )
    jobs = [(name, scale) for scale in scales for name in PER_SCALE if name in wanted]
    jobs += [(name, 0) for name in GLOBAL if name in wanted]
    for name, scale in jobs:
        label = f"{name}@{scale}" if scale else name
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        log(f"  {label} … (load {load:.1f})")
        outcome = runner(name, scale, runs)
        took = time.perf_counter() - t0
        report["sections"].append(
            {"name": label, "seconds": round(took, 1), "load_1min": round(load, 2)}
        )
        if "missing" in outcome:
            report["missing"][label] = outcome["missing"]
        if "error" in outcome:
            report["errors"][label] = outcome["error"]
            log(f"    failed: {outcome['error']}")
        figures = _figures(name, outcome)
        if scale:
            report["scales"][str(scale)].update(figures)
            report["details"][label] = outcome.get("ok")
            if scale == report["headline_scale"]:
                report.update(figures)
        else:
            report.update(figures)
            report["details"][name] = outcome.get("ok")
    # Figures never measured at a scale stay null there (not silently absent).
    for scale in scales:
        for name in PER_SCALE:
            for key in FIGURES[name]:
                report["scales"][str(scale)].setdefault(key, None)
    report["goals"] = GOALS
    report["met"] = {
        key: None if report.get(key) is None else bool(report[key] <= goal)
        for key, goal in GOALS.items()
    }
    report["runs"] = runs
    report["machine"] = machine(load_start)
    report["started_at"] = started_at.isoformat(timespec="seconds")
    report["took_s"] = round((datetime.now(UTC) - started_at).total_seconds(), 1)
    return report


# --- the table ---------------------------------------------------------------------

ROWS = (
    ("cold_start_s", "cold start (s)", "cold_start_floor_s"),
    ("search_ms", "search, slowest query (ms)", "search_floor_ms"),
    ("search_median_query_ms", "search, median query (ms)", None),
    ("dashboard_ms", "dashboard refresh (ms)", "dashboard_floor_ms"),
    ("peak_rss_mb", "peak memory, register (MB)", None),
    ("xlsx_ratio", "catalogue XLSX 2,000 rows (×)", None),
    ("sheets_ratio", "500 appraisal sheets (×)", None),
    ("pack_import_s", "pack import 5,000 (s)", "pack_floor_s"),
    ("pack_reimport_s", "pack re-import 5,000 (s)", "pack_floor_s"),
    *clerk.ROWS,
)


def _fmt(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def table(report: dict[str, Any]) -> str:
    scales = list(report["scales"])
    head = f"{'figure':<30} {'goal':>7}" + "".join(f" {int(s):>9,}" for s in scales)
    head += f" {'floor':>9} {'×floor':>7} {'met':>5}"
    lines = [head, "-" * len(head)]
    for key, label, floor_key in ROWS:
        goal = GOALS.get(key)
        if key in _scale_keys():
            per_scale: list[Any] = [report["scales"][s].get(key) for s in scales]
        else:  # one figure, not per scale: shown under the headline scale
            per_scale = [""] * (len(scales) - 1) + [report.get(key)]
        floor = report.get(floor_key) if floor_key else None
        value = report.get(key)
        ratio = f"{value / floor:.1f}" if floor and value is not None else ""
        met = report["met"].get(key)
        lines.append(
            f"{label:<30} {('≤ ' + format(goal, 'g')) if goal else '':>7}"
            + "".join(f" {'' if v == '' else _fmt(v):>9}" for v in per_scale)
            + f" {_fmt(floor) if floor_key else '':>9} {ratio:>7} "
            + f"{'' if met is None and goal is None else {True: 'yes', False: 'NO', None: '-'}[met]:>5}"
        )
    m = report["machine"]
    lines.append("")
    lines.append(
        f"headline scale {report['headline_scale']:,} proposals; median of {report['runs']} runs; "
        f"{m['cpu_count']} CPUs, load {m['load_average_start'][0]} → {m['load_average_end'][0]}; "
        f"Python {m['python']}; {m['platform']}; {report['took_s']:.0f} s"
        if report["headline_scale"]
        else "no database scale measured"
    )
    for label, why in report["missing"].items():
        lines.append(f"not built: {label}: {why}")
    for label, why in report["errors"].items():
        lines.append(f"FAILED: {label}: {why}")
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    """The same table in Markdown (for docs/benchmarks.md), with growth over the scales."""
    scales = list(report["scales"])
    head = ["figure", "goal", *(f"{int(s):,}" for s in scales), "floor", "× floor", "met"]
    if len(scales) > 1:
        head.insert(2 + len(scales), f"growth {int(scales[0]):,}→{int(scales[-1]):,}")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, label, floor_key in ROWS:
        goal = GOALS.get(key)
        if key in _scale_keys():
            values: list[Any] = [report["scales"][s].get(key) for s in scales]
        else:
            values = [""] * (len(scales) - 1) + [report.get(key)]
        cells = [label, f"≤ {goal:g}" if goal else ""]
        cells += ["" if v == "" else _fmt(v) for v in values]
        if len(scales) > 1:
            first, last = values[0], values[-1]
            growth = (
                f"{last / first:.1f}×"
                if isinstance(first, float | int) and isinstance(last, float | int) and first
                else ""
            )
            cells.append(growth)
        floor = report.get(floor_key) if floor_key else None
        value = report.get(key)
        cells.append(_fmt(floor) if floor_key else "")
        cells.append(f"{value / floor:.1f}" if floor and value is not None else "")
        met = report["met"].get(key)
        cells.append("" if goal is None else {True: "yes", False: "**no**", None: "–"}[met])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _scale_keys() -> set[str]:
    return {key for name in PER_SCALE for key in FIGURES[name]}


def write(report: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default=",".join(str(s) for s in SCALES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(CHILDREN)}")
    parser.add_argument("--out", type=Path, default=OUT / "latest.json")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_child(args.child, args.scale, args.runs)
    _compile_bytecode()  # once, before any child (the interactions' sections import too)
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    only = {s.strip() for s in args.only.split(",")} if args.only else None
    if only and only - set(CHILDREN):
        parser.error(f"unknown benchmark(s): {', '.join(sorted(only - set(CHILDREN)))}")
    print(
        f"kcdesk benchmarks: scales {scales}, {args.runs} runs, {os.cpu_count()} CPUs", flush=True
    )
    report = collect(scales, args.runs, only, log=lambda s: print(s, flush=True))
    write(report, args.out)
    args.out.with_suffix(".md").write_text(markdown(report) + "\n", encoding="utf-8")
    print()
    print(table(report))
    print(f"\nwritten {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

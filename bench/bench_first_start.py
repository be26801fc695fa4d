"""First start of ``make run`` on a fresh data folder, measured (not a test).

``first_start_s``: a fresh ``kcdesk --demo`` process (what ``make run`` starts) in an
empty data folder, so the demo database is made on the way, until its main window
is shown and filled and the event loop has turned (KCDESK_EXIT_AFTER_SHOW; the child
prints ``READY`` on that turn, as in ``bench_startup``: the window's frame, shown
before the database is made, is not what this figure times). Each run gets a new empty folder.
``first_start_exit_s`` is the time to the process's exit, which waits for the
background work the window started. Floor ``first_start_floor_s``: the bare
QMainWindow of ``bench_startup``, timed the same way in the same run.

    .venv/bin/python bench/bench_first_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# ``kcdesk --demo`` runs through the start-up benchmark's APP_SCRIPT (it says when the
# window is up, shown maximised on a fresh data folder).
from bench.bench_startup import APP_SCRIPT, FLOOR_SCRIPT


def _timed(argv: list[str], data_dir: Path, marker: str = "SHOWN") -> tuple[float, float]:
    """Seconds from spawning ``argv`` (data folder ``data_dir``) to its ``marker`` line
    (the app's "READY": its window filled; the floor's "SHOWN"), and to exit."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        KCDESK_EXIT_AFTER_SHOW="1",
        KCDESK_DATA_DIR=str(data_dir),
    )
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    shown = None
    for line in proc.stdout:
        if line.strip() == marker and shown is None:
            shown = time.perf_counter() - t0
    code = proc.wait()
    done = time.perf_counter() - t0
    if code != 0 or shown is None:
        err = proc.stderr.read() if proc.stderr else ""
        raise RuntimeError(f"{argv[:3]}… exited {code} without showing its window: {err[-800:]}")
    return shown, done


def demo_proposals(data_dir: Path) -> int:
    """Proposals in the demo database the run left behind (the demo must be complete)."""
    conn = sqlite3.connect(data_dir / "kcdesk-demo.sqlite")
    try:
        return int(conn.execute("SELECT count(*) FROM proposal").fetchone()[0])
    finally:
        conn.close()


def measure(runs: int = 5) -> dict[str, float | int]:
    app = [sys.executable, "-c", APP_SCRIPT, "--demo"]
    floor = [sys.executable, "-c", FLOOR_SCRIPT]
    shown, exits, floors, made = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="kcdesk-bench-first-") as tmp:
        _timed(floor, Path(tmp) / "warm")  # warm the OS file cache
        for n in range(runs):
            folder = Path(tmp) / f"run{n}"  # fresh: no demo database yet
            s, done = _timed(app, folder, "READY")
            shown.append(s)
            exits.append(done)
            made.append(demo_proposals(folder))
            floors.append(_timed(floor, Path(tmp) / "warm")[0])
    return {
        "first_start_s": statistics.median(shown),
        "first_start_exit_s": statistics.median(exits),
        "first_start_floor_s": statistics.median(floors),
        "first_start_demo_proposals": min(made),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    print(json.dumps(measure(parser.parse_args().runs), indent=2))

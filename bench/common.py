"""Shared benchmark helpers: cached demo databases and median timing.

Databases of 1,000 / 10,000 / 100,000 demo proposals are cached under
``bench/cache/`` and rebuilt when the schema head or the generator changes.
"""

from __future__ import annotations

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


def _fingerprint() -> str:
    """Schema head + the generator's source: a change rebuilds the cached databases."""
    from kcdesk.models.db import head_revision

    digest = hashlib.sha256(head_revision().encode())
    services = ROOT / "kcdesk" / "services"
    for path in sorted(
        [services / "demo_data.py", *sorted((services / "demo_extensions").glob("*.py"))]
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cached_db(proposals: int, *, seed: int = 1, year: int = 2027) -> Path:
    """Path of a demo database with ``proposals`` proposals, built once per fingerprint."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"proposals-{proposals}-{_fingerprint()}.sqlite"
    if path.exists():
        return path
    for stale in CACHE.glob(f"proposals-{proposals}-*.sqlite*"):
        stale.unlink()
    tmp = path.with_suffix(".building")
    for leftover in CACHE.glob(tmp.name + "*"):
        leftover.unlink()
    env = dict(os.environ, KCDESK_DATA_DIR=str(CACHE / "data"))
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kcdesk.cli.main",
            "--db",
            str(tmp),
            "demo-data",
            "--proposals",
            str(proposals),
            "--seed",
            str(seed),
            "--year",
            str(year),
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.rename(path)
    print(f"  built {path.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


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

"""A merge killed half-way (SIGKILL) leaves the old state; run again, the merged state
(issue 25). The child process stops inside the merge's transaction — every row
written, the attachments copied, just before the merge's audit event — and waits to
be killed there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kcdesk.models.db import open_database
from kcdesk.services.backup import integrity
from kcdesk.services.core import audit
from kcdesk.services.merge import run
from kcdesk.services.merge.segment import verify_segments
from tests import merge_support as ms

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")

CHILD = r"""
import sys, threading
from pathlib import Path
from kcdesk.models.db import open_database
from kcdesk.services.merge import apply, run
from tests import merge_support as ms

def stop_here(*args, **kwargs):
    print("inside", flush=True)
    threading.Event().wait()  # until killed

apply.audit.record = stop_here
db = open_database(sys.argv[1])
run.merge(db, Path(sys.argv[2]), ms.ADMIN)
print("not killed", flush=True)
"""


def test_kill_during_merge_leaves_old_state_then_merge_completes(centres_dir: Path) -> None:
    centres = ms.build(centres_dir)
    db = open_database(centres.target)
    before = ms.row_counts(db)
    db.dispose()
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(centres.target), str(centres.source_backup)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=root,
    )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        assert line.strip() == "inside", proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    db = open_database(centres.target)
    assert ms.row_counts(db) == before  # the old state, whole
    assert integrity.check(db) == []
    result = run.merge(db, centres.source_backup, ms.ADMIN)  # and now, the merged state
    assert result is not None
    after = ms.row_counts(db)
    assert after["proposal"] == before["proposal"] + 30
    with db.session() as s:
        assert audit.verify_chain(s) is None
        assert verify_segments(s) == []
    assert integrity.check(db) == []
    db.dispose()


@pytest.fixture
def centres_dir(tmp_path: Path) -> Path:
    return tmp_path

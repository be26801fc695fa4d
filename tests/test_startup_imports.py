"""Cold start: the GUI path leaves Alembic, ReportLab and openpyxl unloaded, and the
schema head read from the migration files is the one Alembic computes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kcdesk.models.db import Database, _script_revisions, alembic_config, head_revision

PROBE = """
import json, sys
from kcdesk.cli.main import _plain_gui_args
import kcdesk.app
from kcdesk.models.db import open_database
db = open_database(sys.argv[1])
db.dispose()
print(json.dumps({
    "gui": _plain_gui_args(["--db", sys.argv[1]]) is not None,
    "loaded": sorted(
        name for name in ("alembic", "reportlab", "openpyxl", "kcdesk.cli.cmd_foundation")
        if name in sys.modules
    ),
}))
"""


def test_head_from_files_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    revisions = _script_revisions()
    assert revisions is not None
    assert set(revisions) == {r.revision for r in script.walk_revisions()}
    assert head_revision() == script.get_current_head()


def test_gui_start_path_does_not_load_heavy_modules(db: Database) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, db.url],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        cwd=Path(__file__).resolve().parent.parent,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"gui": True, "loaded": []}

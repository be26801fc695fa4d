"""Cold start (issue 24): the main window is shown without the modules only other
screens need — the other sections, printing and spreadsheets, backups, signing,
Alembic. Checked in a fresh ``kcdesk --db FILE`` process at the moment its window is
shown (modules the register's background jobs load are not looked at: they race)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kcdesk.models.db import Database

PROBE = """
import json, sys
from kcdesk.cli.main import main
from kcdesk.ui import main_window

NOT_AT_START = (
    "alembic", "reportlab", "openpyxl", "pyhanko", "docx", "keyring",
    "kcdesk.reports", "kcdesk.services.backup", "kcdesk.services.exchange",
    "kcdesk.services.catalogue.selection", "kcdesk.services.demo",
    "kcdesk.services.programmes.store",
    "kcdesk.ui.catalogue", "kcdesk.ui.implementation", "kcdesk.ui.appraisal",
    "kcdesk.ui.dashboard", "kcdesk.ui.audit", "kcdesk.ui.exchange", "kcdesk.ui.settings",
    "kcdesk.ui.wizard",
)
_show = main_window.MainWindow.show_initial

def show(self):
    _show(self)
    loaded = sorted(
        name for name in sys.modules
        if any(name == heavy or name.startswith(heavy + ".") for heavy in NOT_AT_START)
    )
    print("LOADED:" + json.dumps(loaded), flush=True)

main_window.MainWindow.show_initial = show
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.sqlite_only  # a file opened by ``kcdesk --db`` (a server asks to log in)
def test_main_window_shown_without_other_screens_modules(db: Database, tmp_path: Path) -> None:
    path = db.path
    assert path is not None
    db.dispose()
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", KCDESK_EXIT_AFTER_SHOW="1"),
        cwd=Path(__file__).resolve().parent.parent,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("LOADED:")]
    assert lines, f"the window was not shown (exit {proc.returncode}): {proc.stderr[-2000:]}"
    assert json.loads(lines[-1][len("LOADED:") :]) == []


def test_wizard_opens_without_the_pdf_writer() -> None:
    """The wizard's first opening does not import ReportLab (its printing does)."""
    probe = (
        "import sys\n"
        "import kcdesk.ui.wizard.wizard, kcdesk.ui.register.proposal_view\n"
        "print(sorted(m for m in ('reportlab', 'kcdesk.reports.proposals.pdf') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]"

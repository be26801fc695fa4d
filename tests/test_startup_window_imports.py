"""Cold start (issue 24): the main window's frame is shown before the database layer
(SQLAlchemy, the models) is imported, and the window is filled without the modules
only other screens need — the other sections, printing and spreadsheets, backups,
signing, Alembic. Checked in a fresh ``kcdesk --db FILE`` process at the moment its
frame is shown and at the moment it is filled (modules the register's background jobs
load are not looked at: they race)."""

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
NOT_IN_FRAME = ("sqlalchemy", "kcdesk.models", "kcdesk.services.setup", "importlib.metadata")
_show = main_window.MainWindow.show_initial
_attach = main_window.MainWindow.attach

def loaded(heavies):
    return sorted(
        name for name in sys.modules
        if any(name == heavy or name.startswith(heavy + ".") for heavy in heavies)
    )

def show(self):
    _show(self)
    print("FRAME:" + json.dumps(loaded(NOT_IN_FRAME)), flush=True)

def attach(self, *args, **kwargs):
    _attach(self, *args, **kwargs)
    print("LOADED:" + json.dumps(loaded(NOT_AT_START)), flush=True)
    print("TITLE:" + self.windowTitle(), flush=True)

main_window.MainWindow.show_initial = show
main_window.MainWindow.attach = attach
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
    assert lines, f"the window was not filled (exit {proc.returncode}): {proc.stderr[-2000:]}"
    assert json.loads(lines[-1][len("LOADED:") :]) == []
    assert proc.returncode == 0


@pytest.mark.sqlite_only  # a file opened by ``kcdesk --db`` (a server asks to log in)
def test_frame_shown_before_the_database_layer(db: Database, tmp_path: Path) -> None:
    """The frame comes before SQLAlchemy and the models; the window then gets filled
    (once), with the demo's title when the database is the demo's."""
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
    out = proc.stdout.splitlines()
    frames = [ln for ln in out if ln.startswith("FRAME:")]
    filled = [ln for ln in out if ln.startswith("LOADED:")]
    assert len(frames) == 1 and len(filled) == 1, proc.stderr[-2000:]
    assert out.index(frames[0]) < out.index(filled[0])
    assert json.loads(frames[0][len("FRAME:") :]) == []
    assert [ln for ln in out if ln.startswith("TITLE:")] == [
        "TITLE:kcdesk — Bàn làm việc khuyến công"
    ]


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
